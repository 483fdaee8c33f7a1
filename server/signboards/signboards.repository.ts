import { sql } from 'kysely'
import { zoneRowColumns, type DbOrTx, type ZoneRow } from '../db/database.js'
import { type ZoneKind } from '../kernel/zone-kinds.js'
import type { Geometry } from '../db/geo-sql.js'

/** Read-only queries behind a signboard; geometry for drawing comes back in a metric CRS. */

/** The ZoneRow columns of table alias `alias`, for the raw SQL below. */
const zoneRowFields = (alias: string) => sql.join(zoneRowColumns.map((column) => sql.ref(`${alias}.${column}`)))

export async function findZonesByCode(db: DbOrTx, code: string): Promise<ZoneRow[]> {
  return db.selectFrom('zone').select(zoneRowColumns).where('code', '=', code).execute()
}

export async function findZoneById(db: DbOrTx, id: number): Promise<ZoneRow | undefined> {
  return db.selectFrom('zone').select(zoneRowColumns).where('id', '=', id).executeTakeFirst()
}

/** The parent chain, nearest first. */
export async function listAncestors(db: DbOrTx, id: number): Promise<ZoneRow[]> {
  const { rows } = await sql<ZoneRow & { depth: number }>`
    WITH RECURSIVE up AS (
      SELECT ${zoneRowFields('z')}, 0 AS depth
      FROM zone z WHERE z.id = (SELECT parent_id FROM zone WHERE id = ${id})
      UNION ALL
      SELECT ${zoneRowFields('z')}, up.depth + 1
      FROM zone z JOIN up ON z.id = up.parent_id WHERE up.depth < 20
    )
    SELECT * FROM up ORDER BY depth`.execute(db)
  return rows
}

/** Jurisdictions that cover a point inside the zone, most specific first: for zones without a parent. */
export async function listEnclosingJurisdictions(db: DbOrTx, id: number): Promise<ZoneRow[]> {
  const { rows } = await sql<ZoneRow>`
    SELECT ${zoneRowFields('j')}
    FROM zone z JOIN zone j ON j.kind IN ('community', 'subdistrict', 'district')
      AND ST_Covers(j.area, ST_PointOnSurface(z.area))
    WHERE z.id = ${id}
    ORDER BY CASE j.kind WHEN 'community' THEN 0 WHEN 'subdistrict' THEN 1 ELSE 2 END, ST_Area(j.area), j.code`.execute(db)
  return rows
}

export async function listChildren(db: DbOrTx, parentId: number, kind: ZoneKind): Promise<(ZoneRow & { length_m: number | null })[]> {
  const { rows } = await sql<ZoneRow & { length_m: number | null }>`
    SELECT ${zoneRowFields('zone')},
      CASE WHEN centerline IS NULL THEN NULL ELSE ST_Length(centerline::geography) END AS length_m
    FROM zone WHERE parent_id = ${parentId} AND kind = ${kind}`.execute(db)
  // Natural order, so that segment 10 follows segment 9.
  return rows.sort((a, b) => a.code.localeCompare(b.code, 'zh-CN', { numeric: true }))
}

/**
 * Zones of `kind` that a street's centre line runs through, or streets that run through an area,
 * for at least `minLengthM` metres: a line along a shared border does not count for both sides.
 */
export async function listCrossing(db: DbOrTx, zoneId: number, kind: ZoneKind, minLengthM = 5): Promise<ZoneRow[]> {
  const { rows } = await sql<ZoneRow>`
    SELECT ${zoneRowFields('o')}
    FROM zone z JOIN zone o ON o.kind = ${kind} AND o.id <> z.id AND o.area && z.area
    WHERE z.id = ${zoneId}
      AND ST_Length(ST_Intersection(
            CASE WHEN z.centerline IS NOT NULL THEN o.area ELSE z.area END,
            coalesce(z.centerline, o.centerline))::geography) >= ${minLengthM}::float8
    ORDER BY o.code`.execute(db)
  return rows
}

export interface RouteRow {
  zone_id: number
  category: string
  department: string
  phone: string | null
}

export async function listCategoryRoutes(db: DbOrTx, zoneIds: number[]): Promise<RouteRow[]> {
  if (zoneIds.length === 0) return []
  return db
    .selectFrom('category_route as r')
    .innerJoin('category as c', 'c.id', 'r.category_id')
    .innerJoin('party as p', 'p.id', 'r.department_id')
    .select(['r.zone_id', 'c.name as category', 'p.name as department', 'p.phone'])
    .where('r.zone_id', 'in', zoneIds)
    .orderBy('c.name')
    .execute()
}

