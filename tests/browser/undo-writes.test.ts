import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Feature, FeatureCollection, Polygon } from 'geojson'
import { adminHeaders, apiGet, givenTheAppIsOpen, openDriver, thenSaveAScreenshot, type Driver } from './driver.js'

type Grid = Feature<Polygon, { id: number; kind: string; code: string; name: string; chief: { name: string; phone: string | null } | null }>

let driver: Driver

beforeAll(async () => {
  driver = await openDriver()
})

afterAll(async () => {
  await driver?.close()
})

/** The chief of a zone as the map's own data has it (what the map colours and the panel show). */
const chiefOnTheMap = (id: number) =>
  driver.page.evaluate((zoneId) => window.jiezhang.controller.zone(zoneId)?.properties.chief?.name ?? null, id)

describe('undo covers the writes made in the zone panel', () => {
  it('assigns a new chief to a grid, and undo shows the old chief again on the screen and in the engine, redo the new one', async () => {
    // A grid that has a chief, so that undo must bring that person back rather than leave the grid
    // without one; an earlier file may have replaced the demo's grids, so one is given a chief here.
    const grids = await apiGet<FeatureCollection<Polygon, Grid['properties']>>(driver, '/api/zones?kind=grid&limit=10000')
    const grid = (grids.features.find((g) => g.properties.chief) ?? grids.features[0]) as Grid | undefined
    expect(grid, 'a grid').toBeDefined()
    const { id, code, name } = grid!.properties
    if (!grid!.properties.chief) {
      const response = await fetch(`${driver.baseUrl}/api/zones/${id}/assignments`, {
        method: 'POST', headers: { ...adminHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ duty: 'chief', party: { name: '孙原网格长' } }),
      })
      expect(response.status).toBe(201)
    }
    const oldChief = (await apiGet<Grid>(driver, `/api/zones/${id}`)).properties.chief!.name
    const newChief = '钱撤销测试'

    await givenTheAppIsOpen(driver)
    await driver.page.getByTestId('search').fill(code)
    await driver.page.getByTestId('search').press('Enter')
    await driver.page.getByTestId('search-results').getByRole('button', { name: `${name} 单元网格 ${code}`, exact: true }).click()
    await expect.poll(() => driver.page.getByTestId('zone-code').textContent()).toBe(code)
    const currentChief = driver.page.getByTestId('current-chief')
    await expect.poll(() => currentChief.textContent()).toContain(oldChief)

    await driver.page.getByTestId('new-chief-name').fill(newChief)
    await driver.page.getByTestId('new-chief-phone').fill('13800000001')
    await driver.page.getByTestId('assign-chief-new').click()
    await expect.poll(() => currentChief.textContent()).toContain(newChief)
    expect((await apiGet<Grid>(driver, `/api/zones/${id}`)).properties.chief?.name).toBe(newChief)

    await driver.page.getByTestId('undo').click()
    await expect.poll(() => currentChief.textContent()).toContain(oldChief)
    expect(await currentChief.textContent()).not.toContain(newChief)
    expect(await chiefOnTheMap(id)).toBe(oldChief)
    expect((await apiGet<Grid>(driver, `/api/zones/${id}`)).properties.chief?.name).toBe(oldChief)
    await thenSaveAScreenshot(driver, 'undo-writes-chief-undone')

    await driver.page.getByTestId('redo').click()
    await expect.poll(() => currentChief.textContent()).toContain(newChief)
    expect(await chiefOnTheMap(id)).toBe(newChief)
    expect((await apiGet<Grid>(driver, `/api/zones/${id}`)).properties.chief?.name).toBe(newChief)

    // Leave the demo as it was for the files after this one.
    await driver.page.getByTestId('undo').click()
    await expect.poll(() => currentChief.textContent()).toContain(oldChief)
    expect(driver.consoleErrors).toEqual([])
  })
})
