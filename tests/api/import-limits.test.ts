import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ demo: false })
})
afterAll(async () => t?.close())

const square = (lon: number, lat: number) => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.001], [lon, lat + 0.001], [lon, lat]]],
})

describe('the error list of a bad import', () => {
  it('lists the first 1,000 problems in feature order and says how many more there are', async () => {
    // 2,500 districts without a name: one problem each (properties.name is missing), so the
    // count the message must give is 2,500, independently of how the importer words it.
    const bad = 2500
    const features = Array.from({ length: bad }, (_, index) => ({
      type: 'Feature',
      properties: { kind: 'district', code: `D${index}` },
      geometry: square(100 + (index % 50) * 0.01, 30 + Math.floor(index / 50) * 0.01),
    }))
    const response = await t.app.inject({ method: 'POST', url: '/api/import', payload: { type: 'FeatureCollection', features } })
    expect(response.statusCode).toBe(400)
    const { error } = response.json() as { error: { code: string; message: string; details: { index: number; field: string }[] } }
    expect(error.code).toBe('invalid_import')
    expect(error.details).toHaveLength(1000)
    expect(error.details[0]).toMatchObject({ index: 0, field: 'properties.name' })
    expect(error.details[999]).toMatchObject({ index: 999, field: 'properties.name' })
    expect(error.message).toContain('2500 features are invalid')
    expect(error.message).toContain('the first 1000 listed in details and 1500 more not listed')
    // 1,000 short details, not 2,500: the body stays small.
    expect(response.body.length).toBeLessThan(200_000)
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM zone`.execute(t.handle.db)
    expect(Number(rows[0]!.n)).toBe(0)
  })

  it('lists every problem when there are at most 1,000', async () => {
    const features = Array.from({ length: 3 }, (_, index) => ({
      type: 'Feature',
      properties: { kind: 'district', code: `E${index}` },
      geometry: square(110 + index * 0.01, 30),
    }))
    const response = await t.app.inject({ method: 'POST', url: '/api/import', payload: { type: 'FeatureCollection', features } })
    expect(response.statusCode).toBe(400)
    const { error } = response.json() as { error: { message: string; details: unknown[] } }
    expect(error.details).toHaveLength(3)
    expect(error.message).toBe('3 features are invalid')
  })
})
