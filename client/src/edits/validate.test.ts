import { describe, expect, it } from 'vitest'
import { validateLineDraft, validatePolygonDraft } from './validate.js'

describe('validatePolygonDraft', () => {
  it('accepts a simple polygon', () => {
    expect(validatePolygonDraft([[114.3, 30.5], [114.301, 30.5], [114.301, 30.501]])).toEqual({ valid: true })
  })
  it('rejects a bow tie', () => {
    expect(validatePolygonDraft([[0, 0], [0.001, 0.001], [0.001, 0], [0, 0.001]])).toEqual({ valid: false, reason: 'self_intersecting' })
  })
  it('rejects fewer than three points', () => {
    expect(validatePolygonDraft([[0, 0], [1, 1]])).toEqual({ valid: false, reason: 'too_few_points' })
  })
  it('rejects a line of one point', () => {
    expect(validateLineDraft([[0, 0]])).toEqual({ valid: false, reason: 'too_few_points' })
  })
})