/** A point inside the zone (to pick the metric CRS) and its extent in that CRS. */
export async function zoneAnchor(db: DbOrTx, id: number): Promise<{ lon: number; lat: number }> {
  const { rows } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE id = ${id}) s`.execute(db)
  return rows[0]!
}

export async function zoneExtent(db: DbOrTx, id: number, srid: number): Promise<{ minX: number; minY: number; maxX: number; maxY: number }> {
  const { rows } = await sql<{ minX: number; minY: number; maxX: number; maxY: number }>`
    SELECT ST_XMin(b) AS "minX", ST_YMin(b) AS "minY", ST_XMax(b) AS "maxX", ST_YMax(b) AS "maxY"
    FROM (SELECT ST_Transform(area, ${srid}::int)::box2d AS b FROM zone WHERE id = ${id}) s`.execute(db)
  return rows[0]!
}

export interface MapFeatureRow extends ZoneRow {
  geometry: Geometry | null
  /** A point inside the zone's area, in the metric CRS, for its name. */
  label_x: number
  label_y: number
}

/**
 * Streets, segments, grids and jurisdictions in an extent (metres in `srid`), clipped to it and
 * given in that CRS with decimetre precision: the signboard map draws them directly.
 */
export async function listMapFeatures(
  db: DbOrTx,
  extent: { minX: number; minY: number; maxX: number; maxY: number },
  srid: number,
): Promise<MapFeatureRow[]> {
  const { rows } = await sql<MapFeatureRow>`
    WITH env AS (
      SELECT ST_MakeEnvelope(${extent.minX}::float8, ${extent.minY}::float8, ${extent.maxX}::float8, ${extent.maxY}::float8, ${srid}::int) AS box
    )
    SELECT ${zoneRowFields('z')},
      ST_AsGeoJSON(ST_ClipByBox2D(ST_Transform(
        CASE WHEN z.centerline IS NOT NULL THEN z.centerline ELSE ST_Boundary(z.area) END, ${srid}::int), env.box::box2d), 1)::json AS geometry,
      ST_X(ST_Transform(ST_PointOnSurface(z.area), ${srid}::int)) AS label_x,
      ST_Y(ST_Transform(ST_PointOnSurface(z.area), ${srid}::int)) AS label_y
    FROM zone z, env
    WHERE z.kind IN ('street', 'segment', 'grid', 'community', 'subdistrict') AND z.area && ST_Transform(env.box, 4326)
    ORDER BY z.kind, z.code`.execute(db)
  return rows.map((row) => ({ ...row, geometry: typeof row.geometry === 'string' ? JSON.parse(row.geometry) : row.geometry }))
}

/** The zone's own outline in the metric CRS, for the highlight. */
export async function zoneOutline(db: DbOrTx, id: number, srid: number): Promise<Geometry> {
  const { rows } = await sql<{ geometry: Geometry | string }>`
    SELECT ST_AsGeoJSON(ST_Transform(area, ${srid}::int), 1)::json AS geometry FROM zone WHERE id = ${id}`.execute(db)
  const geometry = rows[0]!.geometry
  return typeof geometry === 'string' ? JSON.parse(geometry) : geometry
}

/** Zones of `kind` under a jurisdiction: in its tree, or without a parent but inside its area. */
export async function listZonesUnder(db: DbOrTx, rootId: number, kind: ZoneKind): Promise<ZoneRow[]> {
  const { rows } = await sql<ZoneRow>`
    WITH RECURSIVE tree AS (
      SELECT id, 0 AS depth FROM zone WHERE id = ${rootId}
      UNION ALL
      SELECT z.id, tree.depth + 1 FROM zone z JOIN tree ON z.parent_id = tree.id WHERE tree.depth < 20
    )
    SELECT ${zoneRowFields('z')} FROM zone z
    WHERE z.kind = ${kind} AND (
      z.id IN (SELECT id FROM tree)
      OR (z.parent_id IS NULL AND EXISTS (
        SELECT 1 FROM zone r WHERE r.id = ${rootId} AND ST_Covers(r.area, ST_PointOnSurface(z.area))))
    )
    ORDER BY z.code`.execute(db)
  return rows
}

export async function getDutyText(db: DbOrTx, kind: ZoneKind): Promise<string | null> {
  const { rows } = await sql<{ text: string }>`SELECT text FROM duty_text WHERE kind = ${kind}`.execute(db)
  return rows[0]?.text ?? null
}

export async function putDutyText(db: DbOrTx, kind: ZoneKind, text: string): Promise<void> {
  await sql`
    INSERT INTO duty_text (kind, text) VALUES (${kind}, ${text})
    ON CONFLICT (kind) DO UPDATE SET text = EXCLUDED.text, updated_at = now()`.execute(db)
}
