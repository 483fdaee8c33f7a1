import { sql, type Expression, type RawBuilder } from 'kysely'

/**
 * Small typed PostGIS helpers, so that queries read as sentences and no string concatenation
 * reaches SQL. Geometries are EPSG:4326; lengths and areas are on the ground (geography).
 */
export type Geometry = { type: string; coordinates?: unknown; geometries?: unknown }

export const SRID = 4326

/** A geometry in SQL: a column reference, a subquery or another helper's result. */
export type GeometrySql = Expression<unknown> | RawBuilder<unknown>

/** A GeoJSON geometry from the caller, as a PostGIS geometry in EPSG:4326. */
export function geomFromGeoJson(geometry: Geometry): RawBuilder<unknown> {
  return geomFromGeoJsonText(sql`${JSON.stringify(geometry)}`)
}

/** GeoJSON text already in SQL (a column, an unnested parameter), as a geometry in EPSG:4326. */
export function geomFromGeoJsonText(text: GeometrySql): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_GeomFromGeoJSON(${text}), ${SRID})`
}

/** The geometry as the columns take it: 2D (GeoJSON may carry an altitude), EPSG:4326. */
export function geomFromGeoJson2d(geometry: Geometry): RawBuilder<unknown> {
  const plain = JSON.stringify({ type: geometry.type, coordinates: geometry.coordinates })
  return sql`ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(${plain}::text)), ${SRID})`
}

/** A point's coordinates: lon and lat in EPSG:4326, x and y in a projected CRS. */
export function xOf(point: GeometrySql): RawBuilder<number> {
  return sql<number>`ST_X(${point})`
}

export function yOf(point: GeometrySql): RawBuilder<number> {
  return sql<number>`ST_Y(${point})`
}

/** The geometry as GeoJSON, `decimals` digits after the point (7: ~1 cm in degrees, 1: 10 cm in metres). */
export function asGeoJson(geometry: GeometrySql, decimals = 7): RawBuilder<Geometry> {
  return sql<Geometry>`ST_AsGeoJSON(${geometry}, ${sql.lit(decimals)})::json`
}

export function point(lon: number, lat: number): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), ${SRID})`
}

/** An empty multipolygon: what a line's area column holds until the trigger derives it. */
export function emptyArea(): RawBuilder<unknown> {
  return sql`ST_GeomFromText('MULTIPOLYGON EMPTY', ${SRID})`
}

/** A polygon as the one-part multipolygon an area column holds. */
export function asMulti(geometry: GeometrySql): RawBuilder<unknown> {
  return sql`ST_Multi(${geometry})`
}

/** A multi-geometry of one part as that part (what editors and files expect), else unchanged. */
export function simplest(geometry: GeometrySql): RawBuilder<unknown> {
  return sql`CASE WHEN ST_NumGeometries(${geometry}) = 1 THEN ST_GeometryN(${geometry}, 1) ELSE ${geometry} END`
}

/** A box from corner coordinates, in `srid` (degrees by default). */
export function envelope(west: number, south: number, east: number, north: number, srid = SRID): RawBuilder<unknown> {
  return sql`ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, ${srid}::int)`
}

/** Boundary included (DESIGN §4.2): a point on the edge is covered. */
export function covers(container: GeometrySql, contained: GeometrySql): RawBuilder<boolean> {
  return sql<boolean>`ST_Covers(${container}, ${contained})`
}

export function coveredBy(contained: GeometrySql, container: GeometrySql): RawBuilder<boolean> {
  return sql<boolean>`ST_CoveredBy(${contained}, ${container})`
}

export function intersects(a: GeometrySql, b: GeometrySql): RawBuilder<boolean> {
  return sql<boolean>`ST_Intersects(${a}, ${b})`
}

/** Whether they share boundary points only, no interior point. */
export function touches(a: GeometrySql, b: GeometrySql): RawBuilder<boolean> {
  return sql<boolean>`ST_Touches(${a}, ${b})`
}

/** Whether the interiors meet: two zones that only share an edge or a corner do not. */
export function interiorsMeet(a: GeometrySql, b: GeometrySql): RawBuilder<boolean> {
  return sql<boolean>`(ST_Intersects(${a}, ${b}) AND NOT ST_Touches(${a}, ${b}))`
}

/** A point guaranteed to lie on the geometry (a centroid may fall outside). */
export function pointOnSurface(geometry: GeometrySql): RawBuilder<unknown> {
  return sql`ST_PointOnSurface(${geometry})`
}

export function transform(geometry: GeometrySql, srid: number): RawBuilder<unknown> {
  return sql`ST_Transform(${geometry}, ${srid}::int)`
}

/** The polygons (3), lines (2) or points (1) of an overlay's result, as one multi-geometry. */
export function polygonsOf(geometry: GeometrySql): RawBuilder<unknown> {
  return sql`ST_CollectionExtract(${geometry}, 3)`
}

export function linesOf(geometry: GeometrySql): RawBuilder<unknown> {
  return sql`ST_CollectionExtract(${geometry}, 2)`
}

export function intersection(a: GeometrySql, b: GeometrySql): RawBuilder<unknown> {
  return sql`ST_Intersection(${a}, ${b})`
}

export function difference(a: GeometrySql, b: GeometrySql): RawBuilder<unknown> {
  return sql`ST_Difference(${a}, ${b})`
}

/** The aggregate union of a column over a group. */
export function unionOf(geometry: GeometrySql): RawBuilder<unknown> {
  return sql`ST_Union(${geometry})`
}

/** Each part of a multi-geometry as its own row (a set-returning expression). */
export function partsOf(geometry: GeometrySql): RawBuilder<unknown> {
  return sql`(ST_Dump(${geometry})).geom`
}

/** The geometry widened by `metres` on the ground on every side. */
export function bufferM(geometry: GeometrySql, metres: GeometrySql | number): RawBuilder<unknown> {
  return sql`ST_Buffer(${geometry}::geography, ${metres}::float8)::geometry`
}

/**
 * Zones are planar in lon/lat: ST_Covers and the overlay functions treat an edge as a straight line
 * in degrees, while geography treats it as a geodesic. The two part where one grid has a vertex on
 * a long shared edge and its neighbour does not: a sliver of zero planar area measures as 100 m² or
 * more as geodesics (a 3 km diagonal gives ~130 m²). Densifying to 0.001° (~100 m) first makes the
 * measurement follow the planar edges to well under 0.01 m², and changes real areas by ~1e-8.
 */
const DENSIFY_DEGREES = 0.001

/** Area on the ground, in m², of a planar lon/lat geometry (see DENSIFY_DEGREES): the one way areas are measured. */
export function areaOnGround(geometry: GeometrySql): RawBuilder<number> {
  return sql<number>`ST_Area(ST_Segmentize(${geometry}, ${sql.lit(DENSIFY_DEGREES)})::geography)`
}

/** Length on the ground, in metres. */
export function lengthM(geometry: GeometrySql): RawBuilder<number> {
  return sql<number>`ST_Length(${geometry}::geography)`
}

/** Distance on the ground, in metres. */
export function distanceM(a: GeometrySql, b: GeometrySql): RawBuilder<number> {
  return sql<number>`ST_Distance(${a}::geography, ${b}::geography)`
}

/** Whether two geometries lie within `metres` of each other on the ground. */
export function dWithinM(a: GeometrySql, b: GeometrySql, metres: number): RawBuilder<boolean> {
  return sql<boolean>`ST_DWithin(${a}::geography, ${b}::geography, ${metres}::float8)`
}
