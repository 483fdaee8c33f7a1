import { area, kinks, polygon } from '@turf/turf'
import type { Position } from 'geojson'
import { DRAWING_REASONS, type DrawingReason } from '../geometry/drawing-reasons.js'

/**
 * Validation of a drawing, as a value: {valid, reason}, the reasons named constants
 * (geometry/drawing-reasons.ts). Called when the planner finishes a drawing, never while it is in
 * progress.
 */
export type Validation = { valid: true } | { valid: false; reason: DrawingReason }

export function validatePolygonDraft(points: Position[]): Validation {
  if (points.length < 3) return { valid: false, reason: DRAWING_REASONS.tooFewPoints }
  const shape = polygon([[...points, points[0]!]])
  if (kinks(shape).features.length > 0) return { valid: false, reason: DRAWING_REASONS.selfIntersecting }
  if (area(shape) < 1) return { valid: false, reason: DRAWING_REASONS.tooSmall }
  return { valid: true }
}

export function validateLineDraft(points: Position[]): Validation {
  if (points.length < 2) return { valid: false, reason: DRAWING_REASONS.tooFewPoints }
  return { valid: true }
}
