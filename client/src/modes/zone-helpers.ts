import { bbox, booleanPointInPolygon, centroid, point, pointToLineDistance, lineString } from '@turf/turf'
import type { Geometry, Position } from 'geojson'
import type { ZoneFeature, ZoneKind } from '../api/types.js'
import { lineKindsBySpecificity } from '../kinds/zone-kinds.js'
import { linesOf, ringsOf, type Areal, type Linear } from '../geometry/types.js'

/** Small look-ups over the zones on the map, used by the editing modes. */

export function isAreal(geometry: Geometry): geometry is Areal {
  return geometry.type === 'Polygon' || geometry.type === 'MultiPolygon'
}

export function isLinear(geometry: Geometry): geometry is Linear {
  return geometry.type === 'LineString' || geometry.type === 'MultiLineString'
}

/** The most specific zone of one of `kinds` whose area covers the position. */
export function containingZone(zones: ZoneFeature[], position: Position, kinds: readonly ZoneKind[]): ZoneFeature | undefined {
  const here = point(position)
  const order = (kind: ZoneKind) => kinds.indexOf(kind)
  return zones
    .filter((z) => kinds.includes(z.properties.kind) && isAreal(z.geometry) && booleanPointInPolygon(here, z.geometry))
    .sort((a, b) => order(a.properties.kind) - order(b.properties.kind))[0]
}

export function centreOf(geometry: Geometry): Position {
  return centroid(geometry).geometry.coordinates
}

/** The street or segment whose centre line is nearest to the position, with its distance. */
export function nearestLineZone(zones: ZoneFeature[], position: Position, kinds: readonly ZoneKind[] = lineKindsBySpecificity): { zone: ZoneFeature; distanceM: number } | null {
  let best: { zone: ZoneFeature; distanceM: number } | null = null
  for (const zone of zones) {
    if (!kinds.includes(zone.properties.kind) || !isLinear(zone.geometry)) continue
    for (const line of linesOf(zone.geometry)) {
      const d = pointToLineDistance(point(position), lineString(line), { units: 'meters' })
      if (!best || d < best.distanceM - 0.01 || (Math.abs(d - best.distanceM) <= 0.01 && kinds.indexOf(zone.properties.kind) < kinds.indexOf(best.zone.properties.kind))) best = { zone, distanceM: d }
    }
  }
  return best
}

/** Lines and rings near a position that a drawn vertex may snap to. */
export function snapTargets(zones: ZoneFeature[], position: Position, kinds: readonly ZoneKind[], reachDegrees = 0.002): Position[][] {
  const targets: Position[][] = []
  for (const zone of zones) {
    if (!kinds.includes(zone.properties.kind)) continue
    const [w, s, e, n] = bbox(zone.geometry)
    if (position[0]! < w - reachDegrees || position[0]! > e + reachDegrees || position[1]! < s - reachDegrees || position[1]! > n + reachDegrees) continue
    if (isAreal(zone.geometry)) targets.push(...ringsOf(zone.geometry))
    else if (isLinear(zone.geometry)) targets.push(...linesOf(zone.geometry))
  }
  return targets
}

/**
 * The next free code under a parent: the parent's code and a two-digit sequence after the highest
 * one in use (CJ/T 213 numbering for grids; the same shape for segments and frontages).
 */
export function nextChildCode(zones: ZoneFeature[], kind: ZoneKind, prefix: string, taken: Set<string> = new Set()): string {
  let sequence = 0
  for (const zone of zones) {
    if (zone.properties.kind !== kind || !zone.properties.code.startsWith(prefix)) continue
    const rest = zone.properties.code.slice(prefix.length)
    if (/^\d+$/.test(rest)) sequence = Math.max(sequence, Number(rest))
  }
  for (;;) {
    sequence++
    const code = `${prefix}${String(sequence).padStart(2, '0')}`
    if (!taken.has(code) && !zones.some((z) => z.properties.kind === kind && z.properties.code === code)) return code
  }
}

export function childrenOf(zones: ZoneFeature[], parentId: number, kind?: ZoneKind): ZoneFeature[] {
  return zones.filter((z) => z.properties.parent_id === parentId && (!kind || z.properties.kind === kind))
}
