import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx, ZoneRef } from '../db/database.js'
import {
  areaOnGround, asGeoJson, coveredBy, difference, interiorsMeet, intersection, intersects, lengthM, linesOf, partsOf, polygonsOf, touches, unionOf,
  type Geometry,
} from '../db/geo-sql.js'
import { assignmentInForce } from '../db/holders.js'
import { kindIn, kindRank } from '../db/kind-sql.js'
import { ancestorsOf, subtreeOf } from '../db/zone-tree.js'
import { answeringDuties, jurisdictionKinds, ownerKinds, zoneKinds, type ZoneKind } from '../kernel/zone-kinds.js'

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

/** The kind whose zones must tile a jurisdiction: its gaps, overlaps and spills are theirs. */
const tilingKind: ZoneKind = 'grid'
/** Owner zones other than the tiles (streets, segments, frontages): judged by what they reach. */
const reachingKinds = ownerKinds.filter((kind) => kind !== tilingKind)

const geom = sql.ref('geom')
const area = (alias: string) => sql.ref(`${alias}.area`)

/** The jurisdiction, its descendants, and the grids among them. */
function auditScope(jurisdictionId: number): RawBuilder<unknown> {
  return sql`
    ${subtreeOf('subtree', jurisdictionId)},
    jurisdiction AS (SELECT area FROM zone WHERE id = ${jurisdictionId}),
    grid AS (SELECT z.id, z.code, z.area FROM zone z JOIN subtree USING (id) WHERE z.kind = ${tilingKind})`
}

/**
 * Streets, segments and frontages the audit looks at: those below the jurisdiction, and those
 * whose owned area reaches into it (a street may have no parent, or belong to a neighbour and
 * cross the border). Touching the edge only does not count.
 */
function linesAndFrontagesInScope(): RawBuilder<unknown> {
  return sql`
    reaching AS (
      SELECT z.id FROM zone z JOIN subtree USING (id) WHERE ${kindIn(sql.ref('z.kind'), reachingKinds)}
      UNION
      SELECT z.id FROM zone z, jurisdiction j
      WHERE ${kindIn(sql.ref('z.kind'), reachingKinds)}
        AND ${intersects(area('z'), area('j'))}
        -- The exact test is the costly one, so it runs only for zones from outside the subtree.
        AND z.id NOT IN (SELECT id FROM subtree)
        AND NOT ${touches(area('z'), area('j'))}
    )`
}

export async function findZoneById(db: DbOrTx, id: number): Promise<(ZoneRef & { area_m2: number }) | undefined> {
  const { rows } = await sql<ZoneRef & { area_m2: number }>`
    SELECT id, kind, code, name, ${areaOnGround(sql.ref('area'))} AS area_m2 FROM zone WHERE id = ${id}`.execute(db)
  return rows[0]
}

export async function findZonesByCode(db: DbOrTx, code: string): Promise<ZoneRef[]> {
  return db.selectFrom('zone').select(['id', 'kind', 'code', 'name']).where('code', '=', code).orderBy('id').execute()
}

/** Jurisdictions, only those whose id is in `within` (a subquery: the caller's scope) when given. */
export async function listJurisdictions(db: DbOrTx, within: RawBuilder<unknown> | null = null) {
  const { rows } = await sql<{ id: number; kind: 'district' | 'subdistrict' | 'community'; code: string; name: string; parent_code: string | null }>`
    SELECT z.id, z.kind, z.code, z.name, p.code AS parent_code
    FROM zone z LEFT JOIN zone p ON p.id = z.parent_id
    WHERE ${kindIn(sql.ref('z.kind'), jurisdictionKinds)} ${within ? sql`AND z.id IN ${within}` : sql``}
    ORDER BY ${kindRank(sql.ref('z.kind'))}, z.code`.execute(db)
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
    grid_union AS (SELECT ${unionOf(sql.ref('area'))} AS area FROM grid),
    piece AS (
      SELECT ${partsOf(polygonsOf(sql`CASE WHEN u.area IS NULL THEN j.area ELSE ${difference(area('j'), area('u'))} END`))} AS geom
      FROM jurisdiction j CROSS JOIN grid_union u
    ),
    measured AS (SELECT geom, ${areaOnGround(geom)} AS area_m2 FROM piece)
    SELECT area_m2, ${asGeoJson(geom)} AS geometry,
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
      SELECT a.code AS a, b.code AS b, ${polygonsOf(intersection(area('a'), area('b')))} AS geom
      FROM grid a JOIN grid b ON a.code < b.code AND ${interiorsMeet(area('a'), area('b'))}
    ),
    measured AS (SELECT a, b, geom, ${areaOnGround(geom)} AS area_m2 FROM pair)
    SELECT a, b, area_m2, ${asGeoJson(geom)} AS geometry,
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
      SELECT g.code, ${polygonsOf(difference(area('g'), area('j')))} AS geom
      FROM grid g CROSS JOIN jurisdiction j
      WHERE NOT ${coveredBy(area('g'), area('j'))}
    ),
    measured AS (SELECT code, geom, ${areaOnGround(geom)} AS area_m2 FROM outside)
    SELECT code AS grid, area_m2, ${asGeoJson(geom)} AS geometry,
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
        CASE WHEN ${coveredBy(sql.ref('z.centerline'), area('j'))} THEN z.centerline
             ELSE ${linesOf(intersection(sql.ref('z.centerline'), area('j')))} END AS line
      FROM zone z JOIN reaching USING (id) CROSS JOIN jurisdiction j
      WHERE z.kind = 'street'
    ),
    -- Materialized: inlined, the planner re-runs the union once per street.
    segment_union AS MATERIALIZED (
      SELECT s.parent_id AS street_id, ${unionOf(area('s'))} AS area
      FROM zone s JOIN street ON street.id = s.parent_id
      WHERE s.kind = 'segment'
      GROUP BY s.parent_id
    ),
    piece AS (
      SELECT st.code, st.name, ${partsOf(linesOf(sql`CASE WHEN su.area IS NULL THEN st.line ELSE ${difference(sql.ref('st.line'), area('su'))} END`))} AS geom
      FROM street st LEFT JOIN segment_union su ON su.street_id = st.id
      WHERE NOT ST_IsEmpty(st.line)
    ),
    kept AS (
      SELECT code, name, geom, ${lengthM(geom)} AS length_m FROM piece
      WHERE ${lengthM(geom)} > ${limits.lengthToleranceM}
    ),
    per_street AS (
      SELECT code, name, sum(length_m) AS length_m, ST_LineMerge(ST_Collect(geom)) AS geom
      FROM kept GROUP BY code, name
    )
    SELECT code AS street, name, length_m, ${asGeoJson(geom)} AS geometry,
      count(*) OVER () AS total, sum(length_m) OVER () AS total_amount
    FROM per_street
    ORDER BY code
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}

