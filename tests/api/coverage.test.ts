import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { Db, PartyType } from '../../server/db/database.js'
import type { Duty } from '../../server/kernel/zone-kinds.js'
import type { Geometry } from '../../server/db/geo-sql.js'
import { auditJurisdiction } from '../../server/coverage/coverage.service.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle, seedAssignment, seedCategoryRoute, seedParty, seedZone, type SeedZone } from '../helpers/seed.js'

/**
 * Fixtures, all on an empty database:
 * - D1 ⊃ S1 ⊃ C1, one square cut into four grids along exact shared edges, a street with two
 *   segments, a frontage; everything assigned and every category routed: a clean jurisdiction.
 * - S2 ⊃ C2 with planted defects: an overlap, a spill, a gap, a street stretch with no segment,
 *   a border-crossing street with no segments at all, a grid whose chief has left, a frontage with
 *   no merchant, and two categories no department answers for.
 * - S3: two triangles sharing a diagonal edge where one has an extra, not-quite-collinear vertex.
 * - S4: one grid with a hole.
 */
const line = (...coordinates: [number, number][]): Geometry => ({ type: 'LineString', coordinates })
const ring = (west: number, south: number, east: number, north: number) =>
  (rectangle(west, south, east, north).coordinates as number[][][])[0]!
const triangle = (...corners: [number, number][]): Geometry => ({
  type: 'Polygon',
  coordinates: [[...corners, corners[0]!]],
})

interface Report {
  code: string
  kind: string
  ok: boolean
  area_m2: number
  truncated: boolean
  summary: Record<string, number>
  gaps: { area_m2: number; geometry: Geometry }[]
  overlaps: { a: string; b: string; area_m2: number; geometry: Geometry }[]
  spills: { grid: string; area_m2: number; geometry: Geometry }[]
  uncovered_streets: { street: string; name: string; length_m: number; geometry: Geometry }[]
  unassigned: { code: string; kind: string; name: string; missing: string }[]
}

