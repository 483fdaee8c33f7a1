import { feature, featureCollection, union } from '@turf/turf'
import { fail, ok, type Areal, type Outcome } from './types.js'

/**
 * Merges neighbouring grids into one. Grids that do not touch would make a scattered grid, which
 * a planner almost never means, so that is refused.
 */
export function mergeGrids(grids: Areal[]): Outcome<Areal> {
  if (grids.length < 2) return fail(MERGE_REASONS.needTwo)
  const merged = union(featureCollection(grids.map((g) => feature(g))))
  if (!merged) return fail(MERGE_REASONS.needTwo)
  if (merged.geometry.type === 'MultiPolygon' && merged.geometry.coordinates.length > 1) return fail(MERGE_REASONS.notTouching)
  const geometry: Areal = merged.geometry.type === 'MultiPolygon'
    ? { type: 'Polygon', coordinates: merged.geometry.coordinates[0]! }
    : merged.geometry
  return ok(geometry)
}

export const MERGE_REASONS = {
  needTwo: 'merge_needs_two_grids',
  notTouching: 'grids_do_not_touch',
} as const
