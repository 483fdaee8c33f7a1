import { area, booleanPointInPolygon, point } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { generateStreetGrids } from './generate-street-grids.js'
import type { Polygon, Position } from './types.js'

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

describe('generateStreetGrids', () => {
  it('groups the 25 street blocks into 16 contiguous grids that cover the jurisdiction exactly', () => {
    const result = generateStreetGrids(boundary, streets(42), 16)
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(16)
    const total = result.value.reduce((sum, g) => sum + area(g), 0)
    expect(total / area(boundary)).toBeCloseTo(1, 4)
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
  })

  it('a point on a street centre line belongs to a block edge, not to a gap', () => {
    const result = generateStreetGrids(boundary, streets(7), 16)
    expect(result.valid).toBe(true)
    if (!result.valid) return
    const onStreet = point([114.32, 30.5 + 0.0001])
    expect(result.value.some((g) => booleanPointInPolygon(onStreet, g))).toBe(true)
  })
})
