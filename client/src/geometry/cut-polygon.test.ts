import { area, polygon } from '@turf/turf'
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
    const result = cutPolygon(square, [[[-0.001, -0.001], [0.004, 0.006], [0.011, 0.006]]])
    expect(result.valid).toBe(true)
    if (result.valid) expect(result.value).toHaveLength(2)
  })

  it('refuses a line that ends inside the polygon without crossing it', () => {
    const result = cutPolygon(square, [[[0.005, -0.001], [0.005, 0.004]]])
    expect(result).toEqual({ valid: false, reason: 'cut_does_not_cross' })
  })

  it('keeps a hole out of every piece', () => {
    const withHole = polygon([
      square.coordinates[0]!,
      [[0.004, 0.004], [0.004, 0.006], [0.006, 0.006], [0.006, 0.004], [0.004, 0.004]],
    ]).geometry
    const result = cutPolygon(withHole, [[[0.002, -0.001], [0.002, 0.011]]])
    expect(result.valid).toBe(true)
    if (!result.valid) return
    const total = result.value.reduce((sum, p) => sum + area(p), 0)
    expect(total).toBeCloseTo(area(withHole), -1)
  })

  it('cuts a multipolygon in each part that a line crosses', () => {
    const multi = {
      type: 'MultiPolygon' as const,
      coordinates: [square.coordinates, [[[0.02, 0], [0.03, 0], [0.03, 0.01], [0.02, 0.01], [0.02, 0]]]],
    }
    const result = cutPolygon(multi, [[[-0.001, 0.005], [0.031, 0.005]]])
    expect(result.valid).toBe(true)
    if (result.valid) expect(result.value).toHaveLength(4)
  })
})