describe('coverage audit', () => {
  let t: TestApp
  let db: Db
  const ids: Record<string, number> = {}

  async function zone(zone: SeedZone & { parentCode?: string }): Promise<number> {
    const id = await seedZone(db, { ...zone, parent: zone.parentCode ? ids[zone.parentCode]! : null })
    ids[zone.code] = id
    return id
  }
  async function assign(code: string, duty: Duty, name: string, period: { from?: string; to?: string } = {}) {
    const type: PartyType = duty
    const party = await seedParty(db, { type, name, phone: '010-0000' })
    await seedAssignment(db, { zone: ids[code]!, party, duty, ...period })
  }
  async function audit(code: string, query = ''): Promise<Report> {
    const response = await t.app.inject({ method: 'GET', url: `/api/coverage/${encodeURIComponent(code)}${query}` })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as Report
  }
  async function groundArea(geometry: Geometry): Promise<number> {
    const { rows } = await sql<{ area: number }>`
      SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)::geography) AS area`.execute(db)
    return rows[0]!.area
  }
  async function groundLength(geometry: Geometry): Promise<number> {
    const { rows } = await sql<{ length: number }>`
      SELECT ST_Length(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326)::geography) AS length`.execute(db)
    return rows[0]!.length
  }
  const within1Percent = (actual: number, expected: number) => {
    expect(expected).toBeGreaterThan(0)
    expect(Math.abs(actual - expected) / expected).toBeLessThan(0.01)
  }

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    db = t.handle.db
    const sanitation = await seedParty(db, { type: 'department', name: '环卫所' })
    const enforcement = await seedParty(db, { type: 'department', name: '城管执法中队' })
    const grid = await seedParty(db, { type: 'department', name: '网格办' })

    // The clean jurisdiction: a 0.02° square in three nested levels, cut into four quadrants.
    const square = rectangle(120.1, 30.2, 120.12, 30.22)
    await zone({ kind: 'district', code: 'D1', name: '示例区', geometry: square })
    await zone({ kind: 'subdistrict', code: 'S1', name: '示例街道', parentCode: 'D1', geometry: square })
    await zone({ kind: 'community', code: 'C1', name: '示例社区', parentCode: 'S1', geometry: square })
    const quadrants: [string, Geometry][] = [
      ['C1-01', rectangle(120.1, 30.21, 120.11, 30.22)],
      ['C1-02', rectangle(120.11, 30.21, 120.12, 30.22)],
      ['C1-03', rectangle(120.1, 30.2, 120.11, 30.21)],
      ['C1-04', rectangle(120.11, 30.2, 120.12, 30.21)],
    ]
    for (const [code, geometry] of quadrants) {
      await zone({ kind: 'grid', code, parentCode: 'C1', geometry })
      await assign(code, 'chief', `网格长${code}`)
    }
    await zone({ kind: 'street', code: 'ST1', name: '示例路', parentCode: 'S1', widthM: 12, geometry: line([120.1, 30.215], [120.12, 30.215]) })
    await zone({ kind: 'segment', code: 'ST1-1', parentCode: 'ST1', widthM: 12, geometry: line([120.1, 30.215], [120.11, 30.215]) })
    await zone({ kind: 'segment', code: 'ST1-2', parentCode: 'ST1', widthM: 12, geometry: line([120.11, 30.215], [120.12, 30.215]) })
    await zone({ kind: 'frontage', code: 'F1', parentCode: 'ST1-1', geometry: rectangle(120.105, 30.21506, 120.1052, 30.2152) })
    for (const code of ['ST1', 'ST1-1', 'ST1-2']) await assign(code, 'chief', `街长${code}`)
    await assign('F1', 'merchant', '示例小卖部')
    for (const code of ['D1', 'S1', 'C1']) await assign(code, 'fallback', `城市物业${code}`)

    // The jurisdiction with planted defects (quadrants of another 0.02° square).
    const square2 = rectangle(120.2, 30.2, 120.22, 30.22)
    await zone({ kind: 'subdistrict', code: 'S2', name: '缺陷街道', geometry: square2 })
    await zone({ kind: 'community', code: 'C2', name: '缺陷社区', parentCode: 'S2', geometry: square2 })
    await zone({ kind: 'grid', code: 'C2-01', parentCode: 'C2', geometry: rectangle(120.2, 30.2, 120.21, 30.21) })
    // Reaches 0.001° west into C2-01: an overlap.
    await zone({ kind: 'grid', code: 'C2-02', parentCode: 'C2', geometry: rectangle(120.209, 30.2, 120.22, 30.21) })
    // Reaches 0.003° north of the sub-district: a spill.
    await zone({ kind: 'grid', code: 'C2-03', parentCode: 'C2', geometry: rectangle(120.2, 30.21, 120.21, 30.223) })
    // Stops 0.002° short of the northern edge: a gap.
    await zone({ kind: 'grid', code: 'C2-04', parentCode: 'C2', geometry: rectangle(120.21, 30.21, 120.22, 30.218) })
    for (const code of ['C2-01', 'C2-02', 'C2-03']) await assign(code, 'chief', `网格长${code}`)
    // C2-04's chief left: a closed assignment is history, not a current chief.
    await assign('C2-04', 'chief', '前网格长', { from: '2020-01-01T00:00:00Z', to: '2023-01-01T00:00:00Z' })
    await zone({ kind: 'street', code: 'ST2', name: '缺段路', parentCode: 'C2', widthM: 10, geometry: line([120.2, 30.205], [120.22, 30.205]) })
    await zone({ kind: 'segment', code: 'ST2-1', parentCode: 'ST2', widthM: 10, geometry: line([120.2, 30.205], [120.215, 30.205]) })
    // No parent and no segments; it crosses the western edge into S2.
    await zone({ kind: 'street', code: 'ST3', name: '跨界巷', widthM: 8, geometry: line([120.19, 30.215], [120.205, 30.215]) })
    for (const code of ['ST2', 'ST2-1', 'ST3']) await assign(code, 'chief', `街长${code}`)
    await zone({ kind: 'frontage', code: 'F2', name: '无主门前', parentCode: 'ST2-1', geometry: rectangle(120.205, 30.20506, 120.2052, 30.2052) })
    for (const code of ['S2', 'C2']) await assign(code, 'fallback', `城市物业${code}`)

    // Two triangles along the diagonal of a third square; the first carries an extra vertex a
    // third of the way along the diagonal, which floating point puts a hair off the line.
    const third = (a: number, b: number) => a + (b - a) / 3
    await zone({ kind: 'subdistrict', code: 'S3', name: '对角街道', geometry: rectangle(120.3, 30.2, 120.32, 30.22) })
    await zone({ kind: 'grid', code: 'S3-01', parentCode: 'S3', geometry: triangle([120.3, 30.2], [120.32, 30.2], [120.32, 30.22], [third(120.32, 120.3), third(30.22, 30.2)]) })
    await zone({ kind: 'grid', code: 'S3-02', parentCode: 'S3', geometry: triangle([120.3, 30.2], [120.32, 30.22], [120.3, 30.22]) })
    for (const code of ['S3-01', 'S3-02']) await assign(code, 'chief', `网格长${code}`)
    await assign('S3', 'fallback', '城市物业S3')

    // One grid with a hole in it.
    await zone({ kind: 'subdistrict', code: 'S4', name: '有洞街道', geometry: rectangle(120.4, 30.2, 120.42, 30.22) })
    await zone({
      kind: 'grid',
      code: 'S4-01',
      parentCode: 'S4',
      geometry: { type: 'Polygon', coordinates: [ring(120.4, 30.2, 120.42, 30.22), ring(120.405, 30.205, 120.41, 30.21)] },
    })

    // Category routing: 路灯损坏 only at D1; 噪音扰民 at D1, S2, S3; 占道经营 per grid (all of S1's,
    // three of S2's, S3's); 共享单车乱停 at C1 (below S1, on its grids' chains) and per grid in S2, at S3.
    await seedCategoryRoute(db, { zone: ids.D1!, category: '路灯损坏', department: sanitation })
    for (const code of ['D1', 'S2', 'S3']) await seedCategoryRoute(db, { zone: ids[code]!, category: '噪音扰民', department: enforcement })
    for (const code of ['C1-01', 'C1-02', 'C1-03', 'C1-04', 'C2-01', 'C2-02', 'C2-03', 'S3']) {
      await seedCategoryRoute(db, { zone: ids[code]!, category: '占道经营', department: enforcement })
    }
    for (const code of ['C1', 'C2-01', 'C2-02', 'C2-03', 'C2-04', 'S3']) {
      await seedCategoryRoute(db, { zone: ids[code]!, category: '共享单车乱停', department: grid })
    }
    await seedCategoryRoute(db, { zone: ids.S3!, category: '路灯损坏', department: sanitation })
  })
  afterAll(async () => t?.close())

  it('finds nothing wrong with a jurisdiction its grids tile exactly, all assigned and routed, at every level', async () => {
    for (const code of ['D1', 'S1', 'C1']) {
      const report = await audit(code)
      expect(report).toMatchObject({ code, ok: true, truncated: false, gaps: [], overlaps: [], spills: [], uncovered_streets: [], unassigned: [] })
      expect(report.summary).toMatchObject({ grids: 4, streets: 1, segments: 2, frontages: 1, gaps: 0, overlaps: 0, spills: 0, unassigned: 0 })
      within1Percent(report.area_m2, await groundArea(rectangle(120.1, 30.2, 120.12, 30.22)))
    }
    expect((await audit('D1')).kind).toBe('district')
  })

  it('finds the overlap between two grids with its area on the ground', async () => {
    const report = await audit('S2')
    expect(report.ok).toBe(false)
    expect(report.overlaps).toHaveLength(1)
    expect(report.overlaps[0]).toMatchObject({ a: 'C2-01', b: 'C2-02' })
    within1Percent(report.overlaps[0]!.area_m2, await groundArea(rectangle(120.209, 30.2, 120.21, 30.21)))
    within1Percent(await groundArea(report.overlaps[0]!.geometry), report.overlaps[0]!.area_m2)
    expect(report.overlaps[0]!.geometry.type).toMatch(/Polygon$/)
  })

  it('finds the grid spilling over the jurisdiction edge and how much lies outside', async () => {
    const report = await audit('S2')
    expect(report.spills.map((spill) => spill.grid)).toEqual(['C2-03'])
    within1Percent(report.spills[0]!.area_m2, await groundArea(rectangle(120.2, 30.22, 120.21, 30.223)))
  })

  it('finds the gap no grid covers, in square metres', async () => {
    const report = await audit('S2')
    expect(report.gaps).toHaveLength(1)
    const expected = await groundArea(rectangle(120.21, 30.218, 120.22, 30.22))
    within1Percent(report.gaps[0]!.area_m2, expected)
    within1Percent(await groundArea(report.gaps[0]!.geometry), expected)
    within1Percent(report.summary.gap_area_m2!, expected)
  })

  it('finds street centre line no segment owns, clipped to the jurisdiction, and a street with no segments', async () => {
    const report = await audit('S2')
    expect(report.uncovered_streets.map((street) => street.street)).toEqual(['ST2', 'ST3'])
    const [partly, bare] = report.uncovered_streets
    expect(partly!.name).toBe('缺段路')
    within1Percent(partly!.length_m, await groundLength(line([120.215, 30.205], [120.22, 30.205])))
    // Only the part inside S2 counts: it starts at the western edge.
    within1Percent(bare!.length_m, await groundLength(line([120.2, 30.215], [120.205, 30.215])))
    within1Percent(await groundLength(bare!.geometry), bare!.length_m)
  })

  it('lists zones without a current holder and categories no department answers for', async () => {
    const report = await audit('S2')
    expect(report.unassigned.filter((item) => item.kind !== 'category')).toEqual([
      { code: 'C2-04', kind: 'grid', name: 'C2-04', missing: 'chief' },
      { code: 'F2', kind: 'frontage', name: '无主门前', missing: 'merchant' },
    ])
    const categories = report.unassigned.filter((item) => item.kind === 'category')
    expect(categories.map((item) => item.code).sort()).toEqual(['占道经营', '路灯损坏'].sort())
    expect(categories.every((item) => item.missing === 'department' && item.name === item.code)).toBe(true)
    // ST3 has no parent but crosses into S2, so it is audited here; its chief is present.
    expect(report.summary).toMatchObject({ grids: 4, streets: 2, segments: 1, frontages: 1, overlaps: 1, spills: 1, gaps: 1, uncovered_streets: 2, unassigned: 4 })
  })

  it('reports a jurisdiction without a fall-back party and an unrouted category at a level above', async () => {
    // C2's own chain (C2, S2) routes 噪音扰民; the others reach C2 as in S2.
    const community = await audit('C2')
    expect(community.unassigned.map((item) => item.code)).toContain('路灯损坏')
    const s4 = await audit('S4')
    expect(s4.unassigned).toEqual(
      expect.arrayContaining([
        { code: 'S4', kind: 'subdistrict', name: '有洞街道', missing: 'fallback' },
        { code: 'S4-01', kind: 'grid', name: 'S4-01', missing: 'chief' },
        { code: '噪音扰民', kind: 'category', name: '噪音扰民', missing: 'department' },
      ]),
    )
  })

  it('counts no overlap or gap where two grids share an edge, even with a vertex a hair off it', async () => {
    // The fixture is a real trap: planar overlay leaves a zero-width sliver along the diagonal,
    // which measured naively as geodesics comes to far more than the tolerance.
    const { rows } = await sql<{ naive: number; planar: number }>`
      SELECT ST_Area(d::geography) AS naive, ST_Area(d) AS planar
      FROM (SELECT ST_SymDifference(s.area, ST_Union(a.area, b.area)) AS d
            FROM zone a, zone b, zone s WHERE a.code = 'S3-01' AND b.code = 'S3-02' AND s.code = 'S3') sliver`.execute(db)
    expect(rows[0]!.naive).toBeGreaterThan(10)
    expect(rows[0]!.planar).toBeLessThan(1e-12)
    const report = await audit('S3')
    expect(report).toMatchObject({ ok: true, gaps: [], overlaps: [], spills: [], unassigned: [] })
    expect(report.summary).toMatchObject({ grids: 2, gaps: 0, overlaps: 0 })
  })

  it('reports the hole in a grid as a gap', async () => {
    const report = await audit('S4')
    expect(report.gaps).toHaveLength(1)
    within1Percent(report.gaps[0]!.area_m2, await groundArea(rectangle(120.405, 30.205, 120.41, 30.21)))
  })

  it('is exported for reuse and runs inside a transaction', async () => {
    const report = await db.transaction().execute((tx) => auditJurisdiction(tx, ids.S2!))
    expect(report).toMatchObject({ code: 'S2', kind: 'subdistrict', ok: false })
    expect(report.overlaps.map((overlap) => [overlap.a, overlap.b])).toEqual([['C2-01', 'C2-02']])
  })

  it('cuts long lists at the list limit, says so, and keeps the summary counts complete', async () => {
    const full = await auditJurisdiction(db, ids.S2!)
    expect(full.truncated).toBe(false)
    const cut = await auditJurisdiction(db, ids.S2!, { listLimit: 1 })
    expect(cut.truncated).toBe(true)
    expect(cut.unassigned).toEqual(full.unassigned.slice(0, 1))
    expect(cut.uncovered_streets.map((street) => street.street)).toEqual(['ST2'])
    expect(cut.summary).toEqual(full.summary)
  })

  it('answers 404 for an unknown code and 400 for the code of a zone that is no jurisdiction', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/coverage/NO-SUCH' })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error.code).toBe('not_found')
    const gridCode = await t.app.inject({ method: 'GET', url: '/api/coverage/C2-01' })
    expect(gridCode.statusCode).toBe(400)
    expect(gridCode.json().error).toMatchObject({ code: 'not_a_jurisdiction' })
    expect(gridCode.json().error.message).toContain('grid')
    const badKind = await t.app.inject({ method: 'GET', url: '/api/coverage/S2?kind=grid' })
    expect(badKind.statusCode).toBe(400)
    expect(badKind.json().error.code).toBe('invalid_request')
  })

  it('asks for a kind when one code names two jurisdictions, and audits the one chosen', async () => {
    // Added for this test alone and taken away after, so that the audits of S4 above see one S4.
    const sameCode = await zone({ kind: 'community', code: 'S4', name: '同码社区', parentCode: 'S4', geometry: rectangle(120.4, 30.2, 120.41, 30.21) })
    ids.S4 = (await db.selectFrom('zone').select('id').where('code', '=', 'S4').where('kind', '=', 'subdistrict').executeTakeFirstOrThrow()).id
    try {
      const ambiguous = await t.app.inject({ method: 'GET', url: '/api/coverage/S4' })
      expect(ambiguous.statusCode).toBe(400)
      expect(ambiguous.json().error.code).toBe('ambiguous_code')
      const chosen = await audit('S4', '?kind=community')
      expect(chosen).toMatchObject({ kind: 'community', name: '同码社区', ok: false })
      // No grids at all: the whole community is one gap.
      expect(chosen.gaps).toHaveLength(1)
      within1Percent(chosen.gaps[0]!.area_m2, await groundArea(rectangle(120.4, 30.2, 120.41, 30.21)))
    } finally {
      await db.deleteFrom('zone').where('id', '=', sameCode).execute()
    }
  })

  it('lists every jurisdiction for pickers, least specific first, with parent codes', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/jurisdictions' })
    expect(response.statusCode).toBe(200)
    const list = response.json() as { id: number; kind: string; code: string; name: string; parent_code: string | null }[]
    expect(list.map((item) => `${item.kind}:${item.code}`)).toEqual(
      expect.arrayContaining(['district:D1', 'subdistrict:S1', 'community:C1', 'subdistrict:S2', 'community:C2']),
    )
    expect(list[0]).toEqual({ id: ids.D1, kind: 'district', code: 'D1', name: '示例区', parent_code: null })
    expect(list.find((item) => item.code === 'C1')!.parent_code).toBe('S1')
    expect(list.every((item) => ['district', 'subdistrict', 'community'].includes(item.kind))).toBe(true)
    const kinds = list.map((item) => item.kind)
    expect(kinds.lastIndexOf('district')).toBeLessThan(kinds.indexOf('subdistrict'))
    expect(kinds.lastIndexOf('subdistrict')).toBeLessThan(kinds.indexOf('community'))
  })

  it('describes both routes in the OpenAPI document', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' })
    expect(response.statusCode).toBe(200)
    expect(Object.keys(response.json().paths)).toEqual(expect.arrayContaining(['/api/coverage/{code}', '/api/jurisdictions']))
  })
})
