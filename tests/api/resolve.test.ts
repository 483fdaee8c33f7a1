import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle, seedAssignment, seedCategoryRoute, seedParty, seedZone } from '../helpers/seed.js'
import { fromWgs84 } from '../../server/geometry/convert-crs.js'
import type { Db } from '../../server/db/database.js'

/**
 * A small jurisdiction near Hangzhou (where GCJ-02 moves points by ~500 m):
 *
 *   district 330102 (120.10–120.30, 30.20–30.40), fall-back 区城市物业, routes 路灯损坏 to 城管局
 *   └ subdistrict 330102001 (120.10–120.20, 30.20–30.30), fall-back 街道城市物业
 *     ├ community 330102001001 (120.10–120.15), fall-back 一社区物业
 *     │   grid …01 (120.10–120.12, 30.20–30.25)   chief 张三 until 2024-03-01, then 李四
 *     │   grid …02 (120.12–120.14, 30.20–30.25)   shares an edge with …01
 *     │   grid …03 (120.10–120.12, 30.25–30.28)   with a hole (120.105–120.11, 30.26–30.27)
 *     │   grid …04 two parts: (120.12–120.13, 30.25–30.26) and (120.135–120.14, 30.27–30.28)
 *     │   120.14–120.15 is a coverage gap
 *     └ community 330102001002 (120.15–120.20), no fall-back party of its own
 *         grid 33010200100201 (120.15–120.20, 30.20–30.25), routes 占道经营 to 执法中队
 *         street 解放路 on lat 30.22 (120.16–120.19) ⊃ segment 解放路一段 (120.16–120.175)
 *         frontage 老王面馆 (120.165–120.166, 30.2199–30.2202) on that segment
 */
const code = {
  district: '330102',
  subdistrict: '330102001',
  community1: '330102001001',
  community2: '330102001002',
  grid1: '33010200100101',
  grid2: '33010200100102',
  grid3: '33010200100103',
  grid4: '33010200100104',
  grid5: '33010200100201',
  street: 'JFL',
  segment: 'JFL-1',
  frontage: 'JFL-1-F1',
}

