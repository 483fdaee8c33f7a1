import { area, difference, feature, featureCollection, intersect, lineString, point, pointToLineDistance, union } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { generateFrontage } from './generate-frontage.js'
import { linesOf, type Areal, type Linear, type Position } from './types.js'
import { DRAWING_REASONS, type DrawingReason } from './drawing-reasons.js'

export interface ShopDoor<K> {
  key: K
  door: Position
  widthM: number
}

export interface StreetLine<S> {
  street: S
  geometry: Linear
  widthM: number
}

export interface GeneratedStrip<K, S> {
  key: K
  street: S
  geometry: Areal
}

export interface FrontagesInput<K, S> {
  shops: ShopDoor<K>[]
  streets: StreetLine<S>[]
  /** Frontages already in place: new strips give way to them. */
  existing?: Areal[]
  /** A shop farther than this from every street centre line gets no strip. */
  maxDistanceM?: number
}

/** Less than this is a sliver left by clipping, not a frontage. */
const MIN_STRIP_M2 = 1

/**
 * The 门前三包 strips of a list of shops: each from its door to the street it faces (the nearest
 * centre line), clipped to what existing frontages leave free, and then clipped against each
 * other so that neighbours do not overlap: where two strips overlap, the overlap is split along
 * the line half-way between the two doors, each shop keeping the half on its own side.
 */
export function generateFrontagesFromShops<K, S>(input: FrontagesInput<K, S>): { strips: GeneratedStrip<K, S>[]; problems: { key: K; reason: DrawingReason }[] } {
  const maxDistanceM = input.maxDistanceM ?? 120
  const problems: { key: K; reason: DrawingReason }[] = []
  const existing = input.existing ?? []
  const taken = existing.length === 0 ? null : existing.length === 1 ? feature(existing[0]!) : union(featureCollection(existing.map((g) => feature(g))))

  const raw: { key: K; door: Position; street: S; geometry: Areal }[] = []
  for (const shop of input.shops) {
    const nearest = nearestStreet(input.streets, shop.door)
    if (!nearest || nearest.distanceM > maxDistanceM) {
      problems.push({ key: shop.key, reason: DRAWING_REASONS.noStreetNearby })
      continue
    }
    const strip = generateFrontage({ door: shop.door, street: nearest.line.geometry, streetWidthM: nearest.line.widthM, frontageWidthM: shop.widthM })
    if (!strip.valid) {
      problems.push({ key: shop.key, reason: strip.reason })
      continue
    }
    let geometry: Areal | null = strip.value
    if (taken) {
      const left = difference(featureCollection([feature(geometry), taken as Feature<Polygon | MultiPolygon>]))?.geometry
      geometry = left ? despike(left) : null
    }
    if (!geometry || area(geometry) < MIN_STRIP_M2) {
      problems.push({ key: shop.key, reason: DRAWING_REASONS.stripAlreadyOwnedByNeighbours })
      continue
    }
    raw.push({ key: shop.key, door: shop.door, street: nearest.line.street, geometry })
  }

  // Where two strips overlap, each keeps the half-plane on its own door's side. Cutting along
  // that line (it crosses the strips at a clear angle) rather than subtracting the neighbour
  // avoids the hair-thin spikes that subtracting near-parallel edges leaves behind.
  const clipped = raw.map((strip, i) => {
    let geometry: Areal | null = strip.geometry
    for (const [j, other] of raw.entries()) {
      if (i === j || !geometry) continue
      const overlap = intersect(featureCollection([feature(strip.geometry), feature(other.geometry)]))
      if (!overlap || area(overlap) < 0.01) continue
      const sameDoor = strip.door[0] === other.door[0] && strip.door[1] === other.door[1]
      if (sameDoor) {
        // Two shops at one door: the first in the list keeps the shared part.
        if (j < i) geometry = difference(featureCollection([feature(geometry), overlap]))?.geometry ?? null
        continue
      }
      geometry = intersect(featureCollection([feature(geometry), feature(halfPlaneTowards(other.door, strip.door))]))?.geometry ?? null
    }
    return { ...strip, geometry: geometry && despike(geometry) }
  })

  const strips: GeneratedStrip<K, S>[] = []
  for (const strip of clipped) {
    if (!strip.geometry || area(strip.geometry) < MIN_STRIP_M2) {
      problems.push({ key: strip.key, reason: DRAWING_REASONS.stripAlreadyOwnedByNeighbours })
      continue
    }
    strips.push({ key: strip.key, street: strip.street, geometry: dropSlivers(strip.geometry) })
  }
  return { strips, problems }
}

