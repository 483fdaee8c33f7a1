import { area, booleanPointInPolygon, feature, featureCollection, intersect, point } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { generateFrontage } from './generate-frontage.js'
import type { LineString } from './types.js'

// An east-west street 20 m wide; one metre of latitude is about 1/111320 degree.
const street: LineString = { type: 'LineString', coordinates: [[114.3, 30.5], [114.31, 30.5]] }
const metresNorth = (m: number) => 30.5 + m / 111_320

describe('generateFrontage', () => {
  it('makes the strip from the door to the street edge, as wide as the shop front', () => {
    const result = generateFrontage({ door: [114.305, metresNorth(25)], street, streetWidthM: 20, frontageWidthM: 8 })
    expect(result.valid).toBe(true)
    if (!result.valid) return
    // 8 m wide, 15 m deep (25 m from the centre line less the 10 m half-width).
    expect(area(result.value)).toBeCloseTo(120, -1)
    expect(booleanPointInPolygon(point([114.305, metresNorth(12)]), result.value)).toBe(true)
    expect(booleanPointInPolygon(point([114.305, metresNorth(8)]), result.value)).toBe(false)
  })

  it('clips the strip so that it does not overlap a neighbour', () => {
    const first = generateFrontage({ door: [114.305, metresNorth(25)], street, streetWidthM: 20, frontageWidthM: 8 })
    if (!first.valid) throw new Error(first.reason)
    const second = generateFrontage({
      door: [114.305 + 6 / 96_000, metresNorth(25)],
      street,
      streetWidthM: 20,
      frontageWidthM: 8,
      neighbours: [first.value],
    })
    expect(second.valid).toBe(true)
    if (!second.valid) return
    // Fronts from 4 m west to 4 m east of each door, doors 6 m apart: 2 m of the second's 8 m lie
    // in the first strip, leaving 6 m × 15 m; and nothing of it inside the first.
    expect(area(second.value)).toBeCloseTo(90, -1)
    const shared = intersect(featureCollection([feature(first.value), feature(second.value)]))
    expect(shared ? area(shared) : 0).toBeLessThan(0.01)
  })

  it('refuses a door standing on the street itself', () => {
    expect(generateFrontage({ door: [114.305, metresNorth(5)], street, streetWidthM: 20, frontageWidthM: 8 }))
      .toEqual({ valid: false, reason: 'door_is_on_the_street' })
  })
})
