import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pointOnFeature } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { apiGet, givenTheAppIsOpen, openDriver, thenSaveAScreenshot, type Driver } from './driver.js'

/**
 * 门前三包 credit in the zone panel (issue 11 item 5): the demo dispatcher (credit.edit over 拱墅区)
 * locates a point of a demo frontage, opens the frontage from the owner card, sees its 门前三包信用 section without a card, gives its merchant a
 * yellow card with a reason, and sees the yellow badge; the record the API holds agrees.
 */
type Frontage = Feature<Polygon | MultiPolygon, { code: string }> & { id: number }

interface FrontageCredit {
  merchant: { party: { name: string }; cards: { in_force: { colour: string; reason: string; given_by: string }[] } } | null
}

let driver: Driver
beforeAll(async () => {
  driver = await openDriver({ as: 'dispatcher' })
})
afterAll(async () => driver?.close())

describe('the zone panel’s 门前三包信用 section', () => {
  it('a dispatcher gives a yellow card from the frontage’s zone panel and sees the badge', { timeout: 180_000 }, async () => {
    // A frontage (past the demo's carded ones) whose point the engine gives to the frontage itself.
    const zones = await apiGet<{ features: Frontage[] }>(driver, `/api/zones?kind=frontage&limit=10000`)
    let target: { zone: Frontage; point: number[] } | null = null
    for (const zone of zones.features.filter((f) => f.properties.code >= '330105003MQ0030').slice(0, 20)) {
      const point = pointOnFeature(zone).geometry.coordinates
      const resolved = await apiGet<{ primary: { zone: { id: number; kind: string } } | null }>(driver, `/api/resolve?lon=${point[0]}&lat=${point[1]}`)
      if (resolved.primary?.zone.kind === 'frontage' && resolved.primary.zone.id === zone.id) {
        target = { zone, point }
        break
      }
    }
    expect(target, 'a demo frontage owning its own point').not.toBeNull()
    const { zone, point } = target!
    const CODE = zone.properties.code
    const before = await apiGet<FrontageCredit>(driver, `/api/credit/frontages/${zone.id}`)
    expect(before.merchant!.cards.in_force).toEqual([])

    // Given the frontage's panel is open (from the owner card of a point on it).
    await givenTheAppIsOpen(driver)
    await driver.page.getByTestId('coordinates').fill(`${point[0]}, ${point[1]}`)
    await driver.page.getByTestId('locate').click()
    await driver.page.getByTestId('owner-primary').locator('button.link.big').click()
    await expect.poll(() => driver.page.getByTestId('zone-code').textContent(), { timeout: 15_000 }).toBe(CODE)
    const section = driver.page.getByTestId('credit-section')
    await expect.poll(() => section.getByTestId('credit-cards').textContent(), { timeout: 15_000 }).toContain('无在用红黄牌')
    expect(await section.textContent()).toContain('门前三包信用')
    expect(await section.textContent()).toContain(before.merchant!.party.name)
    expect(await section.getByTestId('credit-points').textContent()).toBe('100')

    // When the dispatcher gives a yellow card with a reason.
    await section.getByTestId('credit-give-card').click()
    await section.getByTestId('credit-card-colour').selectOption('yellow')
    await section.getByTestId('credit-card-reason').fill('门前占道经营，劝导后仍未改正')
    await section.getByTestId('credit-card-submit').click()

    // Then the yellow badge is on the screen, and the record holds the card.
    const badge = section.getByTestId('credit-badge-yellow')
    await expect.poll(() => badge.count(), { timeout: 15_000 }).toBe(1)
    expect(await badge.textContent()).toContain('黄牌')
    expect(await badge.getAttribute('title')).toContain('门前占道经营，劝导后仍未改正')
    expect(await badge.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(245, 196, 0)')
    const after = await apiGet<FrontageCredit>(driver, `/api/credit/frontages/${zone.id}`)
    expect(after.merchant!.cards.in_force).toEqual([expect.objectContaining({ colour: 'yellow', reason: '门前占道经营，劝导后仍未改正', given_by: 'dispatcher' })])
    await thenSaveAScreenshot(driver, 'credit-yellow-card')
    expect(driver.consoleErrors).toEqual([])
  })
})