function nearestStreet<S>(streets: StreetLine<S>[], position: Position): { line: StreetLine<S>; distanceM: number } | null {
  let best: { line: StreetLine<S>; distanceM: number } | null = null
  for (const line of streets) {
    for (const part of linesOf(line.geometry)) {
      const d = pointToLineDistance(point(position), lineString(part), { units: 'meters' })
      if (!best || d < best.distanceM) best = { line, distanceM: d }
    }
  }
  return best
}

/**
 * The half of the plane nearer to `to` than to `from` (bounded: a square some kilometres wide,
 * which holds any frontage), in plain lon/lat with the longitude scaled by the latitude so that
 * the dividing line is the true perpendicular bisector at street scale.
 */
function halfPlaneTowards(from: Position, to: Position): Polygon {
  const scale = Math.cos((from[1]! * Math.PI) / 180)
  const mid = [(from[0]! + to[0]!) / 2, (from[1]! + to[1]!) / 2]
  const length = Math.hypot((to[0]! - from[0]!) * scale, to[1]! - from[1]!)
  const dx = ((to[0]! - from[0]!) * scale) / length
  const dy = (to[1]! - from[1]!) / length
  const reach = 0.05
  const at = (along: number, across: number): Position => [mid[0]! + (dx * along - dy * across) / scale, mid[1]! + dy * along + dx * across]
  const ring = [at(0, -reach), at(reach, -reach), at(reach, reach), at(0, reach)]
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] }
}

/**
 * Removes what boolean operations on nearly parallel edges leave in a ring: repeated points,
 * points on a straight run, and zero-width spikes (a vertex whose two edges go back along each
 * other). Works in lon/lat with the longitude scaled by the latitude, at millimetre tolerance.
 */
export function despike(geometry: Areal): Areal {
  const cleanRing = (ring: Position[]): Position[] => {
    const scale = Math.cos((ring[0]![1]! * Math.PI) / 180)
    const points = ring.slice(0, -1)
    for (let changed = true; changed && points.length > 3;) {
      changed = false
      for (let k = 0; k < points.length && points.length > 3; k++) {
        const prev = points[(k - 1 + points.length) % points.length]!
        const here = points[k]!
        const next = points[(k + 1) % points.length]!
        // Metres east and north of `prev`.
        const metres = (p: Position) => [(p[0]! - prev[0]!) * scale * 111_320, (p[1]! - prev[1]!) * 111_320] as const
        const [hx, hy] = metres(here)
        const [nx, ny] = metres(next)
        const span = Math.hypot(nx, ny)
        // How far `here` stands off the line through its neighbours: nothing for a straight run
        // or a spike; when the neighbours coincide, `here` is the tip of an out-and-back.
        const offLine = span < 1e-3 ? 0 : Math.abs(nx * hy - ny * hx) / span
        if (Math.hypot(hx, hy) < 1e-3 || offLine < 1e-3) {
          points.splice(k, 1)
          changed = true
          k--
        }
      }
    }
    return [...points, points[0]!]
  }
  // A ring cleaned down to nothing (a sliver hole, a flattened part) goes; an empty outer ring takes its holes with it.
  const cleanPolygon = (rings: Position[][]): Position[][] => {
    const cleaned = rings.map(cleanRing)
    if (area({ type: 'Polygon', coordinates: [cleaned[0]!] }) < 0.01) return []
    return [cleaned[0]!, ...cleaned.slice(1).filter((ring) => area({ type: 'Polygon', coordinates: [ring] }) >= 0.01)]
  }
  if (geometry.type === 'Polygon') {
    const cleaned = cleanPolygon(geometry.coordinates)
    return cleaned.length ? { type: 'Polygon', coordinates: cleaned } : { type: 'MultiPolygon', coordinates: [] }
  }
  return { type: 'MultiPolygon', coordinates: geometry.coordinates.map(cleanPolygon).filter((rings) => rings.length > 0) }
}

/** Clipping can leave hair-thin parts beside the real strip; keep the parts that matter. */
function dropSlivers(geometry: Areal): Areal {
  if (geometry.type === 'Polygon') return geometry
  const parts = geometry.coordinates.filter((part) => area({ type: 'Polygon', coordinates: part }) >= MIN_STRIP_M2)
  if (parts.length === 1) return { type: 'Polygon', coordinates: parts[0]! }
  return parts.length ? { type: 'MultiPolygon', coordinates: parts } : geometry
}