/**
 * Zones in scope with no current holder of a duty their kind answers through (the kind table's
 * answeringDuties): jurisdictions a fall-back party, frontages a merchant (or a chief), everything
 * else a chief. The first of those duties is the one reported missing.
 */
export async function selectUnassignedZones(db: DbOrTx, jurisdictionId: number, limits: AuditLimits) {
  const { rows } = await sql<{ code: string; kind: string; name: string; missing: 'chief' | 'fallback' | 'merchant' } & Totals>`
    WITH RECURSIVE ${auditScope(jurisdictionId)}, ${linesAndFrontagesInScope()},
    answering (kind, missing, duties) AS (VALUES ${answeringRows()}),
    required AS (
      SELECT z.id, z.code, z.kind, z.name, answering.missing, answering.duties
      FROM zone z JOIN answering USING (kind)
      WHERE z.id IN (SELECT id FROM subtree UNION SELECT id FROM reaching)
    )
    SELECT r.code, r.kind, r.name, r.missing, count(*) OVER () AS total, 0 AS total_amount
    FROM required r
    WHERE NOT EXISTS (
      SELECT 1 FROM assignment a
      WHERE a.zone_id = r.id
        AND a.duty = ANY(r.duties)
        AND ${assignmentInForce()}
    )
    ORDER BY ${kindRank(sql.ref('r.kind'))}, r.code
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}

/** One row per kind: (kind, the duty reported missing, every duty that answers). */
function answeringRows(): RawBuilder<unknown> {
  return sql.join(
    zoneKinds.map((kind) => {
      const duties = answeringDuties(kind)
      return sql`(${kind}::text, ${duties[0]!}::text, ${[...duties]}::text[])`
    }),
  )
}

/**
 * Categories no department answers for here: not routed at the jurisdiction or any zone above it,
 * and not routed for every one of its grids by a zone on that grid's own chain (with no grids,
 * nothing below can route it).
 */
export async function selectUnassignedCategories(db: DbOrTx, jurisdictionId: number, limits: AuditLimits) {
  const { rows } = await sql<{ name: string } & Totals>`
    WITH RECURSIVE ${auditScope(jurisdictionId)},
    ${ancestorsOf('ancestor', [jurisdictionId])},
    -- Each grid and the zones above it: start_id the grid, id the zone on its chain.
    ${ancestorsOf('grid_chain', sql`(SELECT id FROM grid)`)}
    SELECT c.name, count(*) OVER () AS total, 0 AS total_amount
    FROM category c
    WHERE NOT EXISTS (
        SELECT 1 FROM category_route r JOIN ancestor a ON a.id = r.zone_id WHERE r.category_id = c.id)
      AND (
        NOT EXISTS (SELECT 1 FROM grid)
        OR EXISTS (
          SELECT 1 FROM grid g WHERE NOT EXISTS (
            SELECT 1 FROM grid_chain gc JOIN category_route r ON r.zone_id = gc.id
            WHERE gc.start_id = g.id AND r.category_id = c.id)))
    ORDER BY c.name
    LIMIT ${limits.fetch}`.execute(db)
  return rows
}
