import { describe, expect, it } from 'vitest'
import { parseCoordinates } from './parse-coordinates.js'

describe('parseCoordinates', () => {
  it('reads lon,lat with a comma, a Chinese comma or spaces', () => {
    expect(parseCoordinates('114.30,30.55')).toEqual({ position: [114.3, 30.55], swapped: false })
    expect(parseCoordinates(' 114.30，30.55 ')).toEqual({ position: [114.3, 30.55], swapped: false })
    expect(parseCoordinates('114.30 30.55')).toEqual({ position: [114.3, 30.55], swapped: false })
  })
  it('swaps a point pasted latitude first', () => {
    expect(parseCoordinates('30.55, 114.30')).toEqual({ position: [114.3, 30.55], swapped: true })
  })
  it('refuses text and out-of-range numbers', () => {
    expect(parseCoordinates('abc')).toBeNull()
    expect(parseCoordinates('200, 30')).toBeNull()
    expect(parseCoordinates('1,2,3')).toBeNull()
  })
})
