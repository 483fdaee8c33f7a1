import { distance, lineString, nearestPointOnLine, point } from '@turf/turf'
import type { Position } from './types.js'

export interface Snapped {
  position: Position
  /** What the position snapped to: a neighbour's vertex beats a point on its edge. */
  to: 'vertex' | 'edge' | null
}

/**
 * Snaps a drawn vertex to the nearest vertex of the neighbouring lines and rings within
 * `toleranceM`, or else onto the nearest edge, so that a new grid shares its neighbours' edges
 * instead of leaving a sliver between them.
 */
export function snapPosition(position: Position, neighbours: Position[][], toleranceM: number): Snapped {
  let bestVertex: { position: Position; d: number } | null = null
  for (const line of neighbours) {
    for (const vertex of line) {
      const d = distance(position, vertex, { units: 'meters' })
      if (d <= toleranceM && (!bestVertex || d < bestVertex.d)) bestVertex = { position: vertex, d }
    }
  }
  if (bestVertex) return { position: bestVertex.position, to: 'vertex' }
  let bestEdge: { position: Position; d: number } | null = null
  for (const line of neighbours) {
    if (line.length < 2) continue
    const nearest = nearestPointOnLine(lineString(line), point(position), { units: 'meters' })
    const d = nearest.properties.dist
    if (d <= toleranceM && (!bestEdge || d < bestEdge.d)) bestEdge = { position: nearest.geometry.coordinates, d }
  }
  if (bestEdge) return { position: bestEdge.position, to: 'edge' }
  return { position, to: null }
}
