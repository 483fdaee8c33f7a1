import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import * as turf from '@turf/turf'
import type { Feature, LineString, MultiPolygon, Polygon } from 'geojson'
import { admin, openPhone, type PhonePage } from './cases-fixtures.js'
import { givenTheAppIsOpen, openDriver, type Driver } from './driver.js'

/**
 * Issue 11: the demo grid worker records a short patrol on a 390×844 phone page with emulated
 * geolocation: from the phone page's header to 巡查, start, a walk along 武林桥河下 (positions
 * from the demo file's centre line), a finding filed as a case, stop, and the summary listing
 * the grid walked in — the grid found here from the demo file's own polygons. Beside it a leader
 * keeps the ranking page 考核排行 open on this month's grids by 巡查次数: after the patrol and
 * 刷新, the grid's count is one more.
 */
interface DemoFeature extends Feature { properties: { kind: string; code: string; name: string } }
const demo = JSON.parse(readFileSync(new URL('../../data/demo/tianshui.geojson', import.meta.url), 'utf8')) as { features: DemoFeature[] }
const SEGMENT = '330105003J17-01'

const open: (PhonePage | Driver)[] = []
afterEach(async () => {
  while (open.length) await open.pop()!.close()
})

describe('the patrol phone page', () => {
  it('a grid worker starts a patrol, walks, records a finding, stops and sees the summary with the grid', { timeout: 180_000 }, async () => {
    const segment = demo.features.find((f) => f.properties.kind === 'segment' && f.properties.code === SEGMENT)!
    const line = segment.geometry.type === 'LineString' ? (segment as Feature<LineString>) : turf.lineString((segment.geometry as { coordinates: number[][][] }).coordinates.flat())
    // 15 positions 9 m apart (126 m, more than the 100 m a patrol must walk in a grid to count for
    // it, docs/assessment.md) along the street, all inside one grid.
    const grids = demo.features.filter((f) => f.properties.kind === 'grid') as (DemoFeature & Feature<Polygon | MultiPolygon>)[]
    const gridOf = (point: [number, number]) => grids.find((g) => turf.booleanPointInPolygon(point, g))
    const walkFrom = (start: number) => Array.from({ length: 15 }, (_, i) => turf.along(line, start + i * 9, { units: 'meters' }).geometry.coordinates as [number, number])
    const length = turf.length(line, { units: 'meters' })
    let walk: [number, number][] = []
    for (let start = 10; start + 140 < length && walk.length === 0; start += 10) {
      const candidate = walkFrom(start)
      const first = gridOf(candidate[0]!)
      if (first && candidate.every((point) => gridOf(point) === first)) walk = candidate
    }
    expect(walk.length, `a 126 m stretch of ${SEGMENT} inside one grid`).toBe(15)
    const grid = gridOf(walk[7]!)!

    // The leader's ranking page: this month (Beijing), grids by 巡查次数.
    const leader = await openDriver({ as: 'leader' })
    open.push(leader)
    await givenTheAppIsOpen(leader)
    await leader.page.getByTestId('ranking-tool').click()
    await expect.poll(() => leader.page.getByTestId('ranking-panel').isVisible()).toBe(true)
    const thisMonth = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
    await leader.page.getByTestId('rank-period-month').fill(thisMonth)
    await leader.page.getByTestId('rank-unit').selectOption('grid')
    await leader.page.getByTestId('rank-sort').selectOption('patrols')
    const rankRow = leader.page.getByTestId(`rank-row-${grid.properties.code}`)
    await expect.poll(() => rankRow.isVisible(), { timeout: 30_000 }).toBe(true)
    const countBefore = Number(await rankRow.getByTestId('rank-value').textContent())
    expect(Number.isInteger(countBefore)).toBe(true)

    const phone = await openPhone('gridworker')
    open.push(phone)
    const { page, context, baseUrl } = phone
    await context.grantPermissions(['geolocation'], { origin: baseUrl })
    await context.setGeolocation({ longitude: walk[0]![0], latitude: walk[0]![1], accuracy: 5 })
    await page.goto(`${baseUrl}/#/m`)
    await expect.poll(() => page.getByTestId('phone-page').isVisible(), { timeout: 60_000 }).toBe(true)
    await page.getByTestId('phone-open-patrol').click()
    await expect.poll(() => page.getByTestId('patrol-page').isVisible(), { timeout: 30_000 }).toBe(true)
    expect(await page.getByTestId('patrol-start').textContent()).toBe('开始巡查')
    await page.getByTestId('patrol-start').click()
    await expect.poll(() => page.getByTestId('patrol-recording').isVisible()).toBe(true)

    for (const [longitude, latitude] of walk.slice(1)) {
      await page.waitForTimeout(1100)
      await context.setGeolocation({ longitude, latitude, accuracy: 5 })
    }
    // The batches reached the server: the live view names the grid walked in.
    await expect.poll(() => page.getByTestId(`patrol-live-grid-${grid.properties.code}`).isVisible(), { timeout: 30_000 }).toBe(true)
    expect(Number(await page.getByTestId('patrol-distance').textContent())).toBeGreaterThan(20)

    await page.getByTestId('patrol-find').click()
    await page.getByTestId('patrol-finding-note').fill('巡查发现：井盖缺失')
    await page.getByTestId('patrol-finding-submit').click()
    await expect.poll(() => page.getByTestId('patrol-notice').textContent(), { timeout: 30_000 }).toMatch(/^已立案上报：\d{8}-\d{4}$/)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

    await page.getByTestId('patrol-stop').click()
    await expect.poll(() => page.getByTestId('patrol-summary').isVisible(), { timeout: 30_000 }).toBe(true)
    const gridLine = page.getByTestId('patrol-summary-grids').getByTestId(`patrol-summary-${grid.properties.code}`)
    // The grid's name as the server has it now (other browser files rename zones on the shared server).
    const current = await admin<{ properties: { name: string } }>(baseUrl, 'GET', `/api/zones/by-code/grid/${grid.properties.code}`)
    expect(await gridLine.textContent()).toContain(current.properties.name)
    expect(await page.getByTestId('patrol-summary-streets').getByTestId(`patrol-summary-${SEGMENT}`).isVisible()).toBe(true)
    await page.screenshot({ path: '.test-results/screenshots/patrols-phone-summary.png' })

    // What the server holds: the patrol done, the finding a patrol case of it.
    const { patrols } = await admin<{ patrols: { id: number; state: string; walker: { login: string } }[] }>(baseUrl, 'GET', '/api/patrols?limit=5')
    const mine = patrols.find((p) => p.walker.login === 'gridworker')!
    expect(mine.state).toBe('done')
    const view = await admin<{ findings: { id: number }[] }>(baseUrl, 'GET', `/api/patrols/${mine.id}`)
    expect(view.findings).toHaveLength(1)
    const filed = await admin<{ channel: string; description: string }>(baseUrl, 'GET', `/api/cases/${view.findings[0]!.id}`)
    expect(filed).toMatchObject({ channel: 'patrol', description: '巡查发现：井盖缺失' })

    // The ranking page, refreshed, counts the patrol on the grid.
    await leader.page.getByTestId('rank-refresh').click()
    await expect.poll(() => rankRow.getByTestId('rank-value').textContent(), { timeout: 30_000 }).toBe(String(countBefore + 1))
    await leader.page.screenshot({ path: '.test-results/screenshots/patrols-ranking-after.png' })
  })
})
