import { describe, expect, it } from 'vitest'
import { DEFAULT_STREET_WIDTH_M, defaultWidthM } from './street-width.js'

describe('defaultWidthM', () => {
  it('gives the width of each street class', () => {
    expect(defaultWidthM('primary')).toBe(40)
    expect(defaultWidthM('trunk')).toBe(40)
    expect(defaultWidthM('secondary')).toBe(30)
    expect(defaultWidthM('tertiary')).toBe(24)
    expect(defaultWidthM('residential')).toBe(16)
    expect(defaultWidthM('unclassified')).toBe(16)
    expect(defaultWidthM('living_street')).toBe(10)
    expect(defaultWidthM('pedestrian')).toBe(10)
  })

  it('reads the class case-insensitively and ignores surrounding spaces', () => {
    expect(defaultWidthM(' Primary ')).toBe(40)
  })

  it('falls back to 12 m for other, unknown and missing classes', () => {
    expect(DEFAULT_STREET_WIDTH_M).toBe(12)
    expect(defaultWidthM('service')).toBe(12)
    expect(defaultWidthM('footway')).toBe(12)
    expect(defaultWidthM('primary_link')).toBe(12)
    expect(defaultWidthM(null)).toBe(12)
    expect(defaultWidthM(undefined)).toBe(12)
    expect(defaultWidthM('')).toBe(12)
  })
})
