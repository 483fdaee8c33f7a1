import { area, booleanPointInPolygon, feature, featureCollection, intersect, lineIntersect, lineString, point } from '@turf/turf'
import { cutPolygon } from './cut-polygon.js'
import { describe, expect, it } from 'vitest'
import { generateStreetGrids } from './generate-street-grids.js'
import type { Areal, Polygon, Position } from './types.js'

const boundary: Polygon = { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.34, 30.5], [114.34, 30.54], [114.3, 30.54], [114.3, 30.5]]] }

// A seeded pseudo-random street pattern: a few north-south and east-west streets, slightly bent.
function streets(seed: number): Position[][] {
  let s = seed
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647)
  const lines: Position[][] = []
  for (let i = 1; i < 5; i++) {
    const lon = 114.3 + i * 0.008 + (random() - 0.5) * 0.002
    lines.push([[lon, 30.499], [lon + (random() - 0.5) * 0.002, 30.52], [lon, 30.541]])
    const lat = 30.5 + i * 0.008 + (random() - 0.5) * 0.002
    lines.push([[114.299, lat], [114.32, lat + (random() - 0.5) * 0.002], [114.341, lat]])
  }
  // A dead-end alley: it must not break the cut.
  lines.push([[114.301, 30.501], [114.303, 30.503]])
  return lines
}

function overlapM2(grids: Areal[]): number {
  let sum = 0
  for (let i = 0; i < grids.length; i++) {
    for (let j = i + 1; j < grids.length; j++) {
      const both = intersect(featureCollection([feature(grids[i]!), feature(grids[j]!)]))
      if (both) sum += area(both)
    }
  }
  return sum
}

describe('generateStreetGrids', () => {
  it('groups the 25 street blocks into 16 contiguous grids that cover the jurisdiction exactly', () => {
    // 4 north-south and 4 east-west streets crossing the whole boundary make 5 × 5 blocks; the
    // dead-end alley bounds nothing.
    const blocks = cutPolygon(boundary, streets(42))
    expect(blocks.valid && blocks.value.length).toBe(25)
    const result = generateStreetGrids(boundary, streets(42), 16)
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(16)
    const total = result.value.reduce((sum, g) => sum + area(g), 0)
    expect(total / area(boundary)).toBeCloseTo(1, 4)
    // Exactly once: no two grids overlap (so the total cannot hide an overlap behind a gap).
    expect(overlapM2(result.value)).toBeLessThan(1)
    // Contiguous: every grid is one polygon.
    for (const grid of result.value) expect(grid.type === 'Polygon' || grid.coordinates.length === 1).toBe(true)
    const areas = result.value.map((g) => area(g))
    expect(Math.max(...areas) / Math.min(...areas)).toBeLessThan(4)
  })

  it('halves the largest grids when there are fewer blocks than grids', () => {
    const result = generateStreetGrids(boundary, [[[114.32, 30.49], [114.32, 30.55]]], 4)
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(4)
    expect(result.value.reduce((sum, g) => sum + area(g), 0) / area(boundary)).toBeCloseTo(1, 4)
    expect(overlapM2(result.value)).toBeLessThan(1)
  })

  it('covers points on a street centre line and at a street crossing: the street is a block edge, not a gap', () => {
    const lines = streets(7)
    const result = generateStreetGrids(boundary, lines, 16)
    expect(result.valid).toBe(true)
    if (!result.valid) return
    // The second vertex of the first north-south street lies on its centre line inside the
    // jurisdiction, and so does the middle of its first leg.
    const northSouth = lines[0]!
    const vertex = northSouth[1]!
    const alongLeg = [(northSouth[0]![0]! + vertex[0]!) / 2, (30.5 + vertex[1]!) / 2]
    // Where it crosses the first east-west street: a corner of four blocks.
    const crossing = lineIntersect(lineString(northSouth), lineString(lines[1]!)).features[0]!.geometry.coordinates
    for (const onStreet of [vertex, alongLeg, crossing]) {
      const covering = result.value.filter((g) => booleanPointInPolygon(point(onStreet), g))
      const strictlyInside = result.value.filter((g) => booleanPointInPolygon(point(onStreet), g, { ignoreBoundary: true }))
      expect(covering.length, `grids covering ${onStreet}`).toBeGreaterThanOrEqual(1)
      // On the edge between two grids, or inside the one grid that took the blocks on both sides.
      expect(strictlyInside.length).toBeLessThanOrEqual(1)
    }
    // A metre either side of the centre line is still owned: the blocks meet on the line.
    const metre = 1 / 96_000
    for (const dx of [-metre, metre]) {
      expect(result.value.filter((g) => booleanPointInPolygon(point([alongLeg[0]! + dx, alongLeg[1]!]), g))).toHaveLength(1)
    }
  })
})
