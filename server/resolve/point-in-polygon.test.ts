import { describe, expect, it } from 'vitest'
import { BOUNDARY, exactSide, INSIDE, OUTSIDE, polygonDistanceSquared, polygonPosition, postgisSide, ringPosition } from './point-in-polygon.js'

/** Flat rings from [[x, y], …] lists, each closed by repeating its first point. */
function polygon(...rings: [number, number][][]) {
  const coords: number[] = []
  const starts: number[] = []
  for (const ring of rings) {
    starts.push(coords.length / 2)
    for (const [x, y] of [...ring, ring[0]!]) coords.push(x, y)
  }
  starts.push(coords.length / 2)
  return { coords: Float64Array.from(coords), starts: Int32Array.from(starts), rings: rings.length }
}

const square = polygon(
  [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
  ],
  // A hole, clockwise as holes go.
  [
    [4, 4],
    [4, 6],
    [6, 6],
    [6, 4],
  ],
)
const at = (x: number, y: number) => polygonPosition(square.coords, square.starts, 0, square.rings, x, y)

describe('point in polygon with the ST_Covers boundary rule', () => {
  it('puts a point inside the exterior and outside the hole inside', () => expect(at(2, 3)).toBe(INSIDE))
  it('puts a point beyond the exterior outside', () => expect(at(11, 3)).toBe(OUTSIDE))
  it('puts a point on an edge, a horizontal edge included, on the boundary', () => {
    expect(at(10, 3)).toBe(BOUNDARY)
    expect(at(3, 0)).toBe(BOUNDARY)
    expect(at(0, 7.5)).toBe(BOUNDARY)
  })
  it('puts every vertex of the exterior and of the hole on the boundary', () => {
    for (const [x, y] of [[0, 0], [10, 0], [10, 10], [0, 10], [4, 4], [6, 6]] as const) expect(at(x, y)).toBe(BOUNDARY)
  })
  it('puts a point in the hole outside and one on the hole edge on the boundary', () => {
    expect(at(5, 5)).toBe(OUTSIDE)
    expect(at(5, 6)).toBe(BOUNDARY)
  })
  it('does not take a point on the line through an edge, beyond its end, for the boundary', () => {
    expect(at(12, 0)).toBe(OUTSIDE)
    expect(at(10, -1)).toBe(OUTSIDE)
  })
  it('takes a negative side for a point left of the edge, in both predicates', () => {
    expect(Math.sign(exactSide(0, 0, 1, 0, 0.5, 1))).toBe(-1)
    expect(Math.sign(postgisSide(0, 0, 1, 0, 0.5, 1))).toBe(-1)
    expect(Math.sign(exactSide(0, 0, 1, 0, 0.5, -1))).toBe(1)
    expect(Math.sign(postgisSide(0, 0, 1, 0, 0.5, -1))).toBe(1)
  })
  it('measures the planar distance to the nearest edge, and 0 for a covered point', () => {
    expect(polygonDistanceSquared(square.coords, square.starts, 0, square.rings, 13, 14)).toBeCloseTo(25, 12) // to the corner (10, 10)
    expect(polygonDistanceSquared(square.coords, square.starts, 0, square.rings, 5, 5)).toBeCloseTo(1, 12) // from the hole's centre to its edge
    expect(polygonDistanceSquared(square.coords, square.starts, 0, square.rings, 2, 2)).toBe(0)
  })
  it('counts a ring however it winds', () => {
    const clockwise = polygon([
      [0, 0],
      [0, 10],
      [10, 10],
      [10, 0],
    ])
    expect(ringPosition(clockwise.coords, 0, 5, 5, 5)).toBe(INSIDE)
    expect(ringPosition(clockwise.coords, 0, 5, 0, 5)).toBe(BOUNDARY)
    expect(ringPosition(clockwise.coords, 0, 5, -1, 5)).toBe(OUTSIDE)
  })
})
