import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { jurisdictionKinds, ownerKinds } from '../kernel/zone-kinds.js'
import { distanceM, dWithinM, point, covers } from '../db/geo-sql.js'
import type { LonLat } from '../geometry/convert-crs.js'
import type { Distanced } from './resolution-rule.js'
import { zoneRefs, type ResolvedZone } from './resolve.repository.js'

/**
 * The seam between finding zones and choosing among them. A locator answers "which zones cover
 * this point (boundary included), these points, or lie near it", in no particular order; the
 * resolution rule (resolution-rule.ts) does all the choosing. Today's locator asks PostGIS; an
 * in-memory index of the same zones (DESIGN §12) is another implementation of this interface.
 *
 * Every method takes the database or the open transaction first, so that a batch sees one
 * snapshot; a locator with its own index may ignore it.
 */
export interface ZoneLocator {
  /** Every zone whose area covers the point, boundary included. */
  covering(db: DbOrTx, at: LonLat): Promise<ResolvedZone[]>
  /** Zones of the owning kinds within `metres` of the point on the ground. */
  ownersWithin(db: DbOrTx, at: LonLat, metres: number): Promise<Distanced<ResolvedZone>[]>
  /** Candidates for the jurisdiction nearest to a point outside them all, measured on the ground. */
  jurisdictionsNear(db: DbOrTx, at: LonLat): Promise<Distanced<ResolvedZone>[]>
  /** The zones covering each of many points (WGS-84, parallel arrays). */
  coveringMany(db: DbOrTx, lons: Float64Array, lats: Float64Array, pacing?: Pacing): Promise<CoveringMany>
}

/**
 * How a long lookup is cut: points per statement, and what to await between two statements (on
 * the embedded database, a pause that lets other requests' queries in; see db/work-lock.ts).
 */
export interface Pacing {
  chunk: number
  between?: () => Promise<void>
}

/**
 * Covering zones of many points, in compressed rows: the zones of point `i` are
 * `zoneIds[offsets[i]] … zoneIds[offsets[i + 1] - 1]` (an id may repeat), described in `zones`.
 */
export interface CoveringMany {
  offsets: Int32Array
  zoneIds: Int32Array
  zones: Map<number, ResolvedZone>
}

/** Statements of this many points keep the parameter arrays and the sort small. */
export const BATCH_CHUNK = 20_000

/**
 * On the embedded database a statement holds the only connection: 500 points take about 40 ms
 * there, the longest a single resolution then waits for the batch (scripts/bench-starvation.ts).
 */
export const EMBEDDED_BATCH_CHUNK = 500

/** How many jurisdictions the index's planar distance proposes before they are measured. */
const NEAREST_CANDIDATES = 16

/**
 * Points given as parallel arrays, numbered from 1 in `ord`. The arrays travel as array literals
 * in text, which both drivers pass on faster than they serialise a JS array of 20,000 numbers.
 */
function pointsRelation(lons: Float64Array, lats: Float64Array): RawBuilder<unknown> {
  const literal = (values: Float64Array) => `{${values.join(',')}}`
  return sql`
    SELECT t.ord::int4 AS ord, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest(${literal(lons)}::float8[], ${literal(lats)}::float8[]) WITH ORDINALITY AS t(lon, lat, ord)`
}

const kindList = (kinds: readonly string[]) => sql.join(kinds.map((kind) => sql.lit(kind)))

/**
 * PostGIS behind the seam. Point-in-zone tests go through zone_part (zone areas cut into small
 * pieces with a GiST index), so that a large community polygon costs no more than a small grid.
 */
