import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { MemoryZoneLocator } from '../../server/resolve/memory-locator.js'
import { sqlZoneLocator, type CoveringMany } from '../../server/resolve/locator.js'
import { resolveBatchInternal, resolvePointInternal, type InternalResolution } from '../../server/resolve/resolve.service.js'
import { randomPointsAroundZones, verticesAndMidpoints, type Vertex } from '../helpers/sample-points.js'

/**
 * The in-memory locator against PostGIS (sqlZoneLocator is the independent second
 * implementation), over the demo district: seeded random points over its box and a tenth beyond
 * (so that some fall outside every zone), and every vertex and edge midpoint of a sample of
 * zones of every area kind, which lie on, or a rounding error off, the edge two neighbours share.
 */
const RANDOM_POINTS = 20_000
const SAMPLED_ZONES_PER_KIND = 12
const SINGLE_POINTS = 1_500
const CATEGORY = '路灯损坏'
const AT = '2024-06-01T00:00:00.000Z'
// Distances are shown to the centimetre; the two measure the same geodesic to far less
// (ground-distance.ts), so only a value straddling a rounding step may differ by one step.
const CENTIMETRE = 0.0100001

let t: TestApp
let memory: MemoryZoneLocator
let points: { lon: number; lat: number }[]
let boundaryCount: number

async function boundaryPoints(): Promise<{ lon: number; lat: number }[]> {
  // A sample of zones of each area kind (every n-th by id), all their vertices and midpoints.
  const { rows } = await sql<Vertex>`
    WITH sample AS (
      SELECT id, area FROM (
        SELECT id, area, row_number() OVER (PARTITION BY kind ORDER BY id) AS n, count(*) OVER (PARTITION BY kind) AS total FROM zone
      ) z WHERE (n - 1) % GREATEST(1, total / ${SAMPLED_ZONES_PER_KIND}) = 0
    )
    SELECT s.id AS zone_id, (dp).path[1] * 1000 + (dp).path[2] AS ring, (dp).path[3] AS index, ST_X((dp).geom) AS x, ST_Y((dp).geom) AS y
    FROM (SELECT id, ST_DumpPoints(area) AS dp FROM sample) s
    ORDER BY s.id, ring, index`.execute(t.handle.db)
  return verticesAndMidpoints(rows)
}

const setOf = (many: CoveringMany, index: number) => [...new Set(many.zoneIds.subarray(many.offsets[index]!, many.offsets[index + 1]!))].sort((a, b) => a - b)

/** Everything a single resolution says, zones by id; distances are compared apart. */
function outline(resolution: InternalResolution) {
  return {
    status: resolution.status,
    primary: resolution.primary?.zone.id ?? null,
    chain: resolution.chain.map((link) => link.zone.id),
    holders: resolution.chain.map((link) => link.holders),
    department: resolution.department ? { party: resolution.department.department.id, via: resolution.department.via.id } : null,
    alternatives: resolution.alternatives.map((alternative) => alternative.zone.id),
    nearest: resolution.nearest?.zone.id ?? null,
  }
}

const distances = (resolution: InternalResolution) => [
  ...resolution.alternatives.map((alternative) => alternative.distance_m),
  ...(resolution.nearest ? [resolution.nearest.distance_m] : []),
]

beforeAll(async () => {
  t = await createTestApp()
  memory = await MemoryZoneLocator.load(t.handle.db)
  const boundary = await boundaryPoints()
  boundaryCount = boundary.length
  points = [...boundary, ...(await randomPointsAroundZones(t.handle.db, RANDOM_POINTS, 20_260_801))]
}, 180_000)

afterAll(async () => {
  await t?.close()
})

