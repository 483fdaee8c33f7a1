import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx, ZoneRef } from '../db/database.js'
import { jurisdictionKinds, ownerKinds, zoneKinds, zoneKindTable } from '../kernel/zone-kinds.js'
import { distanceM, dWithinM, point } from '../db/geo-sql.js'
import type { LonLat } from '../geometry/convert-crs.js'
import { assignmentInForce } from '../db/holders.js'

/**
 * The queries of resolution. Point-in-zone tests go through zone_part (zone areas cut into small
 * pieces with a GiST index), so that a large community polygon costs no more than a small grid.
 * Ties between zones of one kind are broken by code in byte order (COLLATE "C"), so that both
 * database backends, whatever their locale, give the same answer.
 */

export interface CoveringZone extends ZoneRef {
  parent_id: number | null
}

export interface NearbyZone extends ZoneRef {
  distance_m: number
}

/** A party as resolution names it: by name and phone, without its id. */
export interface PublicContact {
  name: string
  phone: string | null
}

/** Kind specificity as a SQL expression (0 = frontage … 6 = district), for ORDER BY. */
function specificity(kindColumn: RawBuilder<unknown>): RawBuilder<number> {
  const cases = zoneKinds.map((kind) => sql`WHEN ${sql.lit(kind)} THEN ${sql.lit(zoneKindTable[kind].chainOrder)}`)
  return sql<number>`CASE ${kindColumn} ${sql.join(cases, sql` `)} END`
}

const zoneKind = specificity(sql.ref('z.kind'))

/** Every zone whose area covers the point, boundary included, most specific first. */
export async function coveringZones(db: DbOrTx, at: LonLat): Promise<CoveringZone[]> {
  const { rows } = await sql<CoveringZone>`
    SELECT z.id, z.kind, z.code, z.name, z.parent_id
    FROM zone z
    WHERE z.id IN (SELECT part.zone_id FROM zone_part part WHERE ST_Covers(part.geom, ${point(at.lon, at.lat)}))
    ORDER BY ${zoneKind}, z.code COLLATE "C", z.id`.execute(db)
  return rows
}

/**
 * Zones of the owning kinds within `metres` of the point on the ground, with their distance.
 * The box test in degrees lets the GiST index narrow the parts before the exact geography test.
 */
export async function nearbyOwnerZones(db: DbOrTx, at: LonLat, metres: number): Promise<NearbyZone[]> {
  const here = point(at.lon, at.lat)
  // A degree of latitude is at least 110.5 km; of longitude, that times cos(lat). Pad by 10 %.
  const dLat = (metres / 110_500) * 1.1
  const dLon = (metres / (110_500 * Math.max(Math.cos((Math.min(Math.abs(at.lat), 89) * Math.PI) / 180), 0.01))) * 1.1
  const { rows } = await sql<NearbyZone>`
    SELECT z.id, z.kind, z.code, z.name, min(${distanceM(sql.ref('part.geom'), here)}) AS distance_m
    FROM zone_part part
    JOIN zone z ON z.id = part.zone_id
    WHERE z.kind IN (${sql.join(ownerKinds.map((kind) => sql.lit(kind)))})
      AND part.geom && ST_Expand(${here}, ${dLon}::float8, ${dLat}::float8)
      AND ${dWithinM(sql.ref('part.geom'), here, metres)}
    GROUP BY z.id, z.kind, z.code, z.name`.execute(db)
  return rows.map((row) => ({ ...row, distance_m: Number(row.distance_m) }))
}

/**
 * The jurisdiction nearest to a point outside them all, on the ground. The index orders
 * candidates by planar distance in degrees; the nearest few are then measured in metres.
 * Equal distances (to a shared border, to the decimetre) go to the higher level.
 */
