import { sql, type Kysely } from 'kysely'
import type { StreetFeature } from '../../server/transfer/osm-roads.js'

/**
 * The demo's areas, cut by PostGIS from the real streets: the sub-district bounded by four
 * streets, blocks between the inner streets, blocks merged into unit grids, grids grouped into
 * communities. Works in UTM zone 51N (EPSG:32651, metres) in temporary tables of the build's
 * throwaway database.
 */
// The temporary tables are not part of the schema's types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the builder's scratch tables are untyped by design
export type BuildDb = Kysely<any>

export const METRIC_SRID = 32651

export async function loadStreets(db: BuildDb, streets: StreetFeature[], alleys: Set<string>): Promise<void> {
  await sql`CREATE TEMP TABLE osm_street (
    name text PRIMARY KEY, street_class text NOT NULL, width_m float8 NOT NULL, alley boolean NOT NULL,
    geom geometry NOT NULL)`.execute(db)
  for (const street of streets) {
    const { name, street_class: streetClass, width_m: widthM } = street.properties
    await sql`INSERT INTO osm_street VALUES (${name}, ${streetClass}, ${widthM}, ${alleys.has(name)},
      ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(street.geometry)}), 4326), ${sql.lit(METRIC_SRID)}))`.execute(db)
  }
}

/**
 * The sub-district: the face enclosed by the boundary streets. Where they do not close, the edge
 * of the data's bounding box closes them. Returns whether that was needed.
 */
export async function buildBoundary(db: BuildDb, boundaryStreets: string[]): Promise<{ closedByBbox: boolean; areaM2: number }> {
  await sql`CREATE TEMP TABLE boundary AS
    WITH lines AS (
      SELECT ST_Union(geom) AS g, ST_Centroid(ST_Collect(geom)) AS middle FROM osm_street WHERE name IN (${sql.join(boundaryStreets)})
    ), frame AS (
      SELECT ST_Boundary(ST_Envelope(ST_Collect(geom))) AS g FROM osm_street
    ), faces AS (
      SELECT (ST_Dump(ST_Polygonize(ST_Union(lines.g, frame.g)))).geom AS g FROM lines, frame
    )
    SELECT faces.g AS geom, ST_Intersects(faces.g, frame.g) AS closed_by_bbox
    FROM faces, lines, frame
    WHERE ST_Covers(faces.g, lines.middle)`.execute(db)
  const { rows } = await sql<{ closed_by_bbox: boolean; area: number; count: number }>`
    SELECT bool_or(closed_by_bbox) AS closed_by_bbox, sum(ST_Area(geom)) AS area, count(*)::int AS count FROM boundary`.execute(db)
  const row = rows[0]
  if (!row || row.count !== 1) throw new Error(`the boundary streets enclose ${row?.count ?? 0} faces around their middle, expected 1`)
  return { closedByBbox: row.closed_by_bbox, areaM2: row.area }
}

/**
 * Lines along which to cut, each stretched 40 m at both ends so that a street stopping just short
 * of the next one still closes its block. They are noded with the sub-district's edge unclipped
 * (a clipped end would lie a hair off the edge and close nothing); faces outside are dropped.
 */