async function seedJurisdiction(db: Db): Promise<void> {
  const district = await seedZone(db, { kind: 'district', code: code.district, name: '上城区', geometry: rectangle(120.1, 30.2, 120.3, 30.4) })
  const subdistrict = await seedZone(db, {
    kind: 'subdistrict', code: code.subdistrict, name: '测试街道', parent: district, geometry: rectangle(120.1, 30.2, 120.2, 30.3),
  })
  const community1 = await seedZone(db, {
    kind: 'community', code: code.community1, name: '一社区', parent: subdistrict, geometry: rectangle(120.1, 30.2, 120.15, 30.3),
  })
  const community2 = await seedZone(db, {
    kind: 'community', code: code.community2, name: '二社区', parent: subdistrict, geometry: rectangle(120.15, 30.2, 120.2, 30.3),
  })
  const grid1 = await seedZone(db, { kind: 'grid', code: code.grid1, name: '一号网格', parent: community1, geometry: rectangle(120.1, 30.2, 120.12, 30.25) })
  await seedZone(db, { kind: 'grid', code: code.grid2, name: '二号网格', parent: community1, geometry: rectangle(120.12, 30.2, 120.14, 30.25) })
  await seedZone(db, {
    kind: 'grid', code: code.grid3, name: '三号网格', parent: community1,
    geometry: {
      type: 'Polygon',
      coordinates: [
        [[120.1, 30.25], [120.12, 30.25], [120.12, 30.28], [120.1, 30.28], [120.1, 30.25]],
        [[120.105, 30.26], [120.105, 30.27], [120.11, 30.27], [120.11, 30.26], [120.105, 30.26]],
      ],
    },
  })
  await seedZone(db, {
    kind: 'grid', code: code.grid4, name: '四号网格', parent: community1,
    geometry: { type: 'MultiPolygon', coordinates: [rectangle(120.12, 30.25, 120.13, 30.26).coordinates, rectangle(120.135, 30.27, 120.14, 30.28).coordinates] },
  })
  const grid5 = await seedZone(db, { kind: 'grid', code: code.grid5, name: '二社区网格', parent: community2, geometry: rectangle(120.15, 30.2, 120.2, 30.25) })
  const street = await seedZone(db, {
    kind: 'street', code: code.street, name: '解放路', parent: community2, widthM: 20,
    geometry: { type: 'LineString', coordinates: [[120.16, 30.22], [120.19, 30.22]] },
  })
  const segment = await seedZone(db, {
    kind: 'segment', code: code.segment, name: '解放路一段', parent: street, widthM: 20,
    geometry: { type: 'LineString', coordinates: [[120.16, 30.22], [120.175, 30.22]] },
  })
  const frontage = await seedZone(db, {
    kind: 'frontage', code: code.frontage, name: '老王面馆门前', parent: segment, geometry: rectangle(120.165, 30.2199, 120.166, 30.2202),
  })

  const assign = async (zone: number, duty: 'chief' | 'department' | 'fallback' | 'merchant', party: Parameters<typeof seedParty>[1], from?: string, to?: string) =>
    seedAssignment(db, { zone, duty, party: await seedParty(db, party), ...(from ? { from } : {}), ...(to ? { to } : {}) })
  await assign(district, 'fallback', { type: 'fallback', name: '区城市物业', phone: '0571-0000-0001' })
  await assign(subdistrict, 'fallback', { type: 'fallback', name: '街道城市物业', phone: '0571-0000-0002' })
  await assign(community1, 'fallback', { type: 'fallback', name: '一社区物业', phone: '0571-0000-0003' })
  await assign(grid1, 'chief', { type: 'chief', name: '张三', phone: '138-0000-0001', title: '社区干部', role: '网格长' }, '2020-01-01T00:00:00Z', '2024-03-01T00:00:00+08:00')
  await assign(grid1, 'chief', { type: 'chief', name: '李四', phone: '138-0000-0002', title: '社区干部', role: '网格长' }, '2024-03-01T00:00:00+08:00')
  await assign(street, 'chief', { type: 'chief', name: '王街长', phone: '138-0000-0003', title: '副区长', role: '街长' })
  await assign(segment, 'chief', { type: 'chief', name: '赵段长', phone: '138-0000-0004', title: '环卫所所长', role: '段长' })
  await assign(frontage, 'merchant', { type: 'merchant', name: '老王面馆', phone: '138-0000-0005' })
  const cityManagement = await seedParty(db, { type: 'department', name: '城管局', phone: '12319' })
  await seedAssignment(db, { zone: grid5, duty: 'department', party: cityManagement })
  await seedCategoryRoute(db, { zone: district, category: '路灯损坏', department: cityManagement })
  const enforcement = await seedParty(db, { type: 'department', name: '执法中队', phone: '0571-0000-0110' })
  await seedCategoryRoute(db, { zone: grid5, category: '占道经营', department: enforcement })
  await db.insertInto('category').values({ name: '噪声扰民' }).execute()
}

