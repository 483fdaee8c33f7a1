import { area, booleanPointInPolygon, point, polygon } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { cutPolygon } from './cut-polygon.js'
import { keyOf } from './node-lines.js'
import type { Polygon } from './types.js'

const square: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]] }

describe('cutPolygon', () => {
  it('cuts a square in two along a line that crosses it, and the halves share the cut edge', () => {
    const result = cutPolygon(square, [[[0.005, -0.001], [0.005, 0.011]]])
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(2)
    const total = result.value.reduce((sum, p) => sum + area(p), 0)
    expect(total).toBeCloseTo(area(square), 0)
    const [a, b] = result.value.map((p) => new Set(p.coordinates[0]!.map(keyOf)))
    const shared = [...a!].filter((k) => b!.has(k))
    expect(shared).toEqual(expect.arrayContaining([keyOf([0.005, 0]), keyOf([0.005, 0.01])]))
  })

  it('cuts along a bent line that runs through a vertex of the polygon', () => {
    // The first leg runs along y = x through the corner (0, 0), the second east along y = 0.005.
    // Below the line: a triangle of 0.005² / 2 plus a rectangle of 0.005 × 0.005, so 3/8 of the square.
    const result = cutPolygon(square, [[[-0.001, -0.001], [0.005, 0.005], [0.011, 0.005]]])
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(2)
    const shares = result.value.map((p) => area(p) / area(square)).sort()
    expect(shares[0]).toBeCloseTo(3 / 8, 3)
    expect(shares[1]).toBeCloseTo(5 / 8, 3)
    for (const piece of result.value) expect(piece.coordinates[0]!.map(keyOf)).toContain(keyOf([0, 0]))
  })

  it('refuses a line that runs only along the boundary, which cuts nothing off', () => {
    const result = cutPolygon(square, [[[-0.001, 0], [0.011, 0]]])
    expect(result).toEqual({ valid: false, reason: 'cut_does_not_cross' })
  })

  it('refuses a line that ends inside the polygon without crossing it', () => {
    const result = cutPolygon(square, [[[0.005, -0.001], [0.005, 0.004]]])
    expect(result).toEqual({ valid: false, reason: 'cut_does_not_cross' })
  })

  it('keeps a hole out of every piece, whether the cut passes beside it or through it', () => {
    const withHole = polygon([
      square.coordinates[0]!,
      [[0.004, 0.004], [0.004, 0.006], [0.006, 0.006], [0.006, 0.004], [0.004, 0.004]],
    ]).geometry
    const inHole = [point([0.0045, 0.005]), point([0.0055, 0.005])]
    for (const x of [0.002, 0.005]) {
      const result = cutPolygon(withHole, [[[x, -0.001], [x, 0.011]]])
      expect(result.valid).toBe(true)
      if (!result.valid) return
      expect(result.value).toHaveLength(2)
      const total = result.value.reduce((sum, p) => sum + area(p), 0)
      // The hole is 0.002° square, some 49 000 m²: far more than the tolerance of 5 m².
      expect(total).toBeCloseTo(area(withHole), -1)
      for (const piece of result.value) {
        for (const p of inHole) expect(booleanPointInPolygon(p, piece)).toBe(false)
      }
    }
  })

  it('cuts a multipolygon in each part that a line crosses', () => {
    const multi = {
      type: 'MultiPolygon' as const,
      coordinates: [square.coordinates, [[[0.02, 0], [0.03, 0], [0.03, 0.01], [0.02, 0.01], [0.02, 0]]]],
    }
    const result = cutPolygon(multi, [[[-0.001, 0.005], [0.031, 0.005]]])
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(4)
    // Each part is halved along y = 0.005: four pieces of half a square each.
    for (const piece of result.value) expect(area(piece) / area(square)).toBeCloseTo(0.5, 3)
  })
})