async function cutFaces(db: BuildDb, table: string, cutStreets: string[]): Promise<number> {
  await sql`CREATE TEMP TABLE ${sql.table(table)} AS
    WITH cuts AS (
      SELECT ST_LineExtend((ST_Dump(ST_LineMerge(geom))).geom, 40, 40) AS g FROM osm_street WHERE name IN (${sql.join(cutStreets)})
      UNION ALL SELECT ST_Boundary(geom) FROM boundary
    ), faces AS (
      SELECT (ST_Dump(ST_Polygonize(g))).geom AS g FROM (SELECT ST_Union(g) AS g FROM cuts) AS noded
    )
    SELECT row_number() OVER (ORDER BY ST_Area(faces.g) DESC)::int AS id, faces.g AS geom, NULL::int AS region
    FROM faces, boundary WHERE ST_Covers(boundary.geom, ST_PointOnSurface(faces.g))`.execute(db)
  const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM ${sql.table(table)}`.execute(db)
  return rows[0]!.count
}

/** Thin strips between the two carriageways of a dual road, and scraps, are not blocks. */
const SLIVER_M2 = 10_000
const SLIVER_ROUNDNESS = 0.12

type Partner = 'longest-edge' | 'smallest'

/** Merges face `small` into its neighbour (in the same region) chosen by `partner`; false if it has none. */
async function mergeIntoNeighbour(db: BuildDb, table: string, small: number, partner: Partner): Promise<boolean> {
  const order = partner === 'smallest'
    ? sql`ST_Area(o.geom), o.id`
    : sql`ST_Length(ST_Intersection(ST_Boundary(o.geom), ST_Boundary(s.geom))) DESC, o.id`
  const { rows } = await sql<{ neighbour: number }>`
    SELECT o.id AS neighbour FROM ${sql.table(table)} s JOIN ${sql.table(table)} o
      ON o.id <> s.id AND o.region IS NOT DISTINCT FROM s.region
     AND ST_Length(ST_Intersection(ST_Boundary(o.geom), ST_Boundary(s.geom))) > 1
    WHERE s.id = ${small} ORDER BY ${order} LIMIT 1`.execute(db)
  const neighbour = rows[0]?.neighbour
  if (neighbour === undefined) return false
  await sql`UPDATE ${sql.table(table)} SET geom = (
      SELECT ST_UnaryUnion(ST_Collect(geom)) FROM ${sql.table(table)} WHERE id IN (${small}, ${neighbour}))
    WHERE id = ${neighbour}`.execute(db)
  await sql`DELETE FROM ${sql.table(table)} WHERE id = ${small}`.execute(db)
  return true
}

/**
 * Brings every region of the table to `target` faces: slivers join the neighbour they share the
 * longest edge with; a region with too few blocks has its largest block halved across its long
 * axis (the one place a grid edge follows no street); then the smallest face joins its `partner`
 * neighbour until `target` remain.
 */
async function mergeFaces(db: BuildDb, table: string, target: number, partner: Partner): Promise<{ halved: number }> {
  const t = sql.table(table)
  for (;;) {
    const { rows } = await sql<{ id: number }>`
      SELECT id FROM ${t} WHERE ST_Area(geom) < ${SLIVER_M2}
         OR 4 * pi() * ST_Area(geom) / (ST_Perimeter(geom) ^ 2) < ${SLIVER_ROUNDNESS}
      ORDER BY ST_Area(geom), id`.execute(db)
    let merged = false
    for (const row of rows) if ((merged = await mergeIntoNeighbour(db, table, row.id, 'longest-edge'))) break
    if (!merged) break
  }
  let halved = 0
  for (;;) {
    const { rows } = await sql<{ id: number }>`
      SELECT DISTINCT ON (region) id FROM ${t} f
      WHERE (SELECT count(*) FROM ${t} o WHERE o.region IS NOT DISTINCT FROM f.region) < ${target}
      ORDER BY region, ST_Area(geom) DESC LIMIT 1`.execute(db)
    const largest = rows[0]?.id
    if (largest === undefined) break
    await halve(db, table, largest)
    halved++
  }
  for (;;) {
    const { rows } = await sql<{ id: number }>`
      SELECT id FROM ${t} f
      WHERE (SELECT count(*) FROM ${t} o WHERE o.region IS NOT DISTINCT FROM f.region) > ${target}
      ORDER BY ST_Area(geom), id LIMIT 1`.execute(db)
    const smallest = rows[0]?.id
    if (smallest === undefined || !(await mergeIntoNeighbour(db, table, smallest, partner))) break
  }
  // A block far smaller than its community's others joins a neighbour, and the largest is halved.
  for (let round = 0; round < 4 && partner === 'longest-edge'; round++) {
    const { rows } = await sql<{ small: number; large: number }>`
      WITH f AS (SELECT id, region, ST_Area(geom) AS area, avg(ST_Area(geom)) OVER (PARTITION BY region) AS mean FROM ${t})
      SELECT (SELECT id FROM f s WHERE s.region = f.region ORDER BY area LIMIT 1) AS small,
             (SELECT id FROM f l WHERE l.region = f.region ORDER BY area DESC LIMIT 1) AS large
      FROM f WHERE area < 0.45 * mean ORDER BY area LIMIT 1`.execute(db)
    const pair = rows[0]
    if (!pair || !(await mergeIntoNeighbour(db, table, pair.small, 'longest-edge'))) break
    const { rows: largest } = await sql<{ id: number }>`
      SELECT id FROM ${t} WHERE region IS NOT DISTINCT FROM (SELECT region FROM ${t} WHERE id = ${pair.large})
      ORDER BY ST_Area(geom) DESC LIMIT 1`.execute(db)
    await halve(db, table, largest[0]!.id)
    halved++
  }
  return { halved }
}

/** Cuts a face in two across the long side of its oriented bounding box, through its centre. */
async function halve(db: BuildDb, table: string, id: number): Promise<void> {
  const t = sql.table(table)
  await sql`INSERT INTO ${t} (id, geom, region)
    WITH f AS (SELECT geom, region, ST_ExteriorRing(ST_OrientedEnvelope(geom)) AS box FROM ${t} WHERE id = ${id}),
    axis AS (
      SELECT f.*, CASE WHEN ST_Distance(ST_PointN(box, 1), ST_PointN(box, 2)) >= ST_Distance(ST_PointN(box, 2), ST_PointN(box, 3))
        THEN ARRAY[ST_PointN(box, 1), ST_PointN(box, 2), ST_PointN(box, 3), ST_PointN(box, 4)]
        ELSE ARRAY[ST_PointN(box, 2), ST_PointN(box, 3), ST_PointN(box, 4), ST_PointN(box, 1)] END AS corners
      FROM f
    ),
    blade AS (
      SELECT axis.*, ST_MakeLine(ST_LineInterpolatePoint(ST_MakeLine(corners[1], corners[2]), 0.5),
                                 ST_LineInterpolatePoint(ST_MakeLine(corners[4], corners[3]), 0.5)) AS cut
      FROM axis
    )
    SELECT (SELECT max(id) FROM ${t}) + (row_number() OVER ())::int, piece, region
    FROM (SELECT (ST_Dump(ST_Split(geom, ST_LineExtend(cut, 10, 10)))).geom AS piece, region FROM blade) AS pieces`.execute(db)
  await sql`DELETE FROM ${t} WHERE id = ${id}`.execute(db)
}

/**
 * Communities first (the sub-district cut along its main streets; the smallest region joins its
 * smallest neighbour, to keep communities of similar size), then blocks cut along every inner
 * street, each put in the community that holds it and merged to `gridsPerCommunity` per community.
 */
export async function buildGrids(
  db: BuildDb,
  options: { communityCuts: string[]; gridCuts: string[]; communities: number; gridsPerCommunity: number },
): Promise<{ blocks: number; regions: number; halved: number }> {
  const regions = await cutFaces(db, 'region', options.communityCuts)
  await mergeFaces(db, 'region', options.communities, 'smallest')
  const blocks = await cutFaces(db, 'block', [...new Set([...options.communityCuts, ...options.gridCuts])])
  await sql`UPDATE block b SET region = r.id FROM region r WHERE ST_Covers(r.geom, ST_PointOnSurface(b.geom))`.execute(db)
  const { halved } = await mergeFaces(db, 'block', options.gridsPerCommunity, 'longest-edge')
  const { rows } = await sql<{ region: number | null; count: number }>`
    SELECT region, count(*)::int AS count FROM block GROUP BY region ORDER BY region`.execute(db)
  if (rows.length !== options.communities || rows.some((row) => row.region === null || row.count !== options.gridsPerCommunity)) {
    throw new Error(`grids per community came out as ${JSON.stringify(rows)}`)
  }
  return { blocks, regions, halved }
}

export interface BuiltArea {
  id: number
  region: number | null
  geometry: { type: string; coordinates: unknown }
  x: number
  y: number
  south: number
  north: number
  areaM2: number
}

/**
 * Grids in lon/lat on a 1e-7° grid (about 1 cm, what the file keeps), then communities and the
 * sub-district as exact unions of the rounded grids, so that the demo's own audit finds no gap
 * and no overlap.
 */
export async function finishAreas(db: BuildDb): Promise<{ grids: BuiltArea[]; communities: BuiltArea[]; subdistrict: BuiltArea }> {
  await sql`CREATE TEMP TABLE grid AS
    SELECT id, region, ST_Multi(ST_ReducePrecision(ST_Transform(geom, 4326), 1e-7)) AS geom FROM block`.execute(db)
  await sql`CREATE TEMP TABLE community AS
    SELECT region AS id, region, ST_Multi(ST_ReducePrecision(ST_UnaryUnion(ST_Collect(geom)), 1e-7)) AS geom
    FROM grid GROUP BY region`.execute(db)
  await sql`CREATE TEMP TABLE subdistrict AS
    SELECT 0 AS id, NULL::int AS region, ST_Multi(ST_ReducePrecision(ST_UnaryUnion(ST_Collect(geom)), 1e-7)) AS geom
    FROM community`.execute(db)
  const read = async (table: string) =>
    (
      await sql<BuiltArea>`
        SELECT id, region, ST_AsGeoJSON(geom, 7)::json AS geometry, ST_X(ST_PointOnSurface(geom)) AS x,
               ST_Y(ST_PointOnSurface(geom)) AS y, ST_YMin(geom) AS south, ST_YMax(geom) AS north,
               ST_Area(geom::geography) AS "areaM2"
        FROM ${sql.table(table)} ORDER BY id`.execute(db)
    ).rows
  const [subdistrict] = await read('subdistrict')
  return { grids: await read('grid'), communities: await read('community'), subdistrict: subdistrict! }
}
