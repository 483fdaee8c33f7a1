import { sql } from 'kysely'
import type { Db } from '../../server/db/database.js'
import { seededRandom } from '../../scripts/demo/streets.js'

export interface Point {
  lon: number
  lat: number
}

/** A vertex of a zone's area, as `ST_DumpPoints` numbers it (ring = polygon × 1000 + ring). */
export interface Vertex {
  zone_id: number
  ring: number
  index: number
  x: number
  y: number
}

/** Every vertex, and the midpoint of every edge: the points where the boundary rule decides. */
export function verticesAndMidpoints(rows: readonly Vertex[]): Point[] {
  const points: Point[] = []
  for (const [i, vertex] of rows.entries()) {
    points.push({ lon: vertex.x, lat: vertex.y })
    const next = rows[i + 1]
    if (next && next.zone_id === vertex.zone_id && next.ring === vertex.ring) points.push({ lon: (vertex.x + next.x) / 2, lat: (vertex.y + next.y) / 2 })
  }
  return points
}

/**
 * `count` points spread over the box of every zone and a tenth beyond it on each side, so that
 * some fall outside every zone; the same points for the same seed.
 */
export async function randomPointsAroundZones(db: Db, count: number, seed: number): Promise<Point[]> {
  const { rows } = await sql<{ w: number; s: number; e: number; n: number }>`
    SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n FROM (SELECT ST_Extent(area)::geometry AS b FROM zone) x`.execute(db)
  const box = rows[0]!
  const padLon = (box.e - box.w) / 10
  const padLat = (box.n - box.s) / 10
  const random = seededRandom(seed)
  return Array.from({ length: count }, () => ({
    lon: box.w - padLon + random() * (box.e - box.w + 2 * padLon),
    lat: box.s - padLat + random() * (box.n - box.s + 2 * padLat),
  }))
}
