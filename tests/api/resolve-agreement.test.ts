import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { performance } from 'node:perf_hooks'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { resolvePoint, type BatchResult, type Resolution } from '../../server/resolve/resolve.service.js'
import { randomPointsAroundZones, verticesAndMidpoints, type Vertex } from '../helpers/sample-points.js'

/**
 * Single and batch resolution are two paths through the same locator and rule; over the demo
 * district they must give every point the same status, primary zone and department. The points
 * are seeded random ones over the district's box and beyond (outside points), and boundary
 * points taken from the zones' own coordinates: every vertex of the grids, communities and
 * sub-district, and the midpoints of their edges, which lie on (or within a rounding error of)
 * the line two neighbours share.
 */
const POINTS = 10_000
const BOUNDARY_POINTS = 4_000
// Routed across the sub-district to one department and on some streets to the lamp office, so
// that both a route in the chain and an inherited one are exercised.
const CATEGORY = '路灯损坏'
const AT = '2024-06-01T00:00:00.000Z'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})

afterAll(async () => {
  await t?.close()
})

async function boundaryPoints(): Promise<{ lon: number; lat: number }[]> {
  const { rows } = await sql<Vertex>`
    SELECT z.id AS zone_id, (dp).path[1] * 1000 + (dp).path[2] AS ring, (dp).path[3] AS index, ST_X((dp).geom) AS x, ST_Y((dp).geom) AS y
    FROM (SELECT id, ST_DumpPoints(area) AS dp FROM zone WHERE kind IN ('grid', 'community', 'subdistrict')) z
    ORDER BY z.id, ring, index`.execute(t.handle.db)
  const points = verticesAndMidpoints(rows)
  // Evenly spread over the list when there are more than wanted, so every zone keeps some.
  const step = Math.max(1, points.length / BOUNDARY_POINTS)
  const kept: { lon: number; lat: number }[] = []
  for (let i = 0; Math.floor(i) < points.length && kept.length < BOUNDARY_POINTS; i += step) kept.push(points[Math.floor(i)]!)
  return kept
}

const summary = (answer: Pick<Resolution, 'status' | 'primary' | 'department'> | BatchResult) => ({
  status: answer.status,
  primary: answer.primary?.zone.id ?? null,
  department: answer.department ?? null,
})

describe('single and batch resolution over the demo district', () => {
  it(`agree point by point on ${POINTS} seeded random and boundary points`, async () => {
    const boundary = await boundaryPoints()
    const points = [...boundary, ...(await randomPointsAroundZones(t.handle.db, POINTS - boundary.length, 7))]
    expect(points.length).toBe(POINTS)

    const batchStarted = performance.now()
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/resolve/batch',
      payload: { category: CATEGORY, at: AT, points: points.map((p, id) => ({ id, ...p })) },
    })
    const batchMs = performance.now() - batchStarted
    expect(response.statusCode).toBe(200)
    const batch = response.json().results as BatchResult[]

    // Through the service function rather than HTTP, to keep 10,000 answers quick; a few at a
    // time, which a PostgreSQL pool runs side by side and PGlite one after another.
    const singleStarted = performance.now()
    const single: Resolution[] = new Array(points.length)
    let next = 0
    const worker = async () => {
      for (let index = next++; index < points.length; index = next++) {
        single[index] = await resolvePoint(t.handle.db, { point: points[index]!, crs: 'wgs84', category: CATEGORY, accuracyM: 0, at: AT })
      }
    }
    await Promise.all(Array.from({ length: 4 }, worker))
    const singleMs = performance.now() - singleStarted
    console.log(`[agreement] ${t.backend}: batch ${batchMs.toFixed(0)} ms, single ${singleMs.toFixed(0)} ms for ${POINTS} points`)

    const disagreements: string[] = []
    for (const [index, p] of points.entries()) {
      const [a, b] = [summary(single[index]!), summary(batch[index]!)]
      if (JSON.stringify(a) !== JSON.stringify(b)) disagreements.push(`${index} (${p.lon}, ${p.lat}): single ${JSON.stringify(a)} batch ${JSON.stringify(b)}`)
    }
    expect(disagreements.slice(0, 10)).toEqual([])

    // The sample is only worth something if it reaches every status, the boundaries and both
    // kinds of department source.
    const statuses = new Set(batch.map((result) => result.status))
    expect([...statuses].sort()).toEqual(['outside', 'owned', ...(statuses.has('fallback') ? ['fallback'] : [])].sort())
    const boundaryAlternatives = single.slice(0, boundary.length).filter((answer) => answer.alternatives.length > 0).length
    expect(boundaryAlternatives).toBeGreaterThan(boundary.length / 10)
    expect(new Set(batch.map((result) => result.department?.via ?? null)).size).toBeGreaterThan(2)
  }, 900_000)
})
