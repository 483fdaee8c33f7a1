import { distance, nearestPointOnLine, point, lineString } from '@turf/turf'
import { fail, ok, type LineString, type Outcome, type Position } from './types.js'
import { DRAWING_REASONS } from './drawing-reasons.js'

/**
 * Splits a street's centre line into segments at the clicked points. Each point is moved onto the
 * line first; the new vertex is interpolated on the line's own straight piece, so every segment
 * lies exactly on the street. Points closer than `minSegmentM` to an end or to each other are
 * dropped, so no segment comes out too short to own anything.
 */
export function splitStreet(
  street: LineString,
  points: Position[],
  options: { toleranceM?: number; minSegmentM?: number } = {},
): Outcome<LineString[]> {
  const toleranceM = options.toleranceM ?? 30
  const minSegmentM = options.minSegmentM ?? 1
  const line = street.coordinates
  if (line.length < 2) return fail(DRAWING_REASONS.streetHasNoLine)
  const cumulative = [0]
  for (let i = 1; i < line.length; i++) cumulative.push(cumulative[i - 1]! + metres(line[i - 1]!, line[i]!))
  const total = cumulative[cumulative.length - 1]!

  const stops: { at: number; index: number; position: Position }[] = []
  for (const clicked of points) {
    const nearest = nearestPointOnLine(lineString(line), point(clicked), { units: 'meters' })
    if (nearest.properties.dist > toleranceM) return fail(DRAWING_REASONS.pointNotOnStreet)
    const index = Math.min(nearest.properties.index, line.length - 2)
    const a = line[index]!
    const b = line[index + 1]!
    const along = cumulative[index]! + metres(a, nearest.geometry.coordinates)
    const t = cumulative[index + 1]! > cumulative[index]! ? (along - cumulative[index]!) / (cumulative[index + 1]! - cumulative[index]!) : 0
    stops.push({ at: along, index, position: [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t] })
  }
  stops.sort((x, y) => x.at - y.at)
  const kept: typeof stops = []
  for (const stop of stops) {
    const previous = kept.length ? kept[kept.length - 1]!.at : 0
    if (stop.at - previous >= minSegmentM && total - stop.at >= minSegmentM) kept.push(stop)
  }
  if (kept.length === 0) return fail(DRAWING_REASONS.splitPointAtStreetEnd)

  const segments: LineString[] = []
  let current: Position[] = [line[0]!]
  let vertex = 1
  for (const stop of kept) {
    while (vertex <= stop.index) current.push(line[vertex++]!)
    if (!samePosition(current[current.length - 1]!, stop.position)) current.push(stop.position)
    segments.push({ type: 'LineString', coordinates: current })
    current = [stop.position]
    // A stop on a vertex already ended the previous segment there.
    if (vertex < line.length && samePosition(line[vertex]!, stop.position)) vertex++
  }
  while (vertex < line.length) current.push(line[vertex++]!)
  segments.push({ type: 'LineString', coordinates: current })
  return ok(segments)
}


function metres(a: Position, b: Position): number {
  return distance(a, b, { units: 'meters' })
}

function samePosition(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1]
}
