import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pointOnFeature } from '@turf/turf'
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { apiGet, openDriver, thenSaveAScreenshot, type Driver } from './driver.js'

type Frontage = Feature<Polygon | MultiPolygon, { id: number; kind: string; code: string; name: string; merchant: { name: string; phone: string | null } | null }>
interface Resolved {
  status: string
  primary: { zone: { id: number; kind: string; name: string }; merchant: { name: string; phone: string | null } | null } | null
}

let driver: Driver

beforeAll(async () => {
  driver = await openDriver()
})

afterAll(async () => {
  await driver?.close()
})

describe('the owner card', () => {
  it('shows the merchant of a frontage, the primary owner of its 门前三包 strip, with name and phone', { timeout: 180_000 }, async () => {
    const frontages = await apiGet<FeatureCollection<Frontage['geometry'], Frontage['properties']>>(driver, '/api/zones?kind=frontage&limit=10000')
    // A point inside a frontage whose merchant the engine names as the owner: the engine's answer is the truth.
    let target: { text: string; merchant: { name: string; phone: string | null } } | null = null
    for (const frontage of frontages.features.filter((f) => f.properties.merchant).slice(0, 20)) {
      const [lon, lat] = pointOnFeature(frontage).geometry.coordinates
      const resolved = await apiGet<Resolved>(driver, `/api/resolve?lon=${lon}&lat=${lat}`)
      if (resolved.primary?.zone.kind === 'frontage' && resolved.primary.merchant) {
        target = { text: `${lon}, ${lat}`, merchant: resolved.primary.merchant }
        break
      }
    }
    expect(target, 'a demo frontage whose merchant owns the point').not.toBeNull()

    // Opened here rather than with givenTheAppIsOpen, whose 15 s is short on a loaded machine.
    await driver.page.goto(`${driver.baseUrl}/`)
    await driver.page.waitForFunction(() => window.jiezhang?.ready === true, null, { timeout: 60_000 })
    await driver.page.getByTestId('coordinates').fill(target!.text)
    await driver.page.getByTestId('locate').click()

    // The merchant's own line in the primary owner, not just its name somewhere (a frontage is often named after its shop).
    const line = driver.page.getByTestId('owner-primary').getByTestId('owner-merchant')
    await expect.poll(() => line.count(), { timeout: 15_000 }).toBe(1)
    const text = await line.textContent()
    expect(text).toContain('商户')
    expect(text).toContain(target!.merchant.name)
    if (target!.merchant.phone) expect(text).toContain(target!.merchant.phone)
    await thenSaveAScreenshot(driver, 'owner-card-merchant')
  })
})
