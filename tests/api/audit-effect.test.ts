import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { emptyTheDatabase, rectangle, seedCategoryRoute, seedParty, seedZone } from '../helpers/seed.js'

// Two sub-districts side by side, each one community. S1's community is tiled by two grids
// (west and east halves); S2 has no grids yet, so it is all gap.
const s1 = rectangle(120.1, 30.2, 120.12, 30.22)
const s2 = rectangle(120.12, 30.2, 120.14, 30.22)

interface Effect {
  code: string
  kind: string
  ok_before: boolean | null
  ok_after: boolean | null
  before: Record<string, number> | null
  after: Record<string, number> | null
  added: Record<string, { key: string; area_m2?: number }[]>
  resolved: Record<string, { key: string; area_m2?: number }[]>
}

const keys = (items: { key: string }[]) => items.map((item) => item.key)

describe('every edit shows what it did to the coverage audit', () => {
  let t: TestApp
  const zone: Record<string, number> = {}

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) {
    return t.app.inject({ method, url, ...(payload ? { payload } : {}) })
  }
  function effects(response: { json(): { audit: { jurisdictions: Effect[] } } }): Record<string, Effect> {
    return Object.fromEntries(response.json().audit.jurisdictions.map((effect) => [effect.code, effect]))
  }

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  // Every test starts from the two sub-districts alone, so that it runs alone and in any order.
  beforeEach(async () => {
    const db = t.handle.db
    await emptyTheDatabase(db)
    zone.D = await seedZone(db, { kind: 'district', code: 'D', geometry: rectangle(120.0, 30.1, 120.2, 30.3) })
    zone.S1 = await seedZone(db, { kind: 'subdistrict', code: 'S1', parent: zone.D, geometry: s1 })
    zone.S2 = await seedZone(db, { kind: 'subdistrict', code: 'S2', parent: zone.D, geometry: s2 })
    zone.C1 = await seedZone(db, { kind: 'community', code: 'C1', parent: zone.S1, geometry: s1 })
    zone.C2 = await seedZone(db, { kind: 'community', code: 'C2', parent: zone.S2, geometry: s2 })
    zone.G1 = await seedZone(db, { kind: 'grid', code: 'G1', parent: zone.C1, geometry: rectangle(120.1, 30.2, 120.11, 30.22) })
    zone.G2 = await seedZone(db, { kind: 'grid', code: 'G2', parent: zone.C1, geometry: rectangle(120.11, 30.2, 120.12, 30.22) })
  })
  afterAll(async () => t?.close())

  it('creating a grid that overlaps its neighbour reports the new overlap under added', async () => {
    const response = await call('POST', '/api/zones', {
      kind: 'grid', code: 'G3', name: '三号网格', parent: 'C1', geometry: rectangle(120.105, 30.2, 120.11, 30.21),
    })
    expect(response.statusCode, response.body).toBe(201)
    // Still a GeoJSON Feature; the audit is a foreign member beside it.
    expect(response.json()).toMatchObject({ type: 'Feature', properties: { code: 'G3' } })
    const { S1, ...others } = effects(response)
    expect(others).toEqual({})
    expect(S1).toMatchObject({ kind: 'subdistrict', ok_before: false, ok_after: false })
    expect(keys(S1!.added.overlaps!)).toEqual(['G1|G3'])
    // 0.005° × 0.01° at 30.205° N: about 481 m × 1109 m.
    expect(S1!.added.overlaps![0]!.area_m2).toBeGreaterThan(5.2e5)
    expect(S1!.added.overlaps![0]!.area_m2).toBeLessThan(5.5e5)
    expect(keys(S1!.added.unassigned!)).toEqual(['grid:G3:chief'])
    expect(S1!.before).toMatchObject({ grids: 2, overlaps: 0, gaps: 0 })
    expect(S1!.after).toMatchObject({ grids: 3, overlaps: 1, gaps: 0 })
    expect(Object.values(S1!.resolved).flat()).toEqual([])
    zone.G3 = response.json().id
  })

  it('deleting a grid that overlaps its neighbour resolves the overlap and answers 200 {deleted, audit}', async () => {
    zone.G3 = await seedZone(t.handle.db, { kind: 'grid', code: 'G3', parent: zone.C1, geometry: rectangle(120.105, 30.2, 120.11, 30.21) })
    const response = await call('DELETE', `/api/zones/${zone.G3}?version=1`)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().deleted).toBe(true)
    const { S1 } = effects(response)
    expect(keys(S1!.resolved.overlaps!)).toEqual(['G1|G3'])
    expect(keys(S1!.resolved.unassigned!)).toEqual(['grid:G3:chief'])
    expect(Object.values(S1!.added).flat()).toEqual([])
  })

  it('assigning a chief to an unassigned grid reports it resolved', async () => {
    const response = await call('POST', `/api/zones/${zone.G1}/assignments`, { duty: 'chief', party: { name: '王五', phone: '0571-00000005' } })
    expect(response.statusCode, response.body).toBe(201)
    expect(response.json()).toMatchObject({ duty: 'chief', party: { name: '王五' } })
    const { S1 } = effects(response)
    expect(S1!.resolved.unassigned).toEqual([{ code: 'G1', kind: 'grid', name: 'G1', missing: 'chief', key: 'grid:G1:chief' }])
    expect(S1!.after!.unassigned).toBe(S1!.before!.unassigned! - 1)
  })

  it("ending a grid chief's assignment reports the grid unassigned again", async () => {
    const given = await call('POST', `/api/zones/${zone.G1}/assignments`, { duty: 'chief', party: { name: '王五', phone: '0571-00000005' } })
    expect(given.statusCode, given.body).toBe(201)
    const [open] = (await call('GET', `/api/zones/${zone.G1}/assignments?duty=chief`)).json()
    const response = await call('POST', `/api/assignments/${open.id}/end`, { version: 1 })
    expect(response.statusCode, response.body).toBe(200)
    expect(keys(effects(response).S1!.added.unassigned!)).toEqual(['grid:G1:chief'])
  })

  it('routing a category at the sub-district reports the category resolved', async () => {
    expect((await call('POST', '/api/categories', { name: '路灯损坏' })).statusCode).toBe(201)
    expect((await call('POST', '/api/parties', { type: 'department', name: '区城管局' })).statusCode).toBe(201)
    const response = await call('PUT', `/api/zones/${zone.S1}/categories/${encodeURIComponent('路灯损坏')}`, { department: '区城管局' })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toMatchObject({ category: '路灯损坏', inherited: false })
    expect(keys(effects(response).S1!.resolved.unassigned!)).toEqual(['category:路灯损坏:department'])
  })

  it('deleting a grid reports a new gap where it was', async () => {
    const grid = (await call('GET', `/api/zones/${zone.G1}`)).json()
    const response = await call('DELETE', `/api/zones/${zone.G1}?version=${grid.properties.version}`)
    expect(response.statusCode, response.body).toBe(200)
    const { S1 } = effects(response)
    expect(S1!.before).toMatchObject({ gaps: 0 })
    expect(S1!.after).toMatchObject({ gaps: 1, grids: 1 })
    expect(S1!.added.gaps).toHaveLength(1)
    const gap = S1!.added.gaps![0]!
    expect(Math.abs(gap.area_m2! - grid.properties.area_m2)).toBeLessThan(1)
    expect(gap.key).toMatch(/^120\.10500,30\.21000:\d+$/)
    expect(keys(S1!.resolved.unassigned!)).toEqual(['grid:G1:chief'])
  })

  it('moving a grid to a community of another sub-district shows both, old and new', async () => {
    const response = await call('PATCH', `/api/zones/${zone.G2}`, { version: 1, parent: 'C2', geometry: s2 })
    expect(response.statusCode, response.body).toBe(200)
    const { S1, S2, ...others } = effects(response)
    expect(others).toEqual({})
    // S1 keeps G1 and gets a gap where G2 was, the east half.
    expect(S1!.before).toMatchObject({ grids: 2, gaps: 0 })
    expect(S1!.after).toMatchObject({ grids: 1, gaps: 1 })
    expect(S1!.added.gaps).toHaveLength(1)
    expect(S1!.resolved.gaps).toEqual([])
    expect(S1!.added.gaps![0]!.key).toMatch(/^120\.11500,30\.21000:\d+$/)
    expect(keys(S1!.resolved.unassigned!)).toEqual(['grid:G2:chief'])
    // S2 was all gap and is now covered; the grid's missing chief moves with it.
    expect(S2!.before).toMatchObject({ grids: 0, gaps: 1 })
    expect(S2!.after).toMatchObject({ grids: 1, gaps: 0 })
    expect(S2!.resolved.gaps).toHaveLength(1)
    expect(keys(S2!.added.unassigned!)).toEqual(['grid:G2:chief'])
  })

  it('a new sub-district is its own jurisdiction, with nothing before', async () => {
    const department = await seedParty(t.handle.db, { type: 'department', name: '区城管局' })
    await seedCategoryRoute(t.handle.db, { zone: zone.S1!, category: '路灯损坏', department })
    const response = await call('POST', '/api/zones', {
      kind: 'subdistrict', code: 'S3', name: '新街道', parent: 'D', geometry: rectangle(120.14, 30.2, 120.16, 30.22),
    })
    expect(response.statusCode, response.body).toBe(201)
    const { S3, ...others } = effects(response)
    expect(others).toEqual({})
    expect(S3).toMatchObject({ kind: 'subdistrict', ok_before: null, before: null, ok_after: false, after: { gaps: 1 } })
    expect(S3!.added.gaps).toHaveLength(1)
    // The category routed at S1 does not reach S3.
    expect(keys(S3!.added.unassigned!)).toEqual(['subdistrict:S3:fallback', 'category:路灯损坏:department'])
  })

  it('skips the audit with ?audit=0', async () => {
    const created = await call('POST', '/api/zones?audit=0', { kind: 'grid', code: 'G4', name: '四号网格', parent: 'C1', geometry: s1 })
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json()).not.toHaveProperty('audit')
    const deleted = await call('DELETE', `/api/zones/${created.json().id}?version=1&audit=0`)
    expect(deleted.statusCode, deleted.body).toBe(200)
    expect(deleted.json()).toEqual({ deleted: true })
    expect((await call('POST', '/api/zones?audit=maybe', { kind: 'grid', code: 'G5', name: 'x', parent: 'C1', geometry: s1 })).statusCode).toBe(400)
  })
})
