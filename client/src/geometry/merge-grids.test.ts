import { area } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { mergeGrids } from './merge-grids.js'
import type { Polygon } from './types.js'

const rect = (w: number, s: number, e: number, n: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
})

describe('mergeGrids', () => {
  it('merges two grids sharing an edge into one polygon of their total area', () => {
    const a = rect(0, 0, 0.01, 0.01)
    const b = rect(0.01, 0, 0.02, 0.01)
    const result = mergeGrids([a, b])
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value.type).toBe('Polygon')
    expect(area(result.value)).toBeCloseTo(area(a) + area(b), -1)
  })

  it('refuses grids that only meet at a corner or not at all', () => {
    expect(mergeGrids([rect(0, 0, 0.01, 0.01), rect(0.02, 0, 0.03, 0.01)])).toEqual({ valid: false, reason: 'grids_do_not_touch' })
    expect(mergeGrids([rect(0, 0, 0.01, 0.01), rect(0.01, 0.01, 0.02, 0.02)])).toEqual({ valid: false, reason: 'grids_do_not_touch' })
  })

  it('needs at least two grids', () => {
    expect(mergeGrids([rect(0, 0, 1, 1)])).toEqual({ valid: false, reason: 'merge_needs_two_grids' })
  })
})
