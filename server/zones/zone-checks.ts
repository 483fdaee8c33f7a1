import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { idsIn } from '../db/sql-lists.js'
import { areaOnGround, bufferM, covers, difference, geomFromGeoJson2d, intersects, lengthM, touches, xOf, yOf, type Geometry } from '../db/geo-sql.js'
import { kindIn } from '../db/kind-sql.js'
import { kindFacts, zoneKinds, type ZoneKind } from '../kernel/zone-kinds.js'
import type { ErrorDetail } from '../errors.js'

/**
 * Checks that need PostGIS: validity of a geometry (self-intersections and the like, with the
 * place where it goes wrong), and the fit of zones in the tree (a segment on its street, a grid
 * inside its community). The importer runs the same checks for every feature it writes.
 */

/** A segment's centre line may stray this far outside its street's owned area (digitising noise). */
export const SEGMENT_TOLERANCE_M = 2
/** A grid with more than this share of its area outside its community is in the wrong place. */
export const GRID_MAX_OUTSIDE_SHARE = 0.5

/** The geometry as PostGIS sees it: 2D (GeoJSON may carry an altitude), EPSG:4326. */
export const cleanGeometry = geomFromGeoJson2d

const location = sql`(d).location`

interface ValidityRow {
  index: number
  valid: boolean
  reason: string | null
  lon: number | null
  lat: number | null
}

/**
 * OGC validity of one geometry that has passed `validateGeometry`: a self-intersecting ring, a hole
 * outside its shell, … Each problem names the location in lon/lat.
 */
export async function sqlGeometryProblems(db: DbOrTx, geometry: Geometry, field = 'geometry'): Promise<ErrorDetail[]> {
  const details = await sqlGeometryProblemsBatch(db, [{ index: 0, geometry, field }])
  return details.map(({ index: _index, ...detail }) => detail)
}

/** The same check for many geometries in one round trip; details carry each item's index. */
export async function sqlGeometryProblemsBatch(
  db: DbOrTx,
  items: { index: number; geometry: Geometry; field?: string }[],
): Promise<ErrorDetail[]> {
  if (items.length === 0) return []
  const payload = JSON.stringify(
    items.map((item) => ({ i: item.index, g: { type: item.geometry.type, coordinates: item.geometry.coordinates } })),
  )
  const { rows } = await sql<ValidityRow>`
    SELECT i AS index, (d).valid AS valid, (d).reason AS reason, ${xOf(location)} AS lon, ${yOf(location)} AS lat
    FROM (
      SELECT (e ->> 'i')::int AS i, ST_IsValidDetail(ST_Force2D(ST_GeomFromGeoJSON((e -> 'g')::text))) AS d
      FROM json_array_elements(${payload}::json) AS e
    ) checked
    WHERE NOT (d).valid`.execute(db)
  const fieldByIndex = new Map(items.map((item) => [item.index, item.field ?? 'geometry']))
  return rows.map((row) => ({
    index: row.index,
    field: fieldByIndex.get(row.index) ?? 'geometry',
    reason: `is not a valid geometry: ${row.reason ?? 'invalid'}${
      row.lon !== null && row.lat !== null ? ` at [${round(row.lon)}, ${round(row.lat)}]` : ''
    }`,
  }))
}

function round(value: number): number {
  return Math.round(value * 1e7) / 1e7
}

const centerline = sql.ref('centerline')
const allowed = sql.ref('allowed')

export interface SegmentOffStreet {
  id: number
  code: string
  street_code: string
  /** Length of the segment's centre line outside its street's area plus the tolerance. */
  outside_m: number
}

/** Segments among `zoneIds`, or belonging to a street among them, that do not lie on their street. */
export async function segmentsOffStreet(db: DbOrTx, zoneIds: readonly number[]): Promise<SegmentOffStreet[]> {
  if (zoneIds.length === 0) return []
  const { rows } = await sql<SegmentOffStreet>`
    WITH candidate AS (
      SELECT s.id, s.code, s.centerline, st.code AS street_code,
             ${bufferM(sql.ref('st.area'), SEGMENT_TOLERANCE_M)} AS allowed
      FROM zone s JOIN zone st ON st.id = s.parent_id
      WHERE s.kind = 'segment' AND (s.id IN ${idsIn(zoneIds)} OR st.id IN ${idsIn(zoneIds)})
    )
    SELECT id, code, street_code, ${lengthM(difference(centerline, allowed))} AS outside_m
    FROM candidate
    WHERE NOT ${covers(allowed, centerline)}
    ORDER BY code`.execute(db)
  return rows
}

export interface GridOutsideParent {
  id: number
  code: string
  community_code: string
  /** Share of the grid's area outside its community, 0..1. */
  outside_share: number
}

/** Grids among `zoneIds`, or in a community among them, with more than half their area outside it. */
export async function gridsOutsideParent(db: DbOrTx, zoneIds: readonly number[]): Promise<GridOutsideParent[]> {
  if (zoneIds.length === 0) return []
  const { rows } = await sql<GridOutsideParent>`
    WITH candidate AS (
      SELECT g.id, g.code, c.code AS community_code,
             ${areaOnGround(difference(sql.ref('g.area'), sql.ref('c.area')))} / NULLIF(${areaOnGround(sql.ref('g.area'))}, 0) AS outside_share
      FROM zone g JOIN zone c ON c.id = g.parent_id
      WHERE g.kind = 'grid' AND (g.id IN ${idsIn(zoneIds)} OR c.id IN ${idsIn(zoneIds)})
    )
    SELECT id, code, community_code, outside_share FROM candidate
    WHERE outside_share > ${GRID_MAX_OUTSIDE_SHARE}::float8
    ORDER BY code`.execute(db)
  return rows
}

export interface ZoneAwayFromParent {
  id: number
  code: string
  kind: string
  parent_code: string
  parent_kind: string
}

/**
 * Zones that do not reach into their parent at all (touching its edge does not count): a street
 * drawn in another city under this sub-district, a community outside its sub-district. Segments
 * and grids have stricter rules above; a boundary street, half outside, is fine; a frontage may
 * lie beside its segment rather than on it (the shop's strip outside the carriageway).
 */
/** Kinds with a stricter rule above (segments, grids), or none (frontages): every other kind with a parent gets this check. */
const notCheckedHere: readonly ZoneKind[] = ['segment', 'grid', 'frontage']
const kindsNearTheirParent = zoneKinds.filter((kind) => kindFacts(kind).parents.length > 0 && !notCheckedHere.includes(kind))

export async function zonesAwayFromParent(db: DbOrTx, zoneIds: readonly number[]): Promise<ZoneAwayFromParent[]> {
  if (zoneIds.length === 0) return []
  const { rows } = await sql<ZoneAwayFromParent>`
    SELECT z.id, z.code, z.kind, p.code AS parent_code, p.kind AS parent_kind
    FROM zone z JOIN zone p ON p.id = z.parent_id
    WHERE ${kindIn(sql.ref('z.kind'), kindsNearTheirParent)}
      AND (z.id IN ${idsIn(zoneIds)} OR p.id IN ${idsIn(zoneIds)})
      AND (NOT ${intersects(sql.ref('z.area'), sql.ref('p.area'))} OR ${touches(sql.ref('z.area'), sql.ref('p.area'))})
    ORDER BY z.kind, z.code`.execute(db)
  return rows
}
