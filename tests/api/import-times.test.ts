import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The importer reads dates as the rest of the API does (kernel/time.ts): a bare date is midnight
 * China Standard Time, and a day that does not exist is refused, not rolled over.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ demo: false })
})
afterAll(async () => t?.close())

const square = (lon: number, lat: number, size: number) => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
})

function district(code: string, chiefSince: string) {
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { kind: 'district', code, name: `时间测试区${code}`, chief: { name: `区长(测试)${code}`, phone: '13900000001', since: chiefSince } },
        geometry: square(121.0 + Number(code.slice(-1)) * 0.02, 31.0, 0.01),

      },
    ],
  }
}

describe('dates in an import', () => {
  it('puts a chief imported with since: 2024-03-01 in office at ?at=2024-03-01 (both read as China Standard Time)', async () => {
    const imported = await t.app.inject({ method: 'POST', url: '/api/import', payload: district('990001', '2024-03-01') })
    expect(imported.statusCode).toBe(201)
    // 121.02 + 0.005, 31.005: the middle of the district's square.
    const at = (instant: string) =>
      t.app.inject({ method: 'GET', url: `/api/resolve?lon=121.025&lat=31.005&at=${encodeURIComponent(instant)}` })
    const onTheDay = (await at('2024-03-01')).json()
    expect(onTheDay.chain[0].zone.code).toBe('990001')
    expect(onTheDay.chain[0].chief?.name).toBe('区长(测试)990001')
    // One minute before midnight in Beijing, the evening before: not yet in office.
    const before = (await at('2024-02-29T23:59:00+08:00')).json()
    expect(before.chain[0].chief).toBeNull()
  })

  it.each([
    ['2024-02-30', '990002'],
    ['2023-02-29', '990003'],
    ['2024-13-01', '990004'],
    ['2024-03-01T25:00', '990005'],
  ])('refuses the date %s that does not exist, naming the field, and writes nothing', async (since, code) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/import', payload: district(code, since) })
    expect(response.statusCode).toBe(400)
    const details = response.json().error.details as { index?: number; field?: string }[]
    expect(details).toContainEqual(expect.objectContaining({ index: 0, field: 'properties.chief.since' }))
    const lookup = await t.app.inject({ method: 'GET', url: `/api/zones/by-code/district/${code}` })
    expect(lookup.statusCode).toBe(404)
  })
})
