import { feature, featureCollection, union } from '@turf/turf'
import { fail, ok, type Areal, type Outcome } from './types.js'
import { DRAWING_REASONS } from './drawing-reasons.js'

/**
 * Merges neighbouring grids into one. Grids that do not touch would make a scattered grid, which
 * a planner almost never means, so that is refused.
 */
export function mergeGrids(grids: Areal[]): Outcome<Areal> {
  if (grids.length < 2) return fail(DRAWING_REASONS.mergeNeedsTwoGrids)
  const merged = union(featureCollection(grids.map((g) => feature(g))))
  if (!merged) return fail(DRAWING_REASONS.mergeNeedsTwoGrids)
  if (merged.geometry.type === 'MultiPolygon' && merged.geometry.coordinates.length > 1) return fail(DRAWING_REASONS.gridsDoNotTouch)
  const geometry: Areal = merged.geometry.type === 'MultiPolygon'
    ? { type: 'Polygon', coordinates: merged.geometry.coordinates[0]! }
    : merged.geometry
  return ok(geometry)
}

