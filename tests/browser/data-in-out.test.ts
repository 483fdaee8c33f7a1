import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Feature, FeatureCollection } from 'geojson'
import { adminHeaders, apiGet, givenTheAppIsOpen, openDriver, thenSaveAScreenshot, type Driver } from './driver.js'
import { zippedPolygonShapefile } from './shapefile.js'

/**
 * Data in and out of the map app: files dropped on the map go through the engine's import with
 * a preview and a kind per layer; the jurisdiction exports as GeoJSON; a zone changed behind the
 * planner's back opens the conflict dialog. Everything imported here lies east of the demo
 * (around 120.40 E, 30.40 N) and is deleted afterwards, so the other browser tests see the demo.
 */
interface ZoneProps { id: number; kind: string; code: string; name: string; version: number; street_class: string | null; parent_code: string | null }
type Zones = FeatureCollection<Feature['geometry'], ZoneProps>

let driver: Driver
const imported = new Set<number>()

const box = (west: number, south: number, size = 0.004) =>
  [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]

async function zonesNamed(q: string): Promise<Zones['features']> {
  return (await apiGet<Zones>(driver, `/api/zones?q=${encodeURIComponent(q)}&limit=100`)).features
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read whichever route's answer they asked for
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; data: any }> {
  const response = await fetch(`${driver.baseUrl}${path}`, {
    method,
    headers: body === undefined ? adminHeaders : { ...adminHeaders, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, data: text ? JSON.parse(text) : null }
}

/** Drops a file on the map as a browser does: a real drop event carrying a File in a DataTransfer. */
async function whenIDropAFile(name: string, content: string | Uint8Array, type: string): Promise<void> {
  const base64 = Buffer.from(typeof content === 'string' ? new TextEncoder().encode(content) : content).toString('base64')
  await driver.page.evaluate(({ name, base64, type }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
    const data = new DataTransfer()
    data.items.add(new File([bytes], name, { type }))
    const target = document.querySelector('[data-testid="map"]')!
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }))
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
  }, { name, base64, type })
  await expect.poll(() => driver.page.getByTestId('import-dialog').count()).toBe(1)
}

const dialog = () => driver.page.getByTestId('import-dialog')
const layerRows = () => dialog().locator('[data-testid^="import-layer-"]')

async function closeTheImportDialog(): Promise<void> {
  await dialog().getByRole('button', { name: '关闭' }).click()
  await expect.poll(() => dialog().count()).toBe(0)
}

async function remember(q: string): Promise<Zones['features']> {
  const found = await zonesNamed(q)
  for (const zone of found) imported.add(zone.properties.id)
  return found
}

beforeAll(async () => {
  driver = await openDriver()
  await givenTheAppIsOpen(driver)
})

afterAll(async () => {
  // Streets first, then the districts: nothing imported here has children left.
  for (const id of [...imported].reverse()) {
    const zone = await api('GET', `/api/zones/${id}`)
    if (zone.status === 200) await api('DELETE', `/api/zones/${id}?version=${zone.data.properties.version}`)
  }
  await driver?.close()
})

