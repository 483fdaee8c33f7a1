import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { along, bbox, booleanPointInPolygon, length, lineString, pointOnFeature } from '@turf/turf'
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson'
import {
  apiGet, givenTheAppIsOpen, openDriver, thenSaveAScreenshot, thenTheMapDraws, waitForEdits, waitForMapIdle, whenIClickTheMapAt, whenIPress, whenIZoomTo,
  type Driver,
} from './driver.js'

type Zone = Feature<Polygon | MultiPolygon | LineString, {
  id: number; kind: string; code: string; name: string; parent_id: number | null; parent_code: string | null
  chief: { name: string } | null; width_m: number | null
}>
type Zones = FeatureCollection<Zone['geometry'], Zone['properties']>
interface Resolved { status: string; primary: { zone: { id: number; name: string }; chief: { name: string } | null } | null }
interface Coverage { gaps: unknown[]; overlaps: unknown[]; unassigned: { code: string }[] }

let driver: Driver
let zones: Zones
let subdistrict: Zone

beforeAll(async () => {
  driver = await openDriver()
  zones = await apiGet<Zones>(driver, '/api/zones?limit=10000')
  const found = zones.features.find((z) => z.properties.kind === 'subdistrict')
  if (!found) throw new Error('the demo has no sub-district')
  subdistrict = found
})

afterAll(async () => {
  await driver?.close()
})

const byKind = (kind: string) => zones.features.filter((z) => z.properties.kind === kind)