describe('GET /api/resolve', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    await seedJurisdiction(t.handle.db)
  })
  afterAll(async () => t?.close())

  const resolve = async (query: string) => {
    const response = await t.app.inject({ method: 'GET', url: `/api/resolve?${query}` })
    return { status: response.statusCode, body: response.json() }
  }
  const codes = (links: { zone: { code: string } }[]) => links.map((link) => link.zone.code)

  it('resolves a point inside a grid to that grid, with its chain up to the district', async () => {
    const { status, body } = await resolve('lon=120.11&lat=30.22')
    expect(status).toBe(200)
    expect(body.status).toBe('owned')
    expect(body.point).toEqual({ lon: 120.11, lat: 30.22 })
    expect(body.primary.zone).toMatchObject({ kind: 'grid', code: code.grid1, name: '一号网格' })
    expect(body.primary.chief).toEqual({ name: '李四', phone: '138-0000-0002', title: '社区干部', role: '网格长' })
    expect(codes(body.chain)).toEqual([code.grid1, code.community1, code.subdistrict, code.district])
    expect(body.chain[1].fallback).toEqual({ name: '一社区物业', phone: '0571-0000-0003' })
    expect(body.alternatives).toEqual([])
    expect(body.department).toBeNull()
    expect(body.nearest).toBeNull()
  })

  it("resolves a point on a grid's outer vertex to that grid (boundary included)", async () => {
    const { body } = await resolve('lon=120.1&lat=30.2')
    expect(body.status).toBe('owned')
    expect(body.primary.zone.code).toBe(code.grid1)
    expect(body.alternatives).toEqual([])
  })

  it('resolves a vertex shared by four grids to the lowest code and lists the others in code order', async () => {
    const { body } = await resolve('lon=120.12&lat=30.25')
    expect(body.primary.zone.code).toBe(code.grid1)
    expect(codes(body.alternatives)).toEqual([code.grid2, code.grid3, code.grid4])
    expect(body.alternatives.every((a: { distance_m: number }) => a.distance_m === 0)).toBe(true)
  })

  it('resolves a point on the shared edge of two grids to the lower code and lists the other as an alternative', async () => {
    const { body } = await resolve('lon=120.12&lat=30.22')
    expect(body.status).toBe('owned')
    expect(body.primary.zone.code).toBe(code.grid1)
    expect(codes(body.chain)).toEqual([code.grid1, code.community1, code.subdistrict, code.district])
    expect(codes(body.alternatives)).toEqual([code.grid2])
  })

  it("falls back to the community's fall-back party in a grid's hole, which the grid does not cover", async () => {
    const { body } = await resolve('lon=120.1075&lat=30.265')
    expect(body.status).toBe('fallback')
    expect(body.primary.zone.code).toBe(code.community1)
    expect(body.primary.fallback).toEqual({ name: '一社区物业', phone: '0571-0000-0003' })
    expect(codes(body.chain)).toEqual([code.community1, code.subdistrict, code.district])
    // The hole's own edge is the grid's boundary, so it is covered.
    expect((await resolve('lon=120.105&lat=30.265')).body.primary.zone.code).toBe(code.grid3)
  })

  it("resolves a point in a multipolygon grid's second part to that grid", async () => {
    const { body } = await resolve('lon=120.1375&lat=30.275')
    expect(body.status).toBe('owned')
    expect(body.primary.zone.code).toBe(code.grid4)
    // Between the two parts lies the community's gap.
    expect((await resolve('lon=120.1325&lat=30.265')).body.status).toBe('fallback')
  })

  it("answers a coverage gap with the enclosing community's fall-back party", async () => {
    const { body } = await resolve('lon=120.145&lat=30.23')
    expect(body.status).toBe('fallback')
    expect(body.primary.zone.code).toBe(code.community1)
    expect(body.primary.fallback.name).toBe('一社区物业')
  })

  it('walks up to the sub-district when the community of a gap has no fall-back party', async () => {
    const { body } = await resolve('lon=120.17&lat=30.28')
    expect(body.status).toBe('fallback')
    expect(body.primary.zone.code).toBe(code.subdistrict)
    expect(body.primary.fallback).toEqual({ name: '街道城市物业', phone: '0571-0000-0002' })
    expect(codes(body.chain)).toEqual([code.community2, code.subdistrict, code.district])
  })

  it('answers a point outside every jurisdiction with the nearest one and its distance on the ground', async () => {
    const { status, body } = await resolve('lon=120.31&lat=30.3')
    expect(status).toBe(200)
    expect(body.status).toBe('outside')
    expect(body.primary).toBeNull()
    expect(body.chain).toEqual([])
    expect(body.nearest.zone).toMatchObject({ kind: 'district', code: code.district })
    const { rows } = await sql<{ d: number }>`
      SELECT ST_Distance(area::geography, ST_SetSRID(ST_MakePoint(120.31, 30.3), 4326)::geography) AS d
      FROM zone WHERE kind = 'district'`.execute(t.handle.db)
    expect(body.nearest.distance_m).toBeCloseTo(rows[0]!.d, 1)
    expect(body.nearest.distance_m).toBeGreaterThan(900)
    expect(body.nearest.distance_m).toBeLessThan(1000)
  })

  it('names the top level when several jurisdictions share the nearest border', async () => {
    const { body } = await resolve('lon=120.09&lat=30.25')
    expect(body.status).toBe('outside')
    expect(body.nearest.zone.code).toBe(code.district)
  })

  it('resolves a point within a frontage on a segment of a street to the whole chain', async () => {
    const { body } = await resolve('lon=120.1655&lat=30.22')
    expect(body.status).toBe('owned')
    expect(codes(body.chain)).toEqual([code.frontage, code.segment, code.street, code.grid5, code.community2, code.subdistrict, code.district])
    expect(body.chain.map((link: { zone: { kind: string } }) => link.zone.kind)).toEqual([
      'frontage', 'segment', 'street', 'grid', 'community', 'subdistrict', 'district',
    ])
    expect(body.primary.merchant).toEqual({ name: '老王面馆', phone: '138-0000-0005' })
    expect(body.chain[1].chief.role).toBe('段长')
    expect(body.chain[2].chief).toMatchObject({ name: '王街长', role: '街长' })
    expect(body.chain[3].department).toEqual({ name: '城管局', phone: '12319' })
  })

  it('converts a GCJ-02 input to WGS-84 before resolving it', async () => {
    const wgs84 = { lon: 120.1385, lat: 30.23 }
    const gcj02 = fromWgs84(wgs84, 'gcj02')
    const { body } = await resolve(`lon=${gcj02.lon}&lat=${gcj02.lat}&crs=gcj02`)
    expect(body.primary.zone.code).toBe(code.grid2)
    expect(body.point.lon).toBeCloseTo(wgs84.lon, 5)
    expect(body.point.lat).toBeCloseTo(wgs84.lat, 5)
    // Read as WGS-84, the same numbers land ~500 m east, in the community's gap.
    expect((await resolve(`lon=${gcj02.lon}&lat=${gcj02.lat}`)).body.status).toBe('fallback')
  })

  it('converts a BD-09 input to WGS-84 before resolving it', async () => {
    const wgs84 = { lon: 120.1385, lat: 30.23 }
    const bd09 = fromWgs84(wgs84, 'bd09')
    const { body } = await resolve(`lon=${bd09.lon}&lat=${bd09.lat}&crs=bd09`)
    expect(body.primary.zone.code).toBe(code.grid2)
    expect(body.point.lon).toBeCloseTo(wgs84.lon, 5)
    expect((await resolve(`lon=${bd09.lon}&lat=${bd09.lat}&crs=wgs84`)).body.primary.zone.code).not.toBe(code.grid2)
  })

  it('answers with the chief in office at `at`: the old one before the change, the new one after', async () => {
    expect((await resolve('lon=120.11&lat=30.22&at=2024-02-01T09:00:00%2B08:00')).body.primary.chief.name).toBe('张三')
    // A time without an offset is China Standard Time: the change was at midnight there.
    expect((await resolve('lon=120.11&lat=30.22&at=2024-02-29T23:59:59')).body.primary.chief.name).toBe('张三')
    expect((await resolve('lon=120.11&lat=30.22&at=2024-03-01')).body.primary.chief.name).toBe('李四')
    expect((await resolve('lon=120.11&lat=30.22&at=2024-06-01T00:00:00Z')).body.primary.chief.name).toBe('李四')
    expect((await resolve('lon=120.11&lat=30.22&at=2019-06-01')).body.primary.chief).toBeNull()
  })

  it('routes a category through the nearest zone up the chain that maps it', async () => {
    const byDistrict = (await resolve(`lon=120.11&lat=30.22&category=${encodeURIComponent('路灯损坏')}`)).body
    expect(byDistrict.department).toEqual({ name: '城管局', phone: '12319', via: code.district })
    const byGrid = (await resolve(`lon=120.1655&lat=30.22&category=${encodeURIComponent('占道经营')}`)).body
    expect(byGrid.department).toEqual({ name: '执法中队', phone: '0571-0000-0110', via: code.grid5 })
    // Outside grid 201 nobody maps 占道经营.
    expect((await resolve(`lon=120.11&lat=30.22&category=${encodeURIComponent('占道经营')}`)).body.department).toBeNull()
    expect((await resolve(`lon=120.11&lat=30.22&category=${encodeURIComponent('噪声扰民')}`)).body.department).toBeNull()
  })

  it('lists the neighbouring grid as an alternative when it lies within the GPS accuracy', async () => {
    // 0.0001° of longitude at 30.22° N is about 9.6 m.
    const near = (await resolve('lon=120.1199&lat=30.22&accuracy=20')).body
    expect(near.primary.zone.code).toBe(code.grid1)
    expect(codes(near.alternatives)).toEqual([code.grid2])
    expect(near.alternatives[0].distance_m).toBeGreaterThan(9)
    expect(near.alternatives[0].distance_m).toBeLessThan(10.5)
    expect((await resolve('lon=120.1199&lat=30.22&accuracy=5')).body.alternatives).toEqual([])
    // In a gap, grids within reach are offered too, nearest first.
    const gap = (await resolve('lon=120.1401&lat=30.22&accuracy=50')).body
    expect(gap.status).toBe('fallback')
    expect(codes(gap.alternatives)).toEqual([code.grid2])
  })

  it.each([
    ['lon=abc&lat=30.22', 'lon', /number/],
    ['lat=30.22', 'lon', /required/],
    ['lon=NaN&lat=30.22', 'lon', /number/],
    ['lon=Infinity&lat=30.22', 'lon', /number/],
    ['lon=200&lat=30.22', 'lon', /-180\.\.180/],
    ['lon=30.22&lat=120.11', 'lat', /swapped/],
    ['lon=120.11&lat=30.22&crs=utm', 'crs', /wgs84, cgcs2000, gcj02, bd09/],
    ['lon=120.11&lat=30.22&at=yesterday', 'at', /ISO 8601/],
    ['lon=120.11&lat=30.22&at=2024-02-30', 'at', /ISO 8601/],
    ['lon=120.11&lat=30.22&accuracy=-1', 'accuracy', /0 to 1000/],
    ['lon=120.11&lat=30.22&accuracy=5000', 'accuracy', /0 to 1000/],
  ])('rejects %s with a 400 naming %s', async (query, field, reason) => {
    const { status, body } = await resolve(query)
    expect(status).toBe(400)
    expect(body.error.code).toBe(field === 'at' ? 'invalid_time' : 'invalid_request')
    expect(body.error.message).toContain(field)
    const detail = body.error.details.find((d: { field: string }) => d.field === field)
    expect(detail.reason).toMatch(reason)
  })

  it('describes both routes in the OpenAPI document', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' })
    expect(response.statusCode).toBe(200)
    const paths = response.json().paths
    expect(paths['/api/resolve'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['lon', 'lat', 'crs', 'category', 'accuracy', 'at']),
    )
    expect(paths['/api/resolve/batch'].post.requestBody).toBeDefined()
  })

  it('rejects a category that does not exist with 400 unknown_category', async () => {
    const { status, body } = await resolve(`lon=120.11&lat=30.22&category=${encodeURIComponent('外星人')}`)
    expect(status).toBe(400)
    expect(body.error.code).toBe('unknown_category')
    expect(body.error.message).toContain('外星人')
  })

  it('refuses a year PostgreSQL cannot store in `at` with 400 naming at, not 500', async () => {
    for (const at of ['0000-01-01', '0001-01-01T00:00:00+08:00']) {
      const { status, body } = await resolve(`lon=120.11&lat=30.22&at=${encodeURIComponent(at)}`)
      expect(status).toBe(400)
      expect(body.error.details).toEqual([expect.objectContaining({ field: 'at', reason: expect.stringMatching(/1900 to 9999/) })])
    }
  })
})

