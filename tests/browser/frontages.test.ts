import { area, destination, feature, featureCollection, intersect, nearestPointOnLine, lineString } from '@turf/turf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Feature, FeatureCollection, MultiLineString, Polygon, Position } from 'geojson'
import { adminHeaders, apiGet, givenTheAppIsOpen, openDriver, thenSaveAScreenshot, waitForEdits, whenIClickTheMapAt, whenIZoomTo, type Driver } from './driver.js'

/**
 * 门前三包 frontages: a shop list imported as strips clipped apart, and a shop's door clicked with
 * the merchant form. The shops stand on the north side of 体育场路 between 展览东路 and the demo's
 * own frontages further east, where the demo has none; everything made here is deleted afterwards.
 */
interface ZoneProps { id: number; kind: string; code: string; name: string; version: number; parent_code: string | null; merchant: { name: string; phone: string | null } | null; area_m2: number | null }
type Zones = FeatureCollection<Feature['geometry'], ZoneProps>

let driver: Driver
let segmentCode = ''
let segment: MultiLineString
const made = new Set<number>()
// Where the doors go: 22 m north of the northern carriageway (the street is 30 m wide, so each strip is ~7 m deep).
const DOOR_LONS = [120.16, 120.16008, 120.16016, 120.1603]
let doors: Position[] = []
let area_bbox: number[] = []

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read whichever route's answer they asked for
async function api(method: string, path: string): Promise<{ status: number; data: any }> {
  const response = await fetch(`${driver.baseUrl}${path}`, { method, headers: adminHeaders })
  const text = await response.text()
  return { status: response.status, data: text ? JSON.parse(text) : null }
}

const frontagesHere = async () => (await apiGet<Zones>(driver, `/api/zones?kind=frontage&bbox=${area_bbox.join(',')}`)).features

function doorNorthOf(lon: number): Position {
  const lines = segment.coordinates.map((line) => nearestPointOnLine(lineString(line), [lon, 30.2728], { units: 'meters' }))
  const northern = lines.sort((a, b) => b.geometry.coordinates[1]! - a.geometry.coordinates[1]!)[0]!
  return destination(northern.geometry.coordinates, 22, 0, { units: 'meters' }).geometry.coordinates
}

function overlapM2(a: Feature['geometry'], b: Feature['geometry']): number {
  const shared = intersect(featureCollection([feature(a as Polygon), feature(b as Polygon)]))
  return shared ? area(shared) : 0
}

beforeAll(async () => {
  driver = await openDriver()
  await givenTheAppIsOpen(driver)
  const street = (await apiGet<Zones>(driver, `/api/zones?kind=street&q=${encodeURIComponent('体育场路')}`)).features[0]!
  const segments = (await apiGet<Zones>(driver, `/api/zones?kind=segment&parent=${street.properties.code}`)).features
  // The segment passing 120.160 E (between 展览西路 and 中山北路).
  const here = segments.find((s) => (s.geometry as MultiLineString).coordinates.flat().some((p) => p[0]! < 120.1599) &&
    (s.geometry as MultiLineString).coordinates.flat().some((p) => p[0]! > 120.1605))!
  segmentCode = here.properties.code
  segment = here.geometry.type === 'LineString' ? { type: 'MultiLineString', coordinates: [here.geometry.coordinates] } : here.geometry as MultiLineString
  doors = DOOR_LONS.map(doorNorthOf)
  area_bbox = [120.1598, doors[0]![1]! - 0.00015, 120.16042, doors[0]![1]! + 0.0001]
})

afterAll(async () => {
  for (const zone of await frontagesHere().catch(() => [])) made.add(zone.properties.id)
  for (const id of made) {
    const zone = await api('GET', `/api/zones/${id}`)
    if (zone.status === 200) await api('DELETE', `/api/zones/${id}?version=${zone.data.properties.version}`)
  }
  await driver?.close()
})

