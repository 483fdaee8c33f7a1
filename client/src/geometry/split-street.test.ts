import { length, lineString } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { splitStreet } from './split-street.js'
import type { LineString } from './types.js'

const street: LineString = { type: 'LineString', coordinates: [[114.3, 30.5], [114.31, 30.5], [114.31, 30.51]] }
const metres = (l: LineString) => length(lineString(l.coordinates), { units: 'meters' })

describe('splitStreet', () => {
  it('splits a street into three segments at two clicked points, in order along the street', () => {
    const result = splitStreet(street, [[114.31, 30.505], [114.305, 30.5001]])
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value).toHaveLength(3)
    const total = result.value.reduce((sum, s) => sum + metres(s), 0)
    expect(total).toBeCloseTo(metres(street), 3)
    // Consecutive segments meet at exactly the same vertex.
    expect(result.value[0]!.coordinates.at(-1)).toEqual(result.value[1]!.coordinates[0])
    expect(result.value[0]!.coordinates[0]).toEqual([114.3, 30.5])
    expect(result.value[2]!.coordinates.at(-1)).toEqual([114.31, 30.51])
  })

  it('splits at a point exactly on a vertex without a zero-length piece', () => {
    const result = splitStreet(street, [[114.31, 30.5]])
    expect(result.valid).toBe(true)
    if (!result.valid) return
    expect(result.value.map((s) => s.coordinates.length)).toEqual([2, 2])
  })

  it('refuses a point far from the street', () => {
    expect(splitStreet(street, [[114.2, 30.4]])).toEqual({ valid: false, reason: 'point_not_on_street' })
  })

  it('refuses a split at the very end of the street', () => {
    expect(splitStreet(street, [[114.3, 30.5]])).toEqual({ valid: false, reason: 'split_point_at_street_end' })
  })
})
