import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx, ZoneRef } from '../db/database.js'
import type { Geometry } from '../db/geo-sql.js'
import { assignmentInForce } from '../db/holders.js'

/**
 * The audit's SQL. Every query starts from the same scope (the jurisdiction, its subtree by
 * parent links, and its grids) and does the geometry in PostGIS, with areas and lengths on the
 * ground (::geography). Lists come back ordered and cut at `limit + 1` rows, with the complete
 * count and total beside every row (window aggregates run before LIMIT), so the service can say
 * whether a list was truncated without a second query.
 */

export interface AuditLimits {
  areaToleranceM2: number
  lengthToleranceM: number
  /** Rows fetched per list: the list limit plus one, to detect truncation. */
  fetch: number
}

interface Totals {
  total: number
  total_amount: number
}


/**
 * Zones are planar in lon/lat: ST_Covers and the overlay functions treat an edge as a straight line
 * in degrees, while geography treats it as a geodesic. The two part where one grid has a vertex on
 * a long shared edge and its neighbour does not: a sliver of zero planar area measures as 100 m² or
 * more as geodesics (a 3 km diagonal gives ~130 m²). Densifying to 0.001° (~100 m) first makes the
 * measurement follow the planar edges to well under 0.01 m², and changes real areas by ~1e-8.
 */
const DENSIFY_DEGREES = 0.001

/** Area on the ground, in m², of a planar lon/lat geometry (see DENSIFY_DEGREES). */
function areaOnGround(geometry: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`ST_Area(ST_Segmentize(${geometry}, ${sql.lit(DENSIFY_DEGREES)})::geography)`
}
const geom = sql`geom`

/** The jurisdiction, its descendants, and the grids among them. */
function auditScope(jurisdictionId: number): RawBuilder<unknown> {
  return sql`
    subtree AS (
      SELECT id FROM zone WHERE id = ${jurisdictionId}
      UNION
      SELECT child.id FROM zone child JOIN subtree ON child.parent_id = subtree.id
    ),
    jurisdiction AS (SELECT area FROM zone WHERE id = ${jurisdictionId}),
    grid AS (SELECT z.id, z.code, z.area FROM zone z JOIN subtree USING (id) WHERE z.kind = 'grid')`
}

/**
 * Streets, segments and frontages the audit looks at: those below the jurisdiction, and those
 * whose owned area reaches into it (a street may have no parent, or belong to a neighbour and
 * cross the border). Touching the edge only does not count.
 */
function linesAndFrontagesInScope(): RawBuilder<unknown> {
  return sql`
    reaching AS (
      SELECT z.id FROM zone z JOIN subtree USING (id) WHERE z.kind IN ('street', 'segment', 'frontage')
      UNION
      SELECT z.id FROM zone z, jurisdiction j
      WHERE z.kind IN ('street', 'segment', 'frontage')
        AND ST_Intersects(z.area, j.area)
        -- The exact test is the costly one, so it runs only for zones from outside the subtree.
        AND z.id NOT IN (SELECT id FROM subtree)
        AND NOT ST_Touches(z.area, j.area)
    )`
}

export async function findZoneById(db: DbOrTx, id: number): Promise<(ZoneRef & { area_m2: number }) | undefined> {
  const { rows } = await sql<ZoneRef & { area_m2: number }>`
    SELECT id, kind, code, name, ${areaOnGround(sql`area`)} AS area_m2 FROM zone WHERE id = ${id}`.execute(db)
  return rows[0]
}

export async function findZonesByCode(db: DbOrTx, code: string): Promise<ZoneRef[]> {
  return db.selectFrom('zone').select(['id', 'kind', 'code', 'name']).where('code', '=', code).orderBy('id').execute()
}

export async function listJurisdictions(db: DbOrTx) {
  const { rows } = await sql<{ id: number; kind: 'district' | 'subdistrict' | 'community'; code: string; name: string; parent_code: string | null }>`
    SELECT z.id, z.kind, z.code, z.name, p.code AS parent_code
    FROM zone z LEFT JOIN zone p ON p.id = z.parent_id
    WHERE z.kind IN ('district', 'subdistrict', 'community')
    ORDER BY array_position(ARRAY['district', 'subdistrict', 'community'], z.kind), z.code`.execute(db)
  return rows
}

