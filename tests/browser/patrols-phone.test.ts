import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import * as turf from '@turf/turf'
import type { Feature, LineString, MultiPolygon, Polygon } from 'geojson'
import { admin, openPhone, type PhonePage } from './cases-fixtures.js'

/**
 * Issue 11: the demo grid worker records a short patrol on a 390×844 phone page with emulated
 * geolocation: from the phone page's header to 巡查, start, a walk along 武林桥河下 (positions
 * from the demo file's centre line), a finding filed as a case, stop, and the summary listing
 * the grid walked in — the grid found here from the demo file's own polygons.
 */
interface DemoFeature extends Feature { properties: { kind: string; code: string; name: string } }
const demo = JSON.parse(readFileSync(new URL('../../data/demo/tianshui.geojson', import.meta.url), 'utf8')) as { features: DemoFeature[] }
const SEGMENT = '330105003J17-01'

const open: PhonePage[] = []
afterEach(async () => {
  while (open.length) await open.pop()!.close()
})

describe('the patrol phone page', () => {
  it('a grid worker starts a patrol, walks, records a finding, stops and sees the summary with the grid', { timeout: 180_000 }, async () => {
    const segment = demo.features.find((f) => f.properties.kind === 'segment' && f.properties.code === SEGMENT)!
    const line = segment.geometry.type === 'LineString' ? (segment as Feature<LineString>) : turf.lineString((segment.geometry as { coordinates: number[][][] }).coordinates.flat())
    // 15 positions 6 m apart from 40 m along the street: inside one grid.
    const walk = Array.from({ length: 15 }, (_, i) => turf.along(line, 40 + i * 6, { units: 'meters' }).geometry.coordinates as [number, number])
    const grid = demo.features.find((f) => f.properties.kind === 'grid' && turf.booleanPointInPolygon(walk[7]!, f as Feature<Polygon | MultiPolygon>))!
    expect(grid).toBeDefined()

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
    expect(await gridLine.textContent()).toContain(grid.properties.name)
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
  })
})