describe('the in-memory zone locator over the demo district', () => {
  it('indexes every zone part the database holds', async () => {
    const { rows } = await sql<{ parts: number }>`SELECT count(*)::int AS parts FROM zone_part`.execute(t.handle.db)
    expect(memory.partCount).toBe(rows[0]!.parts)
    expect(boundaryCount).toBeGreaterThan(1_000)
  })

  it('finds the same covering zones as ST_Covers for random, vertex and edge-midpoint points', async () => {
    const lons = Float64Array.from(points, (p) => p.lon)
    const lats = Float64Array.from(points, (p) => p.lat)
    const fromSql = await sqlZoneLocator.coveringMany(t.handle.db, lons, lats)
    const fromMemory = await memory.coveringMany(t.handle.db, lons, lats)
    const differences: string[] = []
    let onSharedEdges = 0
    for (const [index, p] of points.entries()) {
      const [a, b] = [setOf(fromSql, index), setOf(fromMemory, index)]
      if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${index} (${p.lon}, ${p.lat}): sql ${a} memory ${b}`)
      const kinds = a.map((id) => fromSql.zones.get(id)!.kind)
      if (new Set(kinds).size < kinds.length) onSharedEdges++
    }
    expect(differences.slice(0, 10)).toEqual([])
    // The sample is worth something only if many points lie on edges that two zones of a kind share.
    expect(onSharedEdges).toBeGreaterThan(boundaryCount / 10)

    // covering(), one point at a time, on the boundary points and a slice of the random ones.
    const single = points.slice(0, boundaryCount + 2_000)
    for (const [index, p] of single.entries()) {
      const [a, b] = await Promise.all([sqlZoneLocator.covering(t.handle.db, p), memory.covering(t.handle.db, p)])
      const [ids, memoryIds] = [a.map((zone) => zone.id).sort((x, y) => x - y), b.map((zone) => zone.id).sort((x, y) => x - y)]
      if (JSON.stringify(ids) !== JSON.stringify(memoryIds)) differences.push(`covering ${index}: sql ${ids} memory ${memoryIds}`)
    }
    expect(differences.slice(0, 10)).toEqual([])
  }, 600_000)

  it('gives every point of a batch the same status, primary zone and department', async () => {
    const query = {
      ids: points.map((_, id) => id),
      lons: Float64Array.from(points, (p) => p.lon),
      lats: Float64Array.from(points, (p) => p.lat),
      crs: 'wgs84' as const,
      category: CATEGORY,
      accuracyM: 0,
      at: AT,
    }
    const [fromSql, fromMemory] = [await resolveBatchInternal(t.handle.db, query, sqlZoneLocator), await resolveBatchInternal(t.handle.db, query, memory)]
    const summary = (r: (typeof fromSql)[number]) =>
      JSON.stringify({ status: r.status, primary: r.primary?.zone.id ?? null, department: r.department?.department.id ?? null, via: r.department?.via.id ?? null })
    const differences = points.flatMap((p, index) =>
      summary(fromSql[index]!) === summary(fromMemory[index]!) ? [] : [`${index} (${p.lon}, ${p.lat}): sql ${summary(fromSql[index]!)} memory ${summary(fromMemory[index]!)}`],
    )
    expect(differences.slice(0, 10)).toEqual([])
    expect(new Set(fromSql.map((r) => r.status)).size).toBeGreaterThanOrEqual(2)
  }, 600_000)

  it('resolves single points, with alternatives within an accuracy and the nearest jurisdiction outside, as the SQL locator does', async () => {
    // Boundary points and random ones, a third of them with an accuracy, so that ownersWithin,
    // jurisdictionsNear and the tie-breaks between zones on a shared edge all decide.
    const step = Math.max(1, Math.floor(points.length / SINGLE_POINTS))
    const chosen = points.filter((_, index) => index % step === 0)
    const differences: string[] = []
    const seen = { outside: 0, alternatives: 0, nearby: 0 }
    for (const [index, p] of chosen.entries()) {
      const query = { point: p, crs: 'wgs84' as const, category: CATEGORY, accuracyM: [0, 0, 25][index % 3]!, at: AT }
      const a = await resolvePointInternal(t.handle.db, query, sqlZoneLocator)
      const b = await resolvePointInternal(t.handle.db, query, memory)
      const [outlineA, outlineB] = [JSON.stringify(outline(a)), JSON.stringify(outline(b))]
      const [da, db] = [distances(a), distances(b)]
      const distancesAgree = da.length === db.length && da.every((d, i) => Math.abs(d - db[i]!) <= CENTIMETRE)
      if (outlineA !== outlineB || !distancesAgree) differences.push(`${p.lon}, ${p.lat} accuracy ${query.accuracyM}: sql ${outlineA} ${da} memory ${outlineB} ${db}`)
      if (a.status === 'outside') seen.outside++
      if (a.alternatives.length > 0) seen.alternatives++
      if (a.alternatives.some((alternative) => alternative.distance_m > 0)) seen.nearby++
    }
    expect(differences.slice(0, 10)).toEqual([])
    expect(seen.outside).toBeGreaterThan(10)
    expect(seen.alternatives).toBeGreaterThan(10)
    expect(seen.nearby).toBeGreaterThan(10)
  }, 600_000)
})