export async function nearestJurisdiction(db: DbOrTx, at: LonLat): Promise<NearbyZone | null> {
  const here = point(at.lon, at.lat)
  const { rows } = await sql<NearbyZone>`
    SELECT id, kind, code, name, distance_m FROM (
      SELECT z.id, z.kind, z.code, z.name, ${distanceM(sql.ref('z.area'), here)} AS distance_m, ${zoneKind} AS rank
      FROM (
        SELECT * FROM zone
        WHERE kind IN (${sql.join(jurisdictionKinds.map((kind) => sql.lit(kind)))})
        ORDER BY area <-> ${here}
        LIMIT 16
      ) z
    ) candidate
    ORDER BY round(distance_m * 10), rank DESC, code COLLATE "C", id
    LIMIT 1`.execute(db)
  const row = rows[0]
  return row ? { ...row, distance_m: Number(row.distance_m) } : null
}

export async function zoneRefs(db: DbOrTx, ids: number[]): Promise<Map<number, CoveringZone>> {
  if (ids.length === 0) return new Map()
  const { rows } = await sql<CoveringZone>`
    SELECT id, kind, code, name, parent_id FROM zone WHERE id = ANY(${ids}::int4[])`.execute(db)
  return new Map(rows.map((row) => [row.id, row]))
}

/**
 * For each starting jurisdiction, the nearest zone up its parent chain (itself first) that has a
 * fall-back party at `at`. Starts with none up the chain are absent from the map.
 */
export async function fallbackHolders(db: DbOrTx, startIds: number[], at: string): Promise<Map<number, number>> {
  if (startIds.length === 0) return new Map()
  const { rows } = await sql<{ start_id: number; holder_id: number }>`
    WITH RECURSIVE up AS (
      SELECT z.id AS start_id, z.id, z.parent_id, 0 AS depth
      FROM zone z WHERE z.id = ANY(${startIds}::int4[])
      UNION ALL
      SELECT up.start_id, z.id, z.parent_id, up.depth + 1
      FROM up JOIN zone z ON z.id = up.parent_id
      WHERE up.depth < 16
    )
    SELECT DISTINCT ON (up.start_id) up.start_id, up.id AS holder_id
    FROM up
    WHERE EXISTS (SELECT 1 FROM assignment a WHERE a.zone_id = up.id AND a.duty = 'fallback' AND ${assignmentInForce(at)})
    ORDER BY up.start_id, up.depth`.execute(db)
  return new Map(rows.map((row) => [row.start_id, row.holder_id]))
}

export async function findCategoryId(db: DbOrTx, name: string): Promise<number | null> {
  const row = await db.selectFrom('category').select('id').where('name', '=', name).executeTakeFirst()
  return row?.id ?? null
}

/** The department each of the given zones routes the category to, where it maps it. */
/**
 * Routes inherited down the tree: for each zone, the route set at the zone itself or at its nearest
 * ancestor (parent_id), with the code of the zone that sets it. Used when no zone covering the
 * point routes the category, e.g. the outer half of a boundary street, which lies outside its
 * sub-district's polygon but answers to it.
 */
export async function inheritedCategoryRoutes(
  db: DbOrTx,
  categoryId: number,
  zoneIds: number[],
): Promise<Map<number, PublicContact & { via: string }>> {
  if (zoneIds.length === 0) return new Map()
  const { rows } = await sql<{ start_id: number; via: string; name: string; phone: string | null }>`
    WITH RECURSIVE up AS (
      SELECT z.id AS start_id, z.id, z.parent_id, 0 AS depth FROM zone z WHERE z.id = ANY(${zoneIds}::int4[])
      UNION ALL
      SELECT up.start_id, parent.id, parent.parent_id, up.depth + 1
      FROM up JOIN zone parent ON parent.id = up.parent_id
      WHERE up.depth < 32
    )
    SELECT DISTINCT ON (up.start_id) up.start_id, via.code AS via, department.name, department.phone
    FROM up
    JOIN category_route route ON route.zone_id = up.id AND route.category_id = ${categoryId}
    JOIN party department ON department.id = route.department_id
    JOIN zone via ON via.id = up.id
    ORDER BY up.start_id, up.depth`.execute(db)
  return new Map(rows.map((row) => [row.start_id, { name: row.name, phone: row.phone, via: row.via }]))
}