describe('POST /api/resolve/batch', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    await seedJurisdiction(t.handle.db)
  })
  afterAll(async () => t?.close())

  const batch = async (payload: unknown) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/resolve/batch', payload: payload as object })
    return { status: response.statusCode, body: response.json() }
  }

  it('resolves owned, fallback and outside points in input order', async () => {
    const { status, body } = await batch({
      points: [
        { id: 'owned', lon: 120.11, lat: 30.22 },
        { id: 7, lon: 120.31, lat: 30.3 },
        { id: 'gap', lon: 120.145, lat: 30.23 },
        { id: 'hole', lon: 120.1075, lat: 30.265 },
        { id: 'walk-up', lon: 120.17, lat: 30.28 },
        { id: 'frontage', lon: 120.1655, lat: 30.22 },
        { id: 'edge', lon: 120.12, lat: 30.22 },
      ],
    })
    expect(status).toBe(200)
    const results = body.results as { id: string | number; status: string; primary: { zone: { code: string }; fallback: unknown; merchant: unknown } | null }[]
    expect(results.map((r) => [r.id, r.status, r.primary?.zone.code ?? null])).toEqual([
      ['owned', 'owned', code.grid1],
      [7, 'outside', null],
      ['gap', 'fallback', code.community1],
      ['hole', 'fallback', code.community1],
      ['walk-up', 'fallback', code.subdistrict],
      ['frontage', 'owned', code.frontage],
      ['edge', 'owned', code.grid1],
    ])
    expect(results[2]!.primary!.fallback).toEqual({ name: '一社区物业', phone: '0571-0000-0003' })
    expect(results[5]!.primary!.merchant).toEqual({ name: '老王面馆', phone: '138-0000-0005' })
  })

  it('applies crs, at and category to every point', async () => {
    const gcj02 = fromWgs84({ lon: 120.11, lat: 30.22 }, 'gcj02')
    const { body } = await batch({
      crs: 'gcj02',
      at: '2024-02-01',
      category: '路灯损坏',
      points: [{ id: 1, ...gcj02 }, { id: 2, ...fromWgs84({ lon: 120.31, lat: 30.3 }, 'gcj02') }],
    })
    expect(body.results[0].primary.zone.code).toBe(code.grid1)
    expect(body.results[0].primary.chief.name).toBe('张三')
    expect(body.results[0].department).toEqual({ name: '城管局', phone: '12319', via: code.district })
    expect(body.results[1]).toEqual({ id: 2, status: 'outside', primary: null, department: null })
  })

  it('gives the same primary owner as single resolution for seeded random points', async () => {
    let seed = 42
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const points = Array.from({ length: 80 }, (_, id) => ({
      id,
      lon: Math.round((120.08 + random() * 0.24) * 1e4) / 1e4,
      lat: Math.round((30.18 + random() * 0.24) * 1e4) / 1e4,
    }))
    const { body } = await batch({ points })
    for (const [index, p] of points.entries()) {
      const single = (await t.app.inject({ method: 'GET', url: `/api/resolve?lon=${p.lon}&lat=${p.lat}` })).json()
      expect([body.results[index].status, body.results[index].primary], `point ${index} ${p.lon},${p.lat}`).toEqual([single.status, single.primary])
    }
  })

  it('rejects a batch with bad points with a 400 listing each by index', async () => {
    const { status, body } = await batch({
      points: [
        { id: 'a', lon: 'abc', lat: 30.22 },
        { id: 'b', lon: 120.11, lat: 30.22 },
        { id: 'c', lon: 30.22, lat: 120.11 },
        { lon: 120.11, lat: 30.22 },
        'not a point',
      ],
    })
    expect(status).toBe(400)
    expect(body.error.code).toBe('invalid_request')
    expect(body.error.message).toMatch(/4 bad point/)
    const details = body.error.details as { index: number; field: string; reason: string }[]
    expect(details.map((d) => [d.index, d.field])).toEqual([
      [0, 'points.0.lon'],
      [2, 'points.2.lat'],
      [3, 'points.3.id'],
      [4, 'points.4'],
    ])
    expect(details[1]!.reason).toMatch(/swapped/)
  })

  it.each([
    [{}, 'points'],
    [{ points: [] }, 'points'],
    [{ crs: 'mars', points: [{ id: 1, lon: 120.11, lat: 30.22 }] }, 'crs'],
    [{ at: 'soon', points: [{ id: 1, lon: 120.11, lat: 30.22 }] }, 'at'],
  ])('rejects the malformed batch %j with a 400 naming %s', async (payload, field) => {
    const { status, body } = await batch(payload)
    expect(status).toBe(400)
    expect(body.error.details.map((d: { field: string }) => d.field)).toContain(field)
  })

  it('rejects an unknown category with 400 unknown_category', async () => {
    const { status, body } = await batch({ category: '外星人', points: [{ id: 1, lon: 120.11, lat: 30.22 }] })
    expect(status).toBe(400)
    expect(body.error.code).toBe('unknown_category')
  })
})

