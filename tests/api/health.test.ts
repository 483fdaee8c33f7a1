import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

describe('the app over a migrated database', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  afterAll(async () => t?.close())

  it('answers health and runs PostGIS', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health' })
    expect(response.statusCode).toBe(200)
    const { rows } = await sql<{ version: string }>`SELECT postgis_lib_version() AS version`.execute(t.handle.db)
    expect(rows[0]?.version).toMatch(/^3\./)
  })

  it('answers an unknown route with a JSON 404', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/nope' })
    expect(response.statusCode).toBe(404)
    expect(response.json().error.code).toBe('not_found')
  })
})

describe('test seeding', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  afterAll(async () => t?.close())

  it('derives the owned area of a street from its centre line and width', async () => {
    const { seedZone } = await import('../helpers/seed.js')
    const id = await seedZone(t.handle.db, {
      kind: 'street',
      code: 'S1',
      geometry: { type: 'LineString', coordinates: [[120.15, 30.27], [120.16, 30.27]] },
      widthM: 20,
    })
    const { rows } = await sql<{ area: number; parts: number }>`
      SELECT ST_Area(area::geography) AS area, (SELECT count(*) FROM zone_part WHERE zone_id = ${id}) AS parts
      FROM zone WHERE id = ${id}`.execute(t.handle.db)
    // 0.01° of longitude at 30.27° N is about 961 m; 20 m wide with flat ends.
    expect(rows[0]!.area).toBeGreaterThan(961 * 20 * 0.99)
    expect(rows[0]!.area).toBeLessThan(961 * 20 * 1.01)
    expect(Number(rows[0]!.parts)).toBeGreaterThan(0)
  })
})
