import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemoIfEmpty } from '../../server/transfer/demo.js'
import { readingOrder } from '../../scripts/demo/reading-order.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// The demo district as the server loads it on first start (the test template imports it with loadDemo).
let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})

afterAll(async () => {
  await t?.close()
})

async function countByKind(): Promise<Record<string, number>> {
  const rows = await t.handle.db.selectFrom('zone').select(['kind', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('kind').execute()
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.count)]))
}

interface Placed {
  code: string
  parent: string | null
  x: number
  y: number
  south: number
  north: number
}

async function placedZones(kind: 'community' | 'grid'): Promise<Placed[]> {
  const { rows } = await sql<Placed>`
    SELECT z.code, p.code AS parent, ST_X(ST_PointOnSurface(z.area)) AS x, ST_Y(ST_PointOnSurface(z.area)) AS y,
           ST_YMin(z.area) AS south, ST_YMax(z.area) AS north
    FROM zone z LEFT JOIN zone p ON p.id = z.parent_id WHERE z.kind = ${kind} ORDER BY z.code`.execute(t.handle.db)
  return rows
}

describe('the demo district 天水街道', () => {
  it('has one district, one sub-district, 4 communities, 16 grids, and streets with segments and frontages', async () => {
    const counts = await countByKind()
    expect(counts).toMatchObject({ district: 1, subdistrict: 1, community: 4, grid: 16 })
    expect(counts.street).toBeGreaterThanOrEqual(15)
    expect(counts.segment).toBeGreaterThan(counts.street!)
    expect(counts.frontage).toBeGreaterThanOrEqual(150)
    expect(counts.frontage).toBeLessThanOrEqual(300)
  })

  it('codes communities and grids after CJ/T 213-2005, numbered west to east, north to south', async () => {
    const communities = await placedZones('community')
    expect(communities.map((community) => community.code)).toEqual(['330105003001', '330105003002', '330105003003', '330105003004'])
    expect(readingOrder(communities).map((community) => community.code)).toEqual(communities.map((community) => community.code))
    const grids = await placedZones('grid')
    for (const grid of grids) {
      expect(grid.code).toMatch(/^330105003\d{3}\d{2}$/)
      expect(grid.code.slice(0, 12)).toBe(grid.parent)
    }
    for (const community of communities) {
      const own = grids.filter((grid) => grid.parent === community.code)
      expect(own.map((grid) => grid.code.slice(12))).toEqual(['01', '02', '03', '04'])
      expect(readingOrder(own).map((grid) => grid.code)).toEqual(own.map((grid) => grid.code))
    }
  })

  it('tiles each community with its grids and the sub-district with its communities', async () => {
    const { rows } = await sql<{ code: string; difference: number; parts: number }>`
      SELECT p.code, ST_Area(ST_SymDifference(p.area, ST_Union(c.area))::geography) AS difference, count(*)::int AS parts
      FROM zone p JOIN zone c ON c.parent_id = p.id AND c.kind IN ('community', 'grid')
      GROUP BY p.id, p.code, p.area`.execute(t.handle.db)
    expect(rows).toHaveLength(5)
    for (const row of rows) expect(row.difference).toBeLessThan(1)
  })

  it('splits every main street into 2 or 3 segments that lie on it, named after their junctions', async () => {
    const { rows } = await sql<{ name: string; street_class: string; segments: number; names: string[]; off: number }>`
      SELECT s.name, s.street_class, count(g.id)::int AS segments, array_agg(g.name ORDER BY g.code) AS names,
             max(ST_Length(ST_Difference(g.centerline, ST_Buffer(s.area::geography, 2)::geometry)::geography)) AS off
      FROM zone s JOIN zone g ON g.parent_id = s.id AND g.kind = 'segment'
      WHERE s.kind = 'street' GROUP BY s.id, s.name, s.street_class`.execute(t.handle.db)
    expect(rows.length).toBe((await countByKind()).street)
    for (const row of rows) {
      expect(row.off).toBeLessThan(0.5)
      if (['primary', 'secondary', 'tertiary'].includes(row.street_class)) expect([2, 3]).toContain(row.segments)
      for (const name of row.names) expect(name).toMatch(new RegExp(`^${row.name}（.+段）$`))
    }
    const tiyuchang = rows.find((row) => row.name === '体育场路')!
    expect(tiyuchang.names).toContain('体育场路（展览西路—中山北路段）')
  })

  it('gives every frontage a merchant and puts it inside its segment, overlapping no other frontage', async () => {
    const { rows } = await sql<{ outside: number; unowned: number; overlapping: number }>`
      SELECT
        (SELECT count(*)::int FROM zone f JOIN zone s ON s.id = f.parent_id
          WHERE f.kind = 'frontage' AND (s.kind <> 'segment' OR NOT ST_CoveredBy(f.area, s.area))) AS outside,
        (SELECT count(*)::int FROM zone f WHERE f.kind = 'frontage' AND NOT EXISTS (
          SELECT 1 FROM assignment a WHERE a.zone_id = f.id AND a.duty = 'merchant' AND a.valid_to IS NULL)) AS unowned,
        (SELECT count(*)::int FROM zone a JOIN zone b ON a.id < b.id AND a.kind = 'frontage' AND b.kind = 'frontage'
          AND ST_Intersects(a.area, b.area) AND ST_Area(ST_Intersection(a.area, b.area)::geography) > 0.01) AS overlapping`.execute(t.handle.db)
    expect(rows[0]).toEqual({ outside: 0, unowned: 0, overlapping: 0 })
  })

  it('routes the six departments at the sub-district and 路灯损坏 on two main streets to the lamp office', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/zones/by-code/subdistrict/330105003' })
    expect(response.statusCode).toBe(200)
    const { rows } = await sql<{ zone: string; category: string; department: string }>`
      SELECT z.name AS zone, c.name AS category, d.name AS department FROM category_route r
      JOIN zone z ON z.id = r.zone_id JOIN category c ON c.id = r.category_id JOIN party d ON d.id = r.department_id`.execute(t.handle.db)
    const atSubdistrict = rows.filter((row) => row.zone === '天水街道')
    expect(new Set(atSubdistrict.map((row) => row.department)).size).toBe(6)
    expect(atSubdistrict.map((row) => row.category)).toEqual(expect.arrayContaining(['路灯损坏', '垃圾暴露', '占道经营', '违法停车', '食品安全', '无照经营']))
    expect(rows.filter((row) => row.department === '拱墅区路灯管理所').map((row) => row.zone).sort()).toEqual(['延安路', '体育场路'].sort())
  })

  it('passes its own coverage audit, for the sub-district, the district and every community', async () => {
    for (const code of ['330105003', '330105', '330105003001', '330105003002', '330105003003', '330105003004']) {
      const response = await t.app.inject({ method: 'GET', url: `/api/coverage/${code}` })
      expect(response.statusCode, code).toBe(200)
      const audit = response.json()
      expect({ code, gaps: audit.gaps, overlaps: audit.overlaps, spills: audit.spills }).toEqual({ code, gaps: [], overlaps: [], spills: [] })
      expect(audit.uncovered_streets, code).toEqual([])
      expect(audit.unassigned, code).toEqual([])
      expect(audit.ok, code).toBe(true)
    }
  })

  it('resolves a point on 体育场路 to its segment, with the street, grid and lamp office above it', async () => {
    const { rows } = await sql<{ code: string; lon: number; lat: number }>`
      SELECT g.code, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat FROM zone g JOIN zone s ON s.id = g.parent_id,
        LATERAL (SELECT ST_LineInterpolatePoint(ST_GeometryN(ST_Multi(g.centerline), 1), 0.5) AS geom) AS p
      WHERE g.kind = 'segment' AND g.name = '体育场路（展览西路—中山北路段）'`.execute(t.handle.db)
    const segment = rows[0]!
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/resolve?lon=${segment.lon}&lat=${segment.lat}&category=${encodeURIComponent('路灯损坏')}`,
    })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.status).toBe('owned')
    expect(body.primary.zone).toMatchObject({ kind: 'segment', code: segment.code })
    expect(body.primary.chief.role).toBe('段长')
    const kinds = body.chain.map((link: { zone: { kind: string } }) => link.zone.kind)
    expect(kinds).toEqual(expect.arrayContaining(['segment', 'street', 'grid', 'community', 'subdistrict', 'district']))
    expect(body.department).toMatchObject({ name: '拱墅区路灯管理所' })
    const parking = await t.app.inject({
      method: 'GET',
      url: `/api/resolve?lon=${segment.lon}&lat=${segment.lat}&category=${encodeURIComponent('违法停车')}`,
    })
    expect(parking.json().department).toMatchObject({ name: '杭州市公安局交警支队拱墅大队', via: '330105003' })
  })

  it('is not loaded again into a database that has zones', async () => {
    expect(await loadDemoIfEmpty(t.handle.db)).toBeNull()
    expect((await countByKind()).grid).toBe(16)
  })
})
