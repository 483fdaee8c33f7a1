import { sql } from 'kysely'
import { zoneRowColumns, type DbOrTx, type ZoneRow } from '../db/database.js'
import { areaOnGround, asGeoJson, covers, envelope, intersection, lengthM, pointOnSurface, SRID, transform, xOf, yOf, type Geometry } from '../db/geo-sql.js'
import { kindIn, kindRank } from '../db/kind-sql.js'
import { ancestorsOf, subtreeOf } from '../db/zone-tree.js'
import { jurisdictionKinds, lineKinds, signboardKinds, type ZoneKind } from '../kernel/zone-kinds.js'

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
  const { rows } = await sql<ZoneRow>`
    WITH RECURSIVE ${ancestorsOf('up', [id])}
    SELECT ${zoneRowFields('z')} FROM up JOIN zone z USING (id) WHERE up.depth > 0 ORDER BY up.depth`.execute(db)
  return rows
}

/** Jurisdictions that cover a point inside the zone, most specific first: for zones without a parent. */
export async function listEnclosingJurisdictions(db: DbOrTx, id: number): Promise<ZoneRow[]> {
  const { rows } = await sql<ZoneRow>`
    SELECT ${zoneRowFields('j')}
    FROM zone z JOIN zone j ON ${kindIn(sql.ref('j.kind'), jurisdictionKinds)}
      AND ${covers(sql.ref('j.area'), pointOnSurface(sql.ref('z.area')))}
    WHERE z.id = ${id}
    ORDER BY ${kindRank(sql.ref('j.kind'), [...jurisdictionKinds].reverse())}, ${areaOnGround(sql.ref('j.area'))}, j.code`.execute(db)
  return rows
}

export async function listChildren(db: DbOrTx, parentId: number, kind: ZoneKind): Promise<(ZoneRow & { length_m: number | null })[]> {
  const { rows } = await sql<ZoneRow & { length_m: number | null }>`
    SELECT ${zoneRowFields('zone')},
      CASE WHEN centerline IS NULL THEN NULL ELSE ${lengthM(sql.ref('centerline'))} END AS length_m
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
      AND ${lengthM(intersection(
            sql`CASE WHEN z.centerline IS NOT NULL THEN o.area ELSE z.area END`,
            sql`coalesce(z.centerline, o.centerline)`))} >= ${minLengthM}::float8
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
    SELECT ${xOf(sql.ref('p'))} AS lon, ${yOf(sql.ref('p'))} AS lat FROM (SELECT ${pointOnSurface(sql.ref('area'))} AS p FROM zone WHERE id = ${id}) s`.execute(db)
  return rows[0]!
}

export async function zoneExtent(db: DbOrTx, id: number, srid: number): Promise<{ minX: number; minY: number; maxX: number; maxY: number }> {
  const { rows } = await sql<{ minX: number; minY: number; maxX: number; maxY: number }>`
    SELECT ST_XMin(b) AS "minX", ST_YMin(b) AS "minY", ST_XMax(b) AS "maxX", ST_YMax(b) AS "maxY"
    FROM (SELECT ${transform(sql.ref('area'), srid)}::box2d AS b FROM zone WHERE id = ${id}) s`.execute(db)
  return rows[0]!
}

export interface MapFeatureRow extends ZoneRow {
  geometry: Geometry | null
  /** A point inside the zone's area, in the metric CRS, for its name. */
  label_x: number
  label_y: number
}

/**
 * What a signboard map draws: lines, the kinds signboards are made for, and the jurisdictions
 * above the district (a district's outline is off every board's map).
 */
const mapKinds = [...new Set([...lineKinds, ...signboardKinds, ...jurisdictionKinds.filter((kind) => kind !== 'district')])]

/**
 * Streets, segments, grids and jurisdictions in an extent (metres in `srid`), clipped to it and
 * given in that CRS with decimetre precision: the signboard map draws them directly.
 */
export async function listMapFeatures(
  db: DbOrTx,
  extent: { minX: number; minY: number; maxX: number; maxY: number },
  srid: number,
): Promise<MapFeatureRow[]> {
  const labelPoint = transform(pointOnSurface(sql.ref('z.area')), srid)
  const { rows } = await sql<MapFeatureRow>`
    WITH env AS (SELECT ${envelope(extent.minX, extent.minY, extent.maxX, extent.maxY, srid)} AS box)
    SELECT ${zoneRowFields('z')},
      ${asGeoJson(sql`ST_ClipByBox2D(${transform(
        sql`CASE WHEN z.centerline IS NOT NULL THEN z.centerline ELSE ST_Boundary(z.area) END`, srid)}, env.box::box2d)`, 1)} AS geometry,
      ${xOf(labelPoint)} AS label_x,
      ${yOf(labelPoint)} AS label_y
    FROM zone z, env
    WHERE ${kindIn(sql.ref('z.kind'), mapKinds)} AND z.area && ${transform(sql.ref('env.box'), SRID)}
    ORDER BY z.kind, z.code`.execute(db)
  return rows.map((row) => ({ ...row, geometry: typeof row.geometry === 'string' ? JSON.parse(row.geometry) : row.geometry }))
}

/** The zone's own outline in the metric CRS, for the highlight. */
export async function zoneOutline(db: DbOrTx, id: number, srid: number): Promise<Geometry> {
  const { rows } = await sql<{ geometry: Geometry | string }>`
    SELECT ${asGeoJson(transform(sql.ref('area'), srid), 1)} AS geometry FROM zone WHERE id = ${id}`.execute(db)
  const geometry = rows[0]!.geometry
  return typeof geometry === 'string' ? JSON.parse(geometry) : geometry
}

/** Zones of `kind` under a jurisdiction: in its tree, or without a parent but inside its area. */
export async function listZonesUnder(db: DbOrTx, rootId: number, kind: ZoneKind): Promise<ZoneRow[]> {
  const { rows } = await sql<ZoneRow>`
    WITH RECURSIVE ${subtreeOf('tree', rootId)}
    SELECT ${zoneRowFields('z')} FROM zone z
    WHERE z.kind = ${kind} AND (
      z.id IN (SELECT id FROM tree)
      OR (z.parent_id IS NULL AND EXISTS (
        SELECT 1 FROM zone r WHERE r.id = ${rootId} AND ${covers(sql.ref('r.area'), pointOnSurface(sql.ref('z.area')))}))
    )
    ORDER BY z.code`.execute(db)
  return rows
}

export async function getDutyText(db: DbOrTx, kind: ZoneKind): Promise<string | null> {
  const row = await db.selectFrom('duty_text').select('text').where('kind', '=', kind).executeTakeFirst()
  return row?.text ?? null
}

export async function putDutyText(db: DbOrTx, kind: ZoneKind, text: string): Promise<void> {
  await db
    .insertInto('duty_text')
    .values({ kind, text })
    .onConflict((conflict) => conflict.column('kind').doUpdateSet({ text: (eb) => eb.ref('excluded.text'), updated_at: sql`now()` }))
    .execute()
}
