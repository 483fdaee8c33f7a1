import { area, feature, featureCollection, intersect } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { generateLatticeGrids } from './generate-lattice-grids.js'
import type { Areal, Polygon } from './types.js'

const square: Polygon = { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.32, 30.5], [114.32, 30.52], [114.3, 30.52], [114.3, 30.5]]] }
// An L-shaped jurisdiction: a concave boundary where a plain lattice would leave slivers.
const lShape: Polygon = {
  type: 'Polygon',
  coordinates: [[[114.3, 30.5], [114.34, 30.5], [114.34, 30.51], [114.31, 30.51], [114.31, 30.53], [114.3, 30.53], [114.3, 30.5]]],
}

function overlapM2(cells: Areal[]): number {
  let sum = 0
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      const both = intersect(featureCollection([feature(cells[i]!), feature(cells[j]!)]))
      if (both) sum += area(both)
    }
  }
  return sum
}

describe('generateLatticeGrids', () => {
  it('cuts a square into 16 cells of equal area that cover it exactly once', () => {
    const result = generateLatticeGrids(square, 16)
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(16)
    const areas = result.value.map((c) => area(c))
    const total = areas.reduce((a, b) => a + b, 0)
    expect(total / area(square)).toBeCloseTo(1, 4)
    for (const a of areas) expect(a / (total / 16)).toBeCloseTo(1, 2)
    expect(overlapM2(result.value)).toBeLessThan(1)
  })

  it('gives exactly N cells of similar area for a concave boundary', () => {
    const result = generateLatticeGrids(lShape, 7)
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(7)
    const areas = result.value.map((c) => area(c))
    expect(Math.min(...areas) / Math.max(...areas)).toBeGreaterThan(0.95)
    expect(areas.reduce((a, b) => a + b, 0) / area(lShape)).toBeCloseTo(1, 4)
  })

  it('refuses a count of zero', () => {
    expect(generateLatticeGrids(square, 0)).toEqual({ valid: false, reason: 'grid_count_out_of_range' })
  })
})
