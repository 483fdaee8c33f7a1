import { describe, expect, it } from 'vitest'
import { scaleBarLength } from './scale-bar.js'

describe('scaleBarLength', () => {
  it('picks the longest round length that fits', () => {
    // 0.1 mm per metre: 40 mm hold 400 m, so 200 m.
    expect(scaleBarLength(0.1, 40)).toEqual({ metres: 200, mm: 20, label: '200 米' })
    expect(scaleBarLength(0.01, 60).metres).toBe(5000)
    expect(scaleBarLength(0.01, 60).label).toBe('5 千米')
  })

  it('takes exactly the maximum when it is round', () => {
    expect(scaleBarLength(1, 50).metres).toBe(50)
  })

  it('rejects a zero scale', () => {
    expect(() => scaleBarLength(0, 10)).toThrow(RangeError)
  })
})
