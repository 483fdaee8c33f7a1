import { orient2d } from 'robust-predicates'

/**
 * Point in polygon with the boundary rule of PostGIS's ST_Covers (DESIGN §4.2): a point on an edge
 * or a vertex is covered, a point in a hole is not, a point on a hole's edge is. Pure: no database.
 *
 * Polygons are flat: `coords` holds x, y pairs; ring r is points `ringStarts[r]` to
 * `ringStarts[r + 1] - 1`, closed (the last point repeats the first); a polygon is a run of rings,
 * its exterior first.
 */
export const OUTSIDE = -1
export const BOUNDARY = 0
export const INSIDE = 1
export type Position = typeof OUTSIDE | typeof BOUNDARY | typeof INSIDE

/**
 * Which side of the directed line a → b the point c lies on: negative to the left, positive to
 * the right, zero on it. Two ways of deciding it:
 *
 * - `postgisSide` is the determinant exactly as liblwgeom computes it in floating point
 *   (lw_segment_side: `(q.x - p1.x) * (p2.y - p1.y) - (p2.x - p1.x) * (q.y - p1.y)`), which is what
 *   ST_Covers decides with. It is not exact: the midpoint of an edge, rounded to doubles, lies a
 *   hair off the line, yet the rounded determinant may still come out 0, and PostGIS then counts it on
 *   the edge.
 * - `exactSide` is Shewchuk's adaptive-precision orient2d (robust-predicates), the true answer
 *   for the given doubles.
 *
 * The locator must answer what PostGIS answers, so it decides with `postgisSide` by default: the
 * same expression, from the ring's own start point, in the same IEEE doubles, gives the same zero
 * as liblwgeom. `exactSide` can be passed instead; `npm run bench:locator` counts the points on
 * which it would answer differently from PostGIS (none on the demo's vertices and edge midpoints,
 * see docs/resolution.md "In-memory locator").
 */
export type SideOf = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => number

export const postgisSide: SideOf = (ax, ay, bx, by, cx, cy) => (cx - ax) * (by - ay) - (bx - ax) * (cy - ay)

export const exactSide: SideOf = (ax, ay, bx, by, cx, cy) => orient2d(ax, ay, bx, by, cx, cy)

/**
 * Where (x, y) lies against one closed ring: the winding-number test of liblwgeom's
 * ptarray_contains_point / the interval tree behind ST_Covers (PostGIS, GPL-2.0; re-implemented
 * here from its description, not copied). Edges outside the point's latitude band are skipped; a
 * zero determinant on an edge whose box holds the point is the boundary.
 */
export function ringPosition(
  coords: Float64Array,
  firstPoint: number,
  endPoint: number,
  x: number,
  y: number,
  sideOf: SideOf = postgisSide,
): Position {
  let winding = 0
  for (let i = firstPoint; i < endPoint - 1; i++) {
    const x1 = coords[2 * i]!
    const y1 = coords[2 * i + 1]!
    const x2 = coords[2 * i + 2]!
    const y2 = coords[2 * i + 3]!
    if (y1 < y2 ? y < y1 || y > y2 : y < y2 || y > y1) continue
    if (x1 === x2 && y1 === y2) continue
    const side = sideOf(x1, y1, x2, y2, x, y)
    if (side === 0) {
      if (x1 < x2 ? x >= x1 && x <= x2 : x >= x2 && x <= x1) return BOUNDARY
    } else if (side < 0) {
      if (y1 <= y && y < y2) winding++
    } else if (y2 <= y && y < y1) winding--
  }
  return winding === 0 ? OUTSIDE : INSIDE
}

/** Where (x, y) lies against the polygon of rings `firstRing` … `endRing - 1` (exterior first). */
export function polygonPosition(
  coords: Float64Array,
  ringStarts: Int32Array,
  firstRing: number,
  endRing: number,
  x: number,
  y: number,
  sideOf: SideOf = postgisSide,
): Position {
  const outer = ringPosition(coords, ringStarts[firstRing]!, ringStarts[firstRing + 1]!, x, y, sideOf)
  if (outer !== INSIDE) return outer
  for (let ring = firstRing + 1; ring < endRing; ring++) {
    const inHole = ringPosition(coords, ringStarts[ring]!, ringStarts[ring + 1]!, x, y, sideOf)
    if (inHole === INSIDE) return OUTSIDE
    if (inHole === BOUNDARY) return BOUNDARY
  }
  return INSIDE
}

/**
 * Squared planar distance (degrees²) from (x, y) to the polygon's rings, 0 when it covers the
 * point: what PostGIS's `<->` orders geometries by.
 */
export function polygonDistanceSquared(
  coords: Float64Array,
  ringStarts: Int32Array,
  firstRing: number,
  endRing: number,
  x: number,
  y: number,
): number {
  if (polygonPosition(coords, ringStarts, firstRing, endRing, x, y) !== OUTSIDE) return 0
  let best = Infinity
  for (let ring = firstRing; ring < endRing; ring++) {
    for (let i = ringStarts[ring]!; i < ringStarts[ring + 1]! - 1; i++) {
      const d = segmentDistanceSquared(coords[2 * i]!, coords[2 * i + 1]!, coords[2 * i + 2]!, coords[2 * i + 3]!, x, y)
      if (d < best) best = d
    }
  }
  return best
}

function segmentDistanceSquared(ax: number, ay: number, bx: number, by: number, x: number, y: number): number {
  const dx = bx - ax
  const dy = by - ay
  const length2 = dx * dx + dy * dy
  let t = length2 === 0 ? 0 : ((x - ax) * dx + (y - ay) * dy) / length2
  t = t < 0 ? 0 : t > 1 ? 1 : t
  const ex = ax + t * dx - x
  const ey = ay + t * dy - y
  return ex * ex + ey * ey
}
