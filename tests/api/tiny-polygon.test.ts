import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle } from '../helpers/seed.js'

// Robustness issue 13: a polygon under a centimetre across was accepted, exported with 7 decimals
// (about 1 cm) as a collapsed ring, and the import then refused the export. Accept and export
// agree now by refusing, on the way in, an area that encloses less than 1 m².
describe('polygons under a square metre', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  afterAll(async () => t?.close())

  // 5e-8° is about 5 mm at 30° N (1° of latitude ≈ 110.9 km, of longitude ≈ 96.5 km there).
  const tiny = rectangle(120.15, 30.27, 120.15000005, 30.27000005)

  it('refuses a district 5 mm across with 400 invalid_geometry naming the ring and the area limit', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/zones', payload: { kind: 'district', code: '330199', name: '微区', geometry: tiny } })
    expect(response.statusCode, response.body).toBe(400)
    const { error } = response.json() as { error: { code: string; details: { field: string; reason: string }[] } }
    expect(error.code).toBe('invalid_geometry')
    expect(error.details).toContainEqual({ field: 'geometry.coordinates[0]', reason: expect.stringMatching(/under 1 m²/) })
  })

  it('refuses the same polygon in an import, naming the feature', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/import',
      payload: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { kind: 'district', code: '330199', name: '微区' }, geometry: tiny }] },
    })
    expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400)
    const { error } = response.json() as { error: { details: { index?: number; field: string; reason: string }[] } }
    expect(error.details).toContainEqual({ index: 0, field: 'geometry.coordinates[0]', reason: expect.stringMatching(/under 1 m²/) })
  })

  it('accepts a district of 2 m by 2 m, and its export imports back into an empty database', async () => {
    // 2e-5° of latitude ≈ 2.2 m, of longitude ≈ 1.9 m: about 4 m².
    const small = rectangle(120.15, 30.27, 120.15002, 30.27002)
    const created = await t.app.inject({ method: 'POST', url: '/api/zones', payload: { kind: 'district', code: '330198', name: '小区', geometry: small } })
    expect(created.statusCode, created.body).toBe(201)
    const exported = (await t.app.inject({ method: 'GET', url: '/api/export?root=330198' })).json()
    const other = await createTestApp({ demo: false })
    try {
      const imported = await other.app.inject({ method: 'POST', url: '/api/import', payload: exported })
      expect(imported.statusCode, imported.body).toBe(201)
    } finally {
      await other.close()
    }
  })
})
