import { sql, type Expression, type RawBuilder } from 'kysely'

/**
 * Small typed PostGIS helpers, so that queries read as sentences and no string concatenation
 * reaches SQL. Geometries are EPSG:4326; lengths and areas are on the ground (geography).
 */
export type Geometry = { type: string; coordinates?: unknown; geometries?: unknown }

export const SRID = 4326

/** A GeoJSON geometry from the caller, as a PostGIS geometry in EPSG:4326. */
export function geomFromGeoJson(geometry: Geometry): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), ${SRID})`
}

export function asGeoJson(geometry: Expression<unknown> | RawBuilder<unknown>, decimals = 7): RawBuilder<Geometry> {
  return sql<Geometry>`ST_AsGeoJSON(${geometry}, ${sql.lit(decimals)})::json`
}

export function point(lon: number, lat: number): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), ${SRID})`
}

export function stCovers(container: Expression<unknown> | RawBuilder<unknown>, contained: Expression<unknown> | RawBuilder<unknown>) {
  return sql<boolean>`ST_Covers(${container}, ${contained})`
}

/** Area on the ground, in square metres. */
export function areaM2(geometry: Expression<unknown> | RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`ST_Area(${geometry}::geography)`
}

/** Length on the ground, in metres. */
export function lengthM(geometry: Expression<unknown> | RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`ST_Length(${geometry}::geography)`
}

/** Distance on the ground, in metres. */
export function distanceM(a: Expression<unknown> | RawBuilder<unknown>, b: Expression<unknown> | RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`ST_Distance(${a}::geography, ${b}::geography)`
}

/** Whether two geometries lie within `metres` of each other on the ground. */
export function dWithinM(a: Expression<unknown> | RawBuilder<unknown>, b: Expression<unknown> | RawBuilder<unknown>, metres: number) {
  return sql<boolean>`ST_DWithin(${a}::geography, ${b}::geography, ${metres}::float8)`
}