export async function countScope(db: DbOrTx, jurisdictionId: number) {
  const { rows } = await sql<{ grids: number; streets: number; segments: number; frontages: number }>`
    WITH RECURSIVE ${auditScope(jurisdictionId)}, ${linesAndFrontagesInScope()}
    SELECT
      (SELECT count(*) FROM grid) AS grids,
      count(*) FILTER (WHERE z.kind = 'street') AS streets,
      count(*) FILTER (WHERE z.kind = 'segment') AS segments,
      count(*) FILTER (WHERE z.kind = 'frontage') AS frontages
    FROM zone z JOIN reaching USING (id)`.execute(db)
  return rows[0] ?? { grids: 0, streets: 0, segments: 0, frontages: 0 }
}

/** Jurisdiction minus the union of its grids, one row per polygon. */
export async function selectGaps(db: DbOrTx, jurisdictionId: number, limits: AuditLimits) {
  const { rows } = await sql<{ area_m2: number; geometry: Geometry } & Totals>`
    WITH RECURSIVE ${auditScope(jurisdictionId)},
    grid_union AS (SELECT ST_Union(area) AS area FROM grid),
    piece AS (
      SELECT (ST_Dump(ST_CollectionExtract(
        CASE WHEN u.area IS NULL THEN j.area ELSE ST_Difference(j.area, u.area) END, 3))).geom AS geom
      FROM jurisdiction j CROSS JOIN grid_union u
    ),
    measured AS (SELECT geom, ${areaOnGround(geom)} AS area_m2 FROM piece)
    SELECT area_m2, ST_AsGeoJSON(geom, 7)::json AS geometry,
      count(*) OVER () AS total, sum(area_m2) OVER () AS total_amount
    FROM measured WHERE area_m2 > ${limits.areaToleranceM2}
    ORDER BY area_m2 DESC
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}

/** Pairs of grids whose interiors meet; a shared edge alone is no overlap. */
export async function selectOverlaps(db: DbOrTx, jurisdictionId: number, limits: AuditLimits) {
  const { rows } = await sql<{ a: string; b: string; area_m2: number; geometry: Geometry } & Totals>`
    WITH RECURSIVE ${auditScope(jurisdictionId)},
    pair AS (
      SELECT a.code AS a, b.code AS b, ST_CollectionExtract(ST_Intersection(a.area, b.area), 3) AS geom
      FROM grid a JOIN grid b ON a.code < b.code AND ST_Intersects(a.area, b.area) AND NOT ST_Touches(a.area, b.area)
    ),
    measured AS (SELECT a, b, geom, ${areaOnGround(geom)} AS area_m2 FROM pair)
    SELECT a, b, area_m2, ST_AsGeoJSON(geom, 7)::json AS geometry,
      count(*) OVER () AS total, sum(area_m2) OVER () AS total_amount
    FROM measured WHERE area_m2 > ${limits.areaToleranceM2}
    ORDER BY a, b
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}

/** The part of each grid outside the jurisdiction. */
export async function selectSpills(db: DbOrTx, jurisdictionId: number, limits: AuditLimits) {
  const { rows } = await sql<{ grid: string; area_m2: number; geometry: Geometry } & Totals>`
    WITH RECURSIVE ${auditScope(jurisdictionId)},
    outside AS (
      SELECT g.code, ST_CollectionExtract(ST_Difference(g.area, j.area), 3) AS geom
      FROM grid g CROSS JOIN jurisdiction j
      WHERE NOT ST_CoveredBy(g.area, j.area)
    ),
    measured AS (SELECT code, geom, ${areaOnGround(geom)} AS area_m2 FROM outside)
    SELECT code AS grid, area_m2, ST_AsGeoJSON(geom, 7)::json AS geometry,
      count(*) OVER () AS total, sum(area_m2) OVER () AS total_amount
    FROM measured WHERE area_m2 > ${limits.areaToleranceM2}
    ORDER BY code
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}

/**
 * The centre line of each street in scope, clipped to the jurisdiction, minus the owned areas of
 * the street's segments. Pieces at or below the length tolerance are the noise left where two
 * segments' flat ends meet, and are dropped before summing.
 */
export async function selectUncoveredStreets(db: DbOrTx, jurisdictionId: number, limits: AuditLimits) {
  const { rows } = await sql<{ street: string; name: string; length_m: number; geometry: Geometry } & Totals>`
    WITH RECURSIVE ${auditScope(jurisdictionId)}, ${linesAndFrontagesInScope()},
    street AS (
      SELECT z.id, z.code, z.name,
        CASE WHEN ST_CoveredBy(z.centerline, j.area) THEN z.centerline
             ELSE ST_CollectionExtract(ST_Intersection(z.centerline, j.area), 2) END AS line
      FROM zone z JOIN reaching USING (id) CROSS JOIN jurisdiction j
      WHERE z.kind = 'street'
    ),
    -- Materialized: inlined, the planner re-runs the union once per street.
    segment_union AS MATERIALIZED (
      SELECT s.parent_id AS street_id, ST_Union(s.area) AS area
      FROM zone s JOIN street ON street.id = s.parent_id
      WHERE s.kind = 'segment'
      GROUP BY s.parent_id
    ),
    piece AS (
      SELECT st.code, st.name, (ST_Dump(ST_CollectionExtract(
        CASE WHEN su.area IS NULL THEN st.line ELSE ST_Difference(st.line, su.area) END, 2))).geom AS geom
      FROM street st LEFT JOIN segment_union su ON su.street_id = st.id
      WHERE NOT ST_IsEmpty(st.line)
    ),
    kept AS (
      SELECT code, name, geom, ST_Length(geom::geography) AS length_m FROM piece
      WHERE ST_Length(geom::geography) > ${limits.lengthToleranceM}
    ),
    per_street AS (
      SELECT code, name, sum(length_m) AS length_m, ST_LineMerge(ST_Collect(geom)) AS geom
      FROM kept GROUP BY code, name
    )
    SELECT code AS street, name, length_m, ST_AsGeoJSON(geom, 7)::json AS geometry,
      count(*) OVER () AS total, sum(length_m) OVER () AS total_amount
    FROM per_street
    ORDER BY code
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}

