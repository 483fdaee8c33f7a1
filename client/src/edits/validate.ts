import { area, kinks, polygon } from '@turf/turf'
import type { Position } from 'geojson'

/**
 * Validation of a drawing, as a value: {valid, reason}, the reasons named constants. Called when
 * the planner finishes a drawing, never while it is in progress.
 */
export const DRAW_REASONS = {
  tooFewPoints: 'too_few_points',
  selfIntersecting: 'self_intersecting',
  tooSmall: 'too_small',
} as const

export type Validation = { valid: true } | { valid: false; reason: (typeof DRAW_REASONS)[keyof typeof DRAW_REASONS] }

export function validatePolygonDraft(points: Position[]): Validation {
  if (points.length < 3) return { valid: false, reason: DRAW_REASONS.tooFewPoints }
  const shape = polygon([[...points, points[0]!]])
  if (kinks(shape).features.length > 0) return { valid: false, reason: DRAW_REASONS.selfIntersecting }
  if (area(shape) < 1) return { valid: false, reason: DRAW_REASONS.tooSmall }
  return { valid: true }
}

export function validateLineDraft(points: Position[]): Validation {
  if (points.length < 2) return { valid: false, reason: DRAW_REASONS.tooFewPoints }
  return { valid: true }
}