describe('category routing on a boundary street', () => {
  // A street's centre line is often the sub-district's boundary, so half of the street lies
  // outside the sub-district's polygon; a point there is still the sub-district's business.
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    const db = t.handle.db
    const subdistrict = await seedZone(db, { kind: 'subdistrict', code: '330103001', name: '边界街道', geometry: rectangle(120.1, 30.2, 120.2, 30.3) })
    const street = await seedZone(db, {
      kind: 'street', code: 'BJL', name: '边界路', parent: subdistrict, widthM: 30,
      geometry: { type: 'LineString', coordinates: [[120.12, 30.3], [120.18, 30.3]] },
    })
    await seedAssignment(db, { zone: street, duty: 'chief', party: await seedParty(db, { type: 'chief', name: '边街长', phone: '138-0000-0009', role: '街长' }) })
    const enforcement = await seedParty(db, { type: 'department', name: '边界执法中队', phone: '0571-0000-0999' })
    await seedCategoryRoute(db, { zone: subdistrict, category: '占道经营', department: enforcement })
  })
  afterAll(async () => t?.close())

  it('routes a category set on the sub-district to a point on the outer half of its boundary street', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/api/resolve?lon=120.15&lat=30.30005&category=${encodeURIComponent('占道经营')}` })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.chain.map((link: { zone: { code: string } }) => link.zone.code)).toEqual(['BJL'])
    expect(body.department).toEqual({ name: '边界执法中队', phone: '0571-0000-0999', via: '330103001' })
  })

  it('gives the batch the same department for that point', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/resolve/batch',
      payload: { category: '占道经营', points: [{ id: 'outer-half', lon: 120.15, lat: 30.30005 }] },
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().results[0].department).toEqual({ name: '边界执法中队', phone: '0571-0000-0999', via: '330103001' })
  })
})