/**
 * Zones in scope with no current holder of the duty their kind needs: jurisdictions a fall-back
 * party, frontages a merchant (or a chief), everything else a chief.
 */
export async function selectUnassignedZones(db: DbOrTx, jurisdictionId: number, limits: AuditLimits) {
  const { rows } = await sql<{ code: string; kind: string; name: string; missing: 'chief' | 'fallback' | 'merchant' } & Totals>`
    WITH RECURSIVE ${auditScope(jurisdictionId)}, ${linesAndFrontagesInScope()},
    required AS (
      SELECT z.id, z.code, z.kind, z.name,
        CASE WHEN z.kind IN ('district', 'subdistrict', 'community') THEN 'fallback'
             WHEN z.kind = 'frontage' THEN 'merchant'
             ELSE 'chief' END AS missing
      FROM zone z
      WHERE z.id IN (SELECT id FROM subtree UNION SELECT id FROM reaching)
    )
    SELECT r.code, r.kind, r.name, r.missing, count(*) OVER () AS total, 0 AS total_amount
    FROM required r
    WHERE NOT EXISTS (
      SELECT 1 FROM assignment a
      WHERE a.zone_id = r.id
        AND (a.duty = r.missing OR (r.kind = 'frontage' AND a.duty = 'chief'))
        AND ${assignmentInForce()}
    )
    ORDER BY array_position(ARRAY['district', 'subdistrict', 'community', 'grid', 'street', 'segment', 'frontage'], r.kind), r.code
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}

/**
 * Categories no department answers for here: not routed at the jurisdiction or any zone above it,
 * and not routed for every one of its grids by a zone on that grid's own chain (with no grids,
 * nothing below can route it).
 */
export async function selectUnassignedCategories(db: DbOrTx, jurisdictionId: number, limits: AuditLimits) {
  const { rows } = await sql<{ name: string } & Totals>`
    WITH RECURSIVE ${auditScope(jurisdictionId)},
    ancestor AS (
      SELECT id, parent_id FROM zone WHERE id = ${jurisdictionId}
      UNION
      SELECT p.id, p.parent_id FROM zone p JOIN ancestor ON p.id = ancestor.parent_id
    ),
    grid_chain AS (
      SELECT g.id AS grid_id, z.id AS zone_id, z.parent_id FROM grid g JOIN zone z ON z.id = g.id
      UNION
      SELECT c.grid_id, p.id, p.parent_id FROM grid_chain c JOIN zone p ON p.id = c.parent_id
    )
    SELECT c.name, count(*) OVER () AS total, 0 AS total_amount
    FROM category c
    WHERE NOT EXISTS (
        SELECT 1 FROM category_route r JOIN ancestor a ON a.id = r.zone_id WHERE r.category_id = c.id)
      AND (
        NOT EXISTS (SELECT 1 FROM grid)
        OR EXISTS (
          SELECT 1 FROM grid g WHERE NOT EXISTS (
            SELECT 1 FROM grid_chain gc JOIN category_route r ON r.zone_id = gc.zone_id
            WHERE gc.grid_id = g.id AND r.category_id = c.id)))
    ORDER BY c.name
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}