describe('data in and out of the map app', () => {
  it('exports the current jurisdiction as a GeoJSON download holding the demo sub-district', async () => {
    const subdistrict = (await apiGet<Zones>(driver, '/api/zones?kind=subdistrict&limit=100')).features[0]!
    expect(await driver.page.getByTestId('jurisdiction').inputValue()).toBe(subdistrict.properties.code)
    const [download] = await Promise.all([driver.page.waitForEvent('download'), driver.page.getByTestId('export').click()])
    expect(download.suggestedFilename()).toBe(`${subdistrict.properties.code}.geojson`)
    const chunks: Buffer[] = []
    for await (const chunk of (await download.createReadStream())) chunks.push(chunk as Buffer)
    const exported = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FeatureCollection
    expect(exported.type).toBe('FeatureCollection')
    const own = exported.features.find((f) => f.properties?.kind === 'subdistrict')
    expect(own?.properties).toMatchObject({ code: subdistrict.properties.code, name: subdistrict.properties.name })
    const kinds = new Set(exported.features.map((f) => f.properties?.kind))
    expect([...kinds]).toEqual(expect.arrayContaining(['subdistrict', 'community', 'street']))
    // Only the jurisdiction and what lies below it: not its district.
    expect(kinds.has('district')).toBe(false)
  })

  it('imports a dropped GeoJSON file with a preview and a kind chosen per layer', async () => {
    const file: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: 'F3-IMPORT-D1', name: '导入测试区' }, geometry: { type: 'Polygon', coordinates: [box(120.4, 30.4, 0.02)] } },
        { type: 'Feature', properties: { code: 'F3-IMPORT-S1', name: '导入测试街' }, geometry: { type: 'LineString', coordinates: [[120.402, 30.405], [120.412, 30.405]] } },
        { type: 'Feature', properties: { code: 'F3-IMPORT-S2', name: '导入测试巷' }, geometry: { type: 'LineString', coordinates: [[120.405, 30.402], [120.405, 30.412]] } },
      ],
    }
    await whenIDropAFile('导入测试.geojson', JSON.stringify(file), 'application/geo+json')
    // The preview: one layer per geometry, with its count and the kind suggested for it.
    await expect.poll(() => layerRows().count()).toBe(2)
    const polygons = layerRows().filter({ hasText: 'Polygon' })
    const lines = layerRows().filter({ hasText: 'LineString' })
    expect(await polygons.locator('td').nth(1).textContent()).toBe('1')
    expect(await lines.locator('td').nth(1).textContent()).toBe('2')
    expect(await polygons.locator('select').inputValue()).toBe('grid')
    expect(await lines.locator('select').inputValue()).toBe('street')
    // The planner says the polygon is a district, not a grid.
    await polygons.locator('select').selectOption('district')
    await dialog().getByTestId('import-validate').click()
    await expect.poll(() => dialog().getByTestId('import-message').textContent()).toMatch(/^校验通过.*zones 3/)
    expect(await zonesNamed('导入测试')).toEqual([])
    await thenSaveAScreenshot(driver, '10a-import-geojson-preview')

    await dialog().getByTestId('import-run').click()
    await expect.poll(() => dialog().getByTestId('import-message').textContent()).toMatch(/^导入完成.*zones 3/)
    const zones = await remember('导入测试')
    expect(zones.map((z) => [z.properties.kind, z.properties.code, z.properties.name]).sort()).toEqual([
      ['district', 'F3-IMPORT-D1', '导入测试区'],
      ['street', 'F3-IMPORT-S1', '导入测试街'],
      ['street', 'F3-IMPORT-S2', '导入测试巷'],
    ])
    // The map redraws with them: the new zones are in the page's zone source.
    await expect.poll(() => driver.page.evaluate(() => window.jiezhang.map.querySourceFeatures('zones')
      .filter((f) => String(f.properties?.code ?? '').startsWith('F3-IMPORT')).length)).toBeGreaterThan(0)
    await thenSaveAScreenshot(driver, '10b-import-geojson-done')
    await closeTheImportDialog()
  })

  it('shows the engine\'s error for each bad feature and imports nothing', async () => {
    const file: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { kind: 'district', code: 'F3-BAD-D1', name: '坏文件好区' }, geometry: { type: 'Polygon', coordinates: [box(120.45, 30.4)] } },
        { type: 'Feature', properties: { kind: 'district', code: 'F3-BAD-D2', name: '坏文件坏区' }, geometry: { type: 'LineString', coordinates: [[120.46, 30.4], [120.47, 30.41]] } },
      ],
    }
    await whenIDropAFile('坏文件.geojson', JSON.stringify(file), 'application/json')
    await expect.poll(() => layerRows().count()).toBe(1)
    expect(await layerRows().locator('select').inputValue()).toBe('as-is')
    await dialog().getByTestId('import-run').click()
    const errors = dialog().getByTestId('import-errors')
    await expect.poll(() => errors.count()).toBe(1)
    const items = await errors.locator('li').allTextContents()
    expect(items).toHaveLength(1)
    expect(items[0]).toMatch(/^要素 #1 geometry\.type: a district needs a Polygon or MultiPolygon, got LineString$/)
    expect(await zonesNamed('坏文件')).toEqual([])
    await thenSaveAScreenshot(driver, '11-import-per-feature-errors')
    await closeTheImportDialog()
  })

  it('imports an OpenStreetMap road file as streets, joining the ways of one name', async () => {
    const way = (name: string, highway: string, coordinates: number[][]) =>
      ({ type: 'Feature', properties: { highway, name, '@id': `way/${coordinates[0]!.join('')}` }, geometry: { type: 'LineString', coordinates } })
    const file = {
      type: 'FeatureCollection',
      features: [
        way('导入测试北路', 'tertiary', [[120.402, 30.415], [120.407, 30.415]]),
        way('导入测试北路', 'tertiary', [[120.407, 30.415], [120.412, 30.4151]]),
        way('导入测试南路', 'residential', [[120.402, 30.401], [120.412, 30.401]]),
        way('导入测试步道', 'footway', [[120.403, 30.402], [120.403, 30.41]]),
      ],
    }
    await whenIDropAFile('roads_osm.geojson', JSON.stringify(file), 'application/geo+json')
    await expect.poll(() => layerRows().count()).toBe(1)
    expect(await layerRows().locator('select').inputValue()).toBe('osm-roads')
    expect(await layerRows().locator('td').nth(1).textContent()).toBe('4')
    await dialog().getByTestId('import-validate').click()
    await expect.poll(() => dialog().getByTestId('import-message').textContent()).toMatch(/^校验通过.*zones 2/)
    await dialog().getByTestId('import-run').click()
    await expect.poll(() => dialog().getByTestId('import-message').textContent()).toMatch(/^导入完成.*zones 2/)
    const streets = (await remember('导入测试')).filter((z) => /路$/.test(z.properties.name))
    expect(streets.map((s) => [s.properties.kind, s.properties.name, s.properties.street_class]).sort()).toEqual([
      ['street', '导入测试北路', 'tertiary'],
      ['street', '导入测试南路', 'residential'],
    ])
    const north = streets.find((s) => s.properties.name === '导入测试北路')!
    expect(north.geometry).toMatchObject({ type: 'LineString' })
    expect(await zonesNamed('导入测试步道')).toEqual([])
    await thenSaveAScreenshot(driver, '12-import-osm-roads')
    await closeTheImportDialog()
  })

  it('imports a zipped Shapefile, with the kind of its layer chosen', async () => {
    const zip = zippedPolygonShapefile('f3_districts', [
      { ring: box(120.5, 30.4, 0.01), attributes: { CODE: 'F3-SHP-D1', NAME: '形状文件甲区' } },
      { ring: box(120.52, 30.4, 0.01), attributes: { CODE: 'F3-SHP-D2', NAME: '形状文件乙区' } },
    ])
    await whenIDropAFile('f3_districts.zip', zip, 'application/zip')
    await expect.poll(() => layerRows().count()).toBe(1)
    expect(await layerRows().locator('td').first().textContent()).toContain('f3_districts')
    expect(await layerRows().locator('td').nth(1).textContent()).toBe('2')
    await layerRows().locator('select').selectOption('district')
    await dialog().getByTestId('import-run').click()
    await expect.poll(() => dialog().getByTestId('import-message').textContent()).toMatch(/^导入完成.*zones 2/)
    const districts = await remember('形状文件')
    expect(districts.map((d) => [d.properties.kind, d.properties.code, d.properties.name]).sort()).toEqual([
      ['district', 'F3-SHP-D1', '形状文件甲区'],
      ['district', 'F3-SHP-D2', '形状文件乙区'],
    ])
    await thenSaveAScreenshot(driver, '13-import-shapefile')
    await closeTheImportDialog()
  })

  it('shows a conflict with both versions when the zone changed behind the page, and does what each choice says', async () => {
    const [street] = await zonesNamed('导入测试街')
    expect(street, 'the street imported above').toBeDefined()
    const id = street!.properties.id
    const search = driver.page.getByTestId('search')
    await search.fill('导入测试街')
    await search.press('Enter')
    await driver.page.getByTestId('search-results').getByRole('button', { name: /导入测试街/ }).click()
    await expect.poll(() => driver.page.getByTestId('zone-code').textContent()).toBe('F3-IMPORT-S1')
    const panel = driver.page.getByTestId('zone-panel')
    const nameInput = panel.getByTestId('zone-name')
    const save = panel.getByRole('button', { name: '保存', exact: true })

    // Someone else renames it first; the page still holds the version before.
    const seen = street!.properties.version
    expect((await api('PATCH', `/api/zones/${id}`, { version: seen, name: '对方改的街名' })).status).toBe(200)
    await nameInput.fill('我改的街名')
    await save.click()
    const conflict = driver.page.getByTestId('conflict-dialog')
    await expect.poll(() => conflict.count()).toBe(1)
    expect(await conflict.getByTestId('conflict-mine-name').textContent()).toBe('我改的街名')
    expect(await conflict.getByTestId('conflict-theirs-name').textContent()).toBe('对方改的街名')
    expect(await conflict.textContent()).toContain(`${seen + 1}`)
    await thenSaveAScreenshot(driver, '14a-conflict-dialog')

    // Keeping theirs writes nothing and shows their name.
    await conflict.getByTestId('keep-theirs').click()
    await expect.poll(() => conflict.count()).toBe(0)
    await expect.poll(() => nameInput.inputValue()).toBe('对方改的街名')
    let stored = await api('GET', `/api/zones/${id}`)
    expect(stored.data.properties).toMatchObject({ name: '对方改的街名', version: seen + 1 })

    // Again, and this time overwrite with mine: their later name is replaced by mine, knowingly.
    expect((await api('PATCH', `/api/zones/${id}`, { version: seen + 1, name: '对方又改的街名' })).status).toBe(200)
    await nameInput.fill('我最终的街名')
    await save.click()
    await expect.poll(() => conflict.count()).toBe(1)
    expect(await conflict.getByTestId('conflict-mine-name').textContent()).toBe('我最终的街名')
    expect(await conflict.getByTestId('conflict-theirs-name').textContent()).toBe('对方又改的街名')
    await conflict.getByTestId('keep-mine').click()
    await expect.poll(() => conflict.count()).toBe(0)
    await expect.poll(async () => (await api('GET', `/api/zones/${id}`)).data.properties.name).toBe('我最终的街名')
    stored = await api('GET', `/api/zones/${id}`)
    expect(stored.data.properties.version).toBe(seen + 3)
    expect(stored.data.properties.code).toBe('F3-IMPORT-S1')
    await expect.poll(() => driver.page.getByTestId('status').textContent()).toContain('已保存')
    await expect.poll(() => nameInput.inputValue()).toBe('我最终的街名')
    await thenSaveAScreenshot(driver, '14b-conflict-kept-mine')

    // Undoing the overwrite brings back their name, not the older copy the page had.
    await driver.page.getByTestId('undo').click()
    await expect.poll(async () => (await api('GET', `/api/zones/${id}`)).data.properties.name).toBe('对方又改的街名')
    await expect.poll(() => nameInput.inputValue()).toBe('对方又改的街名')

    // The only failed requests were the two conflicts and the bad file, each answered in the page.
    const unexpected = driver.consoleErrors.filter((e) => !/\b(409|422|400)\b/.test(e))
    expect(unexpected).toEqual([])
  })
})
