import { describe, expect, it } from 'vitest'
import { measureAreaM2, measureLengthM } from './measure.js'

describe('measure', () => {
  it('measures a 1 km path along a meridian', () => {
    expect(measureLengthM([[114.3, 30.5], [114.3, 30.5 + 1000 / 111_195]])).toBeCloseTo(1000, -1)
  })

  it('measures a square of about 100 m by 100 m', () => {
    const d = 100 / 111_195
    const dLon = d / Math.cos((30.5 * Math.PI) / 180)
    expect(measureAreaM2([[114.3, 30.5], [114.3 + dLon, 30.5], [114.3 + dLon, 30.5 + d], [114.3, 30.5 + d]]) / 10_000).toBeCloseTo(1, 1)
  })

  it('is zero until there are enough points', () => {
    expect(measureLengthM([[0, 0]])).toBe(0)
    expect(measureAreaM2([[0, 0], [1, 1]])).toBe(0)
  })
})