export async function categoryRoutes(db: DbOrTx, categoryId: number, zoneIds: number[]): Promise<Map<number, PublicContact>> {
  if (zoneIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('category_route as r')
    .innerJoin('party as p', 'p.id', 'r.department_id')
    .select(['r.zone_id', 'p.name', 'p.phone'])
    .where('r.category_id', '=', categoryId)
    .where(sql<boolean>`r.zone_id = ANY(${zoneIds}::int4[])`)
    .execute()
  return new Map(rows.map((row) => [row.zone_id, { name: row.name, phone: row.phone }]))
}

/**
 * PostgreSQL prices a join of thousands of points with ST_Covers high enough to JIT-compile it,
 * which costs 50–100 ms per statement and saves nothing: turned off for the open transaction.
 */
export async function withoutJit(tx: DbOrTx): Promise<void> {
  await sql`SET LOCAL jit = off`.execute(tx)
}

/**
 * Points given as parallel arrays, numbered from 1 in `ord`. The arrays travel as array literals
 * in text, which both drivers pass on faster than they serialise a JS array of 20,000 numbers.
 */
function pointsRelation(lons: number[], lats: number[]): RawBuilder<unknown> {
  return sql`
    SELECT t.ord::int4 AS ord, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest(${`{${lons.join(',')}}`}::float8[], ${`{${lats.join(',')}}`}::float8[]) WITH ORDINALITY AS t(lon, lat, ord)`
}

/** Every zone with its place in chain order (kind specificity, then code), computed once per statement. */
const rankedZones = sql`
  SELECT z.id, z.kind, row_number() OVER (ORDER BY ${zoneKind}, z.code COLLATE "C", z.id)::int4 AS rank
  FROM zone z`

export interface BatchHits {
  /** 1-based positions in the chunk of the points that some zone covers. */
  ords: number[]
  /** For each of those, the first zone of its chain: the most specific kind, lowest code. */
  zoneIds: number[]
  /** With a category: the first zone of its chain (one zone per kind) that routes it, or null. */
  viaIds: (number | null)[]
}

/**
 * The primary zone of each point of a chunk, set-based: the points join zone_part through its
 * GiST index and each keeps its first covering zone in chain order. The answer comes back as
 * three arrays in one row, far cheaper to read than a row per point.
 */
export async function primaryZones(db: DbOrTx, lons: number[], lats: number[], categoryId: number | null): Promise<BatchHits> {
  const best =
    categoryId === null
      ? sql`
        SELECT DISTINCT ON (hit.ord) hit.ord, hit.id AS zone_id, NULL::int4 AS via_id
        FROM hit ORDER BY hit.ord, hit.rank`
      : sql`
        SELECT chain.ord,
          (array_agg(chain.id ORDER BY chain.rank))[1] AS zone_id,
          (array_agg(chain.id ORDER BY chain.rank) FILTER (WHERE route.zone_id IS NOT NULL))[1] AS via_id
        FROM (SELECT DISTINCT ON (hit.ord, hit.kind) hit.ord, hit.id, hit.rank FROM hit ORDER BY hit.ord, hit.kind, hit.rank) chain
        LEFT JOIN category_route route ON route.zone_id = chain.id AND route.category_id = ${categoryId}
        GROUP BY chain.ord`
  const { rows } = await sql<{ ords: number[] | null; zone_ids: number[] | null; via_ids: (number | null)[] | null }>`
    WITH ranked AS (${rankedZones}),
    pt AS (${pointsRelation(lons, lats)}),
    hit AS (
      SELECT pt.ord, ranked.id, ranked.kind, ranked.rank
      FROM pt
      JOIN zone_part part ON ST_Covers(part.geom, pt.geom)
      JOIN ranked ON ranked.id = part.zone_id
    ),
    best AS (${best})
    SELECT array_agg(ord ORDER BY ord) AS ords, array_agg(zone_id ORDER BY ord) AS zone_ids, array_agg(via_id ORDER BY ord) AS via_ids
    FROM best`.execute(db)
  const row = rows[0]
  return { ords: row?.ords ?? [], zoneIds: row?.zone_ids ?? [], viaIds: row?.via_ids ?? [] }
}