describe('the map app on the demo district', () => {
  it('opens with the demo drawn, a legend and no console errors, and records how long opening took', { timeout: 180_000 }, async () => {
    // Speed is measured, not asserted: the 3-second budget for opening the demo is reported from
    // .test-results/page-open.json (first open in a fresh browser, and a repeat open with the
    // bundle cached, as a dispatcher's browser has it), not failed on a busy machine.
    const firstOpenMs = await givenTheAppIsOpen(driver)
    const repeatOpenMs = await givenTheAppIsOpen(driver)
    mkdirSync('.test-results', { recursive: true })
    writeFileSync('.test-results/page-open.json', JSON.stringify({ firstOpenMs, repeatOpenMs, budgetMs: 3000 }) + '\n')
    expect(repeatOpenMs).toBeGreaterThan(0)
    await expect.poll(() => driver.page.evaluate(() => window.jiezhang.map.querySourceFeatures('zones').length)).toBeGreaterThan(0)
    await expect.poll(() => driver.page.getByTestId('coverage-panel').getAttribute('data-ok')).not.toBe('unknown')
    expect(await driver.page.getByTestId('legend').textContent()).toContain('单元网格')
    await thenSaveAScreenshot(driver, '01-demo-opened')
    expect(driver.consoleErrors).toEqual([])
  })

  it('dispatcher click on a grid shows the owner card with the primary zone and its chief', async () => {
    // A point inside a grid with a chief, away from streets: the engine's answer is the truth.
    const grids = byKind('grid').filter((g) => g.properties.chief)
    let target: { point: Position; resolved: Resolved } | null = null
    for (const grid of grids.slice(0, 20)) {
      const point = pointOnFeature(grid).geometry.coordinates
      const resolved = await apiGet<Resolved>(driver, `/api/resolve?lon=${point[0]}&lat=${point[1]}`)
      if (resolved.status === 'owned' && resolved.primary?.chief) {
        target = { point, resolved }
        break
      }
    }
    expect(target, 'a grid point with an owning chief').not.toBeNull()
    const { point, resolved } = target!
    // The primary zone really covers the point.
    const primary = zones.features.find((z) => z.id === resolved.primary!.zone.id || z.properties.id === resolved.primary!.zone.id)!
    if (primary.geometry.type !== 'LineString') expect(booleanPointInPolygon(point, primary.geometry)).toBe(true)

    await whenIZoomTo(driver, [point[0]! - 0.002, point[1]! - 0.002, point[0]! + 0.002, point[1]! + 0.002], 17)
    await whenIClickTheMapAt(driver, point)
    const card = driver.page.getByTestId('owner-card')
    await expect.poll(() => card.textContent()).toContain(resolved.primary!.zone.name)
    expect(await card.textContent()).toContain(resolved.primary!.chief!.name)
    await thenSaveAScreenshot(driver, '02-dispatcher-owner-card')
  })

  it('splits a street into three segments by clicking two points on it', async () => {
    // A street without segments becomes three; where every street is segmented, a segment is cut
    // into three (it keeps its code and two are added).
    const segmentParents = new Set(byKind('segment').map((s) => s.properties.parent_code))
    const longest = (list: Zone[]) => list.filter((z) => z.geometry.type === 'LineString').sort((a, b) => length(b) - length(a))[0]
    const target = longest(byKind('street').filter((s) => !segmentParents.has(s.properties.code))) ?? longest(byKind('segment'))
    expect(target, 'a street or segment to split').toBeDefined()
    const streetCode = target!.properties.kind === 'street' ? target!.properties.code : target!.properties.parent_code!
    const segmentsOf = async () => (await apiGet<Zones>(driver, '/api/zones?kind=segment&limit=10000')).features
      .filter((s) => s.properties.parent_code === streetCode)
    const before = await segmentsOf()
    const line = lineString((target!.geometry as LineString).coordinates)
    const total = length(line, { units: 'meters' })
    const first = along(line, total / 3, { units: 'meters' }).geometry.coordinates
    const second = along(line, (2 * total) / 3, { units: 'meters' }).geometry.coordinates
    await whenIZoomTo(driver, bbox(line), 17)
    const editsBefore = await driver.page.evaluate(() => window.jiezhang.edits)

    await whenIPress(driver, 'x')
    await whenIClickTheMapAt(driver, first)
    await whenIClickTheMapAt(driver, first)
    await whenIClickTheMapAt(driver, second)
    await whenIPress(driver, 'Enter')
    await waitForEdits(driver, editsBefore + 1)

    const after = await segmentsOf()
    if (target!.properties.kind === 'street') {
      expect(after).toHaveLength(3)
      expect(after.reduce((sum, s) => sum + length(s, { units: 'meters' }), 0)).toBeCloseTo(total, 0)
    } else {
      expect(after).toHaveLength(before.length + 2)
    }
    // On the screen: the map draws a different segment of the street in each third of it (at a
    // sixth, a half and five sixths of its length), and each is one the engine now holds.
    const thirds = [1, 3, 5].map((sixths) => along(line, (sixths * total) / 6, { units: 'meters' }).geometry.coordinates)
    const drawnAt = async () => Promise.all(thirds.map(async (at) =>
      (await thenTheMapDraws(driver, 'segment-line', at)).filter((s) => s.parent_code === streetCode).map((s) => s.id)))
    // Polled as one: until the map redraws, the old whole segment is the one drawn at all three.
    const drawnShape = async () => {
      const drawn = await drawnAt()
      return { perThird: drawn.map((ids) => ids.length), distinct: new Set(drawn.flat()).size }
    }
    await expect.poll(drawnShape, { timeout: 20_000 }).toEqual({ perThird: [1, 1, 1], distinct: 3 })
    const drawnIds = (await drawnAt()).flat()
    const heldIds = new Set(after.map((s) => s.id ?? s.properties.id))
    for (const id of drawnIds) expect(heldIds.has(id), `drawn segment ${id} is held by the engine`).toBe(true)
    await thenSaveAScreenshot(driver, '03-street-split-into-segments')
  })

  it('draws a grid by clicking, assigns its chief, and the coverage panel changes', async () => {
    await whenIPress(driver, 'v')
    const community = byKind('community').find((c) => c.properties.parent_id === subdistrict.properties.id) ?? byKind('community')[0]!
    const centre = pointOnFeature(community).geometry.coordinates
    const d = 0.0006
    const corners = [[centre[0]! - d, centre[1]! - d], [centre[0]! + d, centre[1]! - d], [centre[0]! + d, centre[1]! + d], [centre[0]! - d, centre[1]! + d]]
    await whenIZoomTo(driver, [centre[0]! - 4 * d, centre[1]! - 4 * d, centre[0]! + 4 * d, centre[1]! + 4 * d], 18)
    const coverage = driver.page.getByTestId('coverage-panel')
    const coverageBefore = await coverage.textContent()
    const editsBefore = await driver.page.evaluate(() => window.jiezhang.edits)

    await whenIPress(driver, 'g')
    for (const corner of corners) await whenIClickTheMapAt(driver, corner)
    await whenIPress(driver, 'Enter')
    await waitForEdits(driver, editsBefore + 1)

    const code = (await driver.page.getByTestId('zone-code').textContent())!.trim()
    const drawn = (await apiGet<Zones>(driver, `/api/zones?kind=grid&q=${encodeURIComponent(code)}&limit=50`)).features.find((z) => z.properties.code === code)
    expect(drawn, `grid ${code} saved`).toBeDefined()
    expect(drawn!.properties.parent_code).toBe(community.properties.code)
    await expect.poll(() => coverage.textContent()).not.toBe(coverageBefore)
    // The toast says what the new grid did to the audit (an unassigned grid at least).
    await expect.poll(() => driver.page.getByTestId('audit-toast').textContent()).toMatch(/^覆盖审计：.*新增.*项未指定/)
    await thenSaveAScreenshot(driver, '04a-grid-drawn')

    const coverageWithoutChief = await coverage.textContent()
    await driver.page.getByTestId('new-chief-name').fill('赵网格长')
    await driver.page.getByTestId('new-chief-phone').fill('13912345678')
    await driver.page.getByTestId('assign-chief-new').click()
    await expect.poll(() => driver.page.getByTestId('current-chief').textContent()).toContain('赵网格长')
    const saved = await apiGet<Zone>(driver, `/api/zones/${drawn!.id ?? drawn!.properties.id}`)
    expect(saved.properties.chief?.name).toBe('赵网格长')
    await expect.poll(() => coverage.textContent()).not.toBe(coverageWithoutChief)
    const report = await apiGet<Coverage>(driver, `/api/coverage/${subdistrict.properties.code}`)
    expect(report.unassigned.map((u) => u.code)).not.toContain(code)
    await thenSaveAScreenshot(driver, '04b-grid-chief-assigned')
  })

  it('undoes and redoes drawing a grid, and the map draws it, then not, then again', async () => {
    const grid = byKind('grid')[0]!
    const centre = pointOnFeature(grid).geometry.coordinates
    const d = 0.0003
    await whenIZoomTo(driver, [centre[0]! - 5 * d, centre[1]! - 5 * d, centre[0]! + 5 * d, centre[1]! + 5 * d], 18)
    const count = async () => (await apiGet<Zones>(driver, '/api/zones?kind=grid&limit=10000')).features.length
    const before = await count()
    // A point inside the triangle drawn below (south-east of its long side through the centre).
    const inside = [centre[0]! + d / 2, centre[1]! - d / 2]
    const gridsDrawnBefore = new Set((await thenTheMapDraws(driver, 'grid-fill', inside)).map((g) => g.id))
    const newGridsDrawn = async () => (await thenTheMapDraws(driver, 'grid-fill', inside)).filter((g) => !gridsDrawnBefore.has(g.id))
    const edits = await driver.page.evaluate(() => window.jiezhang.edits)
    await whenIPress(driver, 'g')
    for (const corner of [[centre[0]! - d, centre[1]! - d], [centre[0]! + d, centre[1]! - d], [centre[0]! + d, centre[1]! + d]]) {
      await whenIClickTheMapAt(driver, corner)
    }
    await whenIPress(driver, 'Enter')
    await waitForEdits(driver, edits + 1)
    expect(await count()).toBe(before + 1)
    await expect.poll(async () => (await newGridsDrawn()).length).toBe(1)
    const [drawn] = await newGridsDrawn()

    await whenIPress(driver, 'Control+z')
    await waitForEdits(driver, edits + 2)
    expect(await count()).toBe(before)
    await expect.poll(async () => (await newGridsDrawn()).length).toBe(0)
    expect([...(await thenTheMapDraws(driver, 'grid-fill', inside)).map((g) => g.id)].sort()).toEqual([...gridsDrawnBefore].sort())

    await whenIPress(driver, 'Control+Shift+z')
    await waitForEdits(driver, edits + 3)
    expect(await count()).toBe(before + 1)
    await expect.poll(async () => (await newGridsDrawn()).map((g) => g.code)).toEqual([drawn!.code])

    await whenIPress(driver, 'Control+z')
    await waitForEdits(driver, edits + 4)
    await expect.poll(async () => (await newGridsDrawn()).length).toBe(0)
  })

  it('generates 16 grids for the demo sub-district and accepts them', async () => {
    await whenIPress(driver, 'Escape')
    await driver.page.getByTestId('jurisdiction').selectOption(subdistrict.properties.code)
    await whenIPress(driver, 'n')
    await driver.page.getByTestId('grid-count').fill('16')
    await driver.page.getByTestId('generate').click()
    await expect.poll(() => driver.page.getByTestId('proposal-count').textContent()).toContain('16')
    await whenIZoomTo(driver, bbox(subdistrict), 16)
    await thenSaveAScreenshot(driver, '05a-sixteen-grids-proposed')
    const edits = await driver.page.evaluate(() => window.jiezhang.edits)
    await driver.page.getByTestId('accept-proposal').click()
    await waitForEdits(driver, edits + 1)

    const communityIds = new Set(byKind('community').filter((c) => c.properties.parent_id === subdistrict.properties.id).map((c) => c.properties.id))
    const grids = (await apiGet<Zones>(driver, '/api/zones?kind=grid&limit=10000')).features.filter((g) => communityIds.has(g.properties.parent_id!))
    expect(grids).toHaveLength(16)
    const report = await apiGet<Coverage>(driver, `/api/coverage/${subdistrict.properties.code}`)
    expect(report.overlaps).toEqual([])
    await waitForMapIdle(driver)
    await thenSaveAScreenshot(driver, '05b-sixteen-grids-accepted')
    expect(driver.consoleErrors).toEqual([])
  })

  it('prints the signboard of a street found by search: preview, paper choices and a PDF to download', { timeout: 180_000 }, async () => {
    const street = byKind('street').find((s) => s.properties.chief) ?? byKind('street')[0]!
    const { code, name } = street.properties
    await driver.page.getByTestId('search').fill(name)
    await driver.page.getByTestId('search').press('Enter')
    await driver.page.getByTestId('search-results').getByRole('button', { name: `${name} 街巷 ${code}`, exact: true }).click()
    await expect.poll(() => driver.page.getByTestId('zone-code').textContent()).toBe(code)

    await driver.page.getByTestId('print-signboard').click()
    const preview = driver.page.getByTestId('signboard-preview')
    const size = () => preview.evaluate((img: HTMLImageElement) => (img.complete ? [img.naturalWidth, img.naturalHeight] : [0, 0]))
    await expect.poll(size, { timeout: 30_000 }).not.toEqual([0, 0])
    const [width, height] = await size()
    expect(width, 'A3 landscape at 60 dpi').toBeGreaterThan(height!)
    expect(await preview.getAttribute('src')).toBe(`/api/signboards/${encodeURIComponent(code)}.png?dpi=60&paper=A3&orientation=landscape&kind=street`)

    // Another paper and orientation refresh the preview and the downloads.
    await driver.page.getByTestId('signboard-paper').getByRole('button', { name: 'A4' }).click()
    await driver.page.getByTestId('orientation-portrait').click()
    await expect.poll(async () => { const [w, h] = await size(); return h! > w! && w! > 0 }, { timeout: 30_000 }).toBe(true)
    expect(await driver.page.getByTestId('signboard-pdf').getAttribute('href')).toContain('paper=A4&orientation=portrait&kind=street')
    await driver.page.getByTestId('signboard-paper').getByRole('button', { name: 'A3' }).click()
    await driver.page.getByTestId('orientation-landscape').click()
    await expect.poll(async () => { const [w, h] = await size(); return w! > h! }, { timeout: 30_000 }).toBe(true)

    const href = (await driver.page.getByTestId('signboard-pdf').getAttribute('href'))!
    const pdf = await driver.page.evaluate(async (url) => {
      const response = await fetch(url)
      const bytes = new Uint8Array(await response.arrayBuffer())
      return { status: response.status, type: response.headers.get('content-type'), magic: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length }
    }, href)
    expect(pdf).toMatchObject({ status: 200, magic: '%PDF-' })
    expect(pdf.type).toContain('application/pdf')
    expect(pdf.size).toBeGreaterThan(10_000)
    await thenSaveAScreenshot(driver, '07-signboard-preview')
    await driver.page.getByTestId('signboard-dialog').getByRole('button', { name: '关闭' }).click()
    await expect.poll(() => driver.page.getByTestId('signboard-dialog').count()).toBe(0)
    expect(driver.consoleErrors).toEqual([])
  })

  it('renders the signboards of every street of the sub-district as a batch with progress', async () => {
    await driver.page.getByTestId('jurisdiction').selectOption(subdistrict.properties.code)
    await driver.page.getByTestId('batch-signboards').click()
    await driver.page.getByTestId('batch-kind').selectOption('street')
    await driver.page.getByTestId('batch-format').selectOption('pdf')
    await driver.page.getByTestId('batch-start').click()
    const progress = driver.page.getByTestId('batch-progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 90_000, interval: 500 }).toBe('done')
    expect(await progress.textContent()).toMatch(/已完成 (\d+)\/\1/)
    const href = (await driver.page.getByTestId('batch-download').getAttribute('href'))!
    const file = await driver.page.evaluate(async (url) => {
      const response = await fetch(url)
      return { status: response.status, type: response.headers.get('content-type'), size: (await response.arrayBuffer()).byteLength }
    }, href)
    expect(file.status).toBe(200)
    expect(file.type).toContain('application/pdf')
    await thenSaveAScreenshot(driver, '08-signboard-batch-done')
    await driver.page.getByTestId('batch-dialog').getByRole('button', { name: '关闭' }).click()
    expect(driver.consoleErrors).toEqual([])
  })

  it('switches every label to English and back', async () => {
    await driver.page.getByTestId('language').click()
    expect(await driver.page.getByTestId('toolbar').textContent()).toContain('Draw grid')
    expect(await driver.page.getByTestId('coverage-panel').textContent()).toContain('Coverage audit')
    await thenSaveAScreenshot(driver, '06-english')
    await driver.page.getByTestId('language').click()
    expect(await driver.page.getByTestId('toolbar').textContent()).toContain('画网格')
  })
})
