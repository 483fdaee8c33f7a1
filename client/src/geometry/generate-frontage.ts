import { bearing, destination, difference, feature, featureCollection, nearestPointOnLine, point, lineString, union } from '@turf/turf'
import { fail, ok, linesOf, type Areal, type Linear, type Outcome, type Position } from './types.js'
import { DRAWING_REASONS } from './drawing-reasons.js'

export interface FrontageInput {
  /** Where the shop's door is. */
  door: Position
  /** The centre line of the street the shop faces. */
  street: Linear
  /** The street's width: it owns half of it on each side of the centre line. */
  streetWidthM: number
  /** How wide the shop front is, along the street. */
  frontageWidthM: number
  /** Frontages already drawn nearby: the new strip is clipped so that it does not overlap them. */
  neighbours?: Areal[]
}

/**
 * The 门前三包 strip of a shop: from its door to the edge of the street it faces, as wide as the
 * shop front and running parallel to the street at the door, minus whatever neighbouring strips
 * already own.
 */
export function generateFrontage(input: FrontageInput): Outcome<Areal> {
  if (!(input.frontageWidthM > 0) || !(input.streetWidthM > 0)) return fail(DRAWING_REASONS.widthMustBePositive)
  const doorPoint = point(input.door)
  let best: { position: Position; distanceM: number; line: Position[]; index: number } | null = null
  for (const line of linesOf(input.street)) {
    const nearest = nearestPointOnLine(lineString(line), doorPoint, { units: 'meters' })
    if (!best || nearest.properties.dist < best.distanceM) {
      best = { position: nearest.geometry.coordinates, distanceM: nearest.properties.dist, line, index: nearest.properties.index }
    }
  }
  if (!best) return fail(DRAWING_REASONS.noStreetNearby)
  const halfWidth = input.streetWidthM / 2
  const depthM = best.distanceM - halfWidth
  if (depthM < 0.5) return fail(DRAWING_REASONS.doorIsOnTheStreet)
  if (depthM > 100) return fail(DRAWING_REASONS.doorTooFarFromStreet)

  const a = best.line[Math.min(best.index, best.line.length - 2)]!
  const b = best.line[Math.min(best.index, best.line.length - 2) + 1]!
  const along = bearing(a, b)
  const towardsStreet = bearing(input.door, best.position)
  const half = input.frontageWidthM / 2
  const edge = destination(input.door, depthM, towardsStreet, { units: 'meters' }).geometry.coordinates
  const corners = [
    destination(input.door, half, along, { units: 'meters' }),
    destination(edge, half, along, { units: 'meters' }),
    destination(edge, half, along + 180, { units: 'meters' }),
    destination(input.door, half, along + 180, { units: 'meters' }),
  ].map((c) => c.geometry.coordinates)
  const strip: Areal = { type: 'Polygon', coordinates: [[...corners, corners[0]!]] }
  const neighbours = input.neighbours ?? []
  if (neighbours.length === 0) return ok(strip)
  const taken = neighbours.length === 1
    ? feature(neighbours[0]!)
    : union(featureCollection(neighbours.map((n) => feature(n))))
  if (!taken) return ok(strip)
  const remaining = difference(featureCollection([feature(strip), taken]))
  if (!remaining) return fail(DRAWING_REASONS.stripAlreadyOwnedByNeighbours)
  return ok(remaining.geometry)
}