describe('门前三包 frontages', () => {
  it('imports a shop list: previews the strips with the bad rows, then saves them with their merchants, clipped apart', async () => {
    expect(await frontagesHere()).toEqual([])
    // The first two fronts (10 m and 8 m wide, doors 7.7 m apart) overlap before clipping.
    const csv = [
      '名称,电话,经度,纬度,门宽',
      `测试面馆,13800000001,${doors[0]![0]},${doors[0]![1]},10`,
      `测试水果店,13800000002,${doors[1]![0]},${doors[1]![1]},`,
      `测试书店,,${doors[2]![0]},${doors[2]![1]},8`,
      `,13800000004,${doors[2]![0]},${doors[2]![1]},8`,
    ].join('\n')
    await whenIZoomTo(driver, area_bbox, 19)
    await driver.page.getByTestId('import-shops-file').setInputFiles({ name: '商户清单.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    const dialog = driver.page.getByTestId('shop-list-dialog')
    await expect.poll(() => dialog.getByTestId('shop-strip-count').textContent()).toBe('3')
    const problems = await dialog.getByTestId('shop-problems').locator('tbody tr').allTextContents()
    expect(problems).toEqual(['5名称必填'])
    await thenSaveAScreenshot(driver, 'frontages-1-shop-list-preview')

    const edits = await driver.page.evaluate(() => window.jiezhang.edits)
    await dialog.getByTestId('shop-accept').click()
    await waitForEdits(driver, edits + 1)
    await expect.poll(() => dialog.count()).toBe(0)

    const strips = await frontagesHere()
    for (const zone of strips) made.add(zone.properties.id)
    // Stored in the normal form of a phone (server/kernel/phone.ts), not as typed.
    expect(strips.map((z) => [z.properties.name, z.properties.merchant?.name, z.properties.merchant?.phone ?? null, z.properties.parent_code]).sort())
      .toEqual([
        ['测试书店', '测试书店', null, segmentCode],
        ['测试水果店', '测试水果店', '138-0000-0002', segmentCode],
        ['测试面馆', '测试面馆', '138-0000-0001', segmentCode],
      ])
    for (const [i, a] of strips.entries()) {
      for (const b of strips.slice(i + 1)) expect(overlapM2(a.geometry, b.geometry)).toBeLessThan(0.05)
    }
    // The 10 m front kept its own side of the overlap: more than the 8 m ones, less than unclipped.
    const byName = Object.fromEntries(strips.map((z) => [z.properties.name, area(z.geometry as Polygon)]))
    expect(byName['测试面馆']!).toBeGreaterThan(byName['测试书店']!)
    await thenSaveAScreenshot(driver, 'frontages-2-shop-list-saved')
  })

  it("makes a frontage from a clicked door with the merchant form, as one undoable edit", async () => {
    await driver.page.getByTestId('mode-frontage-door').click()
    await whenIClickTheMapAt(driver, doors[3]!)
    const form = driver.page.getByTestId('shop-form')
    await expect.poll(() => form.count()).toBe(1)
    expect(await form.getByTestId('shop-width').inputValue()).toBe('8')
    await form.getByTestId('shop-name').fill('测试茶馆')
    await form.getByTestId('shop-phone').fill('13800000009')
    await form.getByTestId('shop-width').fill('6')
    await thenSaveAScreenshot(driver, 'frontages-3-door-form')
    const edits = await driver.page.evaluate(() => window.jiezhang.edits)
    await form.getByTestId('shop-submit').click()
    await waitForEdits(driver, edits + 1)

    const teahouse = async () => (await frontagesHere()).filter((z) => z.properties.name === '测试茶馆')
    const [made1] = await teahouse()
    expect(made1).toBeDefined()
    made.add(made1!.properties.id)
    expect(made1!.properties.merchant).toMatchObject({ name: '测试茶馆', phone: '138-0000-0009' })
    expect(made1!.properties.parent_code).toBe(segmentCode)
    // 6 m wide and about 7 m deep.
    expect(area(made1!.geometry as Polygon)).toBeGreaterThan(30)
    expect(area(made1!.geometry as Polygon)).toBeLessThan(55)
    for (const other of (await frontagesHere()).filter((z) => z.properties.id !== made1!.properties.id)) {
      expect(overlapM2(made1!.geometry, other.geometry)).toBeLessThan(0.05)
    }
    await thenSaveAScreenshot(driver, 'frontages-4-door-saved')

    // Undo takes the frontage and its merchant away; redo brings both back.
    await driver.page.getByTestId('undo').click()
    await waitForEdits(driver, edits + 2)
    expect(await teahouse()).toEqual([])
    await driver.page.getByTestId('redo').click()
    await waitForEdits(driver, edits + 3)
    const redone = await teahouse()
    expect(redone.map((z) => z.properties.merchant?.name)).toEqual(['测试茶馆'])
    for (const zone of redone) made.add(zone.properties.id)
    expect(driver.consoleErrors).toEqual([])
  })
})
