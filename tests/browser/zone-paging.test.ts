import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiGet, openDriver, thenSaveAScreenshot, type Driver } from './driver.js'

/**
 * The editor pages through the zones (GET /api/zones?after=…) instead of drawing the first page
 * and calling it the map. With a forced page size of 25 the demo district takes many pages, and
 * the map must still hold every zone; with a forced cap below the demo's count the page must say
 * how many zones it shows of how many.
 */
let driver: Driver

beforeAll(async () => {
  driver = await openDriver()
})

afterAll(async () => {
  await driver?.close()
})

interface Listing {
  features: { id: number }[]
  truncated: boolean
  total?: number
}

async function openWith(query: string): Promise<void> {
  // Opened here rather than with givenTheAppIsOpen, whose 15 s is short on a loaded machine.
  await driver.page.goto(`${driver.baseUrl}/${query}`)
  await driver.page.waitForFunction(() => window.jiezhang?.ready === true, null, { timeout: 60_000 })
}

describe('loading the zones page by page', () => {
  it('puts every zone of the database on the map with a forced page size of 25, and shows no notice', { timeout: 120_000 }, async () => {
    const all = await apiGet<Listing>(driver, '/api/zones?limit=50000&total=true')
    expect(all.truncated).toBe(false)
    expect(all.features.length, 'the demo needs many pages of 25').toBeGreaterThan(25 * 4)
    const stored = all.features.map((feature) => feature.id).sort((a, b) => a - b)

    await openWith('?zone_page=25')
    const onMap = await driver.page.evaluate(() => window.jiezhang.controller.allZones().map((zone) => zone.id))
    expect(onMap.sort((a, b) => a - b)).toEqual(stored)
    await expect.poll(() => driver.page.getByTestId('coverage-panel').getAttribute('data-ok'), { timeout: 30_000 }).not.toBe('unknown')
    expect(await driver.page.getByTestId('zones-left-out').count()).toBe(0)
  })

  it('says on the page how many zones it shows of how many when the cap leaves some out', { timeout: 120_000 }, async () => {
    const { total } = await apiGet<Listing>(driver, '/api/zones?limit=1&total=true')
    expect(total).toBeGreaterThan(100)

    await openWith('?zone_cap=100&zone_page=40')
    const notice = driver.page.getByTestId('zones-left-out')
    await expect.poll(() => notice.count(), { timeout: 15_000 }).toBe(1)
    expect(await notice.getAttribute('data-shown')).toBe('100')
    expect(await notice.getAttribute('data-total')).toBe(String(total))
    const text = (await notice.textContent()) ?? ''
    expect(text).toContain('100')
    expect(text).toContain(total!.toLocaleString('zh-CN'))
    expect(text).toContain('地图不完整')
    expect(await notice.isVisible()).toBe(true)
    expect(await driver.page.evaluate(() => window.jiezhang.controller.allZones().length)).toBe(100)
    await thenSaveAScreenshot(driver, 'zones-left-out')
  })
})
