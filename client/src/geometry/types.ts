import type { LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson'
import type { DrawingReason } from './drawing-reasons.js'

export type { LineString, MultiLineString, MultiPolygon, Polygon, Position }
export type Areal = Polygon | MultiPolygon
export type Linear = LineString | MultiLineString

/** What a geometry verb answers when it cannot do its job: a value, never a throw. */
export type Outcome<T> = { valid: true; value: T } | { valid: false; reason: DrawingReason }

export const ok = <T>(value: T): Outcome<T> => ({ valid: true, value })
export const fail = <T>(reason: DrawingReason): Outcome<T> => ({ valid: false, reason })

/** Every ring (outer and holes) of a polygon or multipolygon. */
export function ringsOf(geometry: Areal): Position[][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()
}

export function partsOf(geometry: Areal): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
}

export function linesOf(geometry: Linear): Position[][] {
  return geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates
}