export const sqlZoneLocator: ZoneLocator = {
  async covering(db, at) {
    const { rows } = await sql<ResolvedZone>`
      SELECT z.id, z.kind, z.code, z.name, z.parent_id
      FROM zone z
      WHERE z.id IN (SELECT part.zone_id FROM zone_part part WHERE ${covers(sql.ref('part.geom'), point(at.lon, at.lat))})`.execute(db)
    return rows
  },

  async ownersWithin(db, at, metres) {
    const here = point(at.lon, at.lat)
    // The box test in degrees lets the GiST index narrow the parts before the exact geography
    // test. A degree of latitude is at least 110.5 km; of longitude, that times cos(lat). Pad by 10 %.
    const dLat = (metres / 110_500) * 1.1
    const dLon = (metres / (110_500 * Math.max(Math.cos((Math.min(Math.abs(at.lat), 89) * Math.PI) / 180), 0.01))) * 1.1
    const { rows } = await sql<ResolvedZone & { distance_m: number }>`
      SELECT z.id, z.kind, z.code, z.name, z.parent_id, min(${distanceM(sql.ref('part.geom'), here)}) AS distance_m
      FROM zone_part part
      JOIN zone z ON z.id = part.zone_id
      WHERE z.kind IN (${kindList(ownerKinds)})
        AND part.geom && ST_Expand(${here}, ${dLon}::float8, ${dLat}::float8)
        AND ${dWithinM(sql.ref('part.geom'), here, metres)}
      GROUP BY z.id, z.kind, z.code, z.name, z.parent_id`.execute(db)
    return rows.map(({ distance_m, ...zone }) => ({ zone, distance_m: Number(distance_m) }))
  },

  async jurisdictionsNear(db, at) {
    const here = point(at.lon, at.lat)
    // The index orders by planar distance in degrees, which is not distance on the ground: the
    // nearest few are measured, and the rule picks among them.
    const { rows } = await sql<ResolvedZone & { distance_m: number }>`
      SELECT z.id, z.kind, z.code, z.name, z.parent_id, ${distanceM(sql.ref('z.area'), here)} AS distance_m
      FROM (
        SELECT * FROM zone
        WHERE kind IN (${kindList(jurisdictionKinds)})
        ORDER BY area <-> ${here}
        LIMIT ${sql.lit(NEAREST_CANDIDATES)}
      ) z`.execute(db)
    return rows.map(({ distance_m, ...zone }) => ({ zone, distance_m: Number(distance_m) }))
  },

  async coveringMany(db, lons, lats, pacing = { chunk: BATCH_CHUNK }) {
    const count = lons.length
    const pointOf: number[] = []
    const zoneOf: number[] = []
    for (let start = 0; start < count; start += pacing.chunk) {
      if (start > 0) await pacing.between?.()
      const end = Math.min(start + pacing.chunk, count)
      // Every (point, covering part's zone) pair, as two arrays in one row: far cheaper to read
      // than a row per pair. Both aggregates read the same rows in the same order, so they align.
      const { rows } = await sql<{ ords: number[] | null; zone_ids: number[] | null }>`
        WITH pt AS (${pointsRelation(lons.subarray(start, end), lats.subarray(start, end))})
        SELECT array_agg(pt.ord) AS ords, array_agg(part.zone_id) AS zone_ids
        FROM pt JOIN zone_part part ON ${covers(sql.ref('part.geom'), sql.ref('pt.geom'))}`.execute(db)
      const ords = rows[0]?.ords ?? []
      const zoneIds = rows[0]?.zone_ids ?? []
      for (let i = 0; i < ords.length; i++) {
        pointOf.push(start + ords[i]! - 1)
        zoneOf.push(zoneIds[i]!)
      }
    }
    // Counting sort by point into compressed rows.
    const offsets = new Int32Array(count + 1)
    for (const index of pointOf) offsets[index + 1]!++
    for (let i = 0; i < count; i++) offsets[i + 1]! += offsets[i]!
    const next = offsets.slice(0, count)
    const zoneIds = new Int32Array(zoneOf.length)
    for (let pair = 0; pair < pointOf.length; pair++) zoneIds[next[pointOf[pair]!]!++] = zoneOf[pair]!
    const zones = await zoneRefs(db, [...new Set(zoneOf)])
    return { offsets, zoneIds, zones }
  },
}
