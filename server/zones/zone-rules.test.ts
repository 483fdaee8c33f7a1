import { describe, expect, it } from 'vitest'
import { cjtCodeProblem, codeProblem, geometryFamily, parentProblem } from './zone-rules.js'

describe('parentProblem', () => {
  it('accepts the parents of the zone tree', () => {
    expect(parentProblem('grid', 'community')).toBeNull()
    expect(parentProblem('segment', 'street')).toBeNull()
    expect(parentProblem('frontage', 'segment')).toBeNull()
    expect(parentProblem('street', 'subdistrict')).toBeNull()
    expect(parentProblem('street', null)).toBeNull()
    expect(parentProblem('district', null)).toBeNull()
  })

  it('refuses a parent of the wrong kind, naming the allowed kinds', () => {
    expect(parentProblem('grid', 'subdistrict')).toBe("a grid's parent must be a community, not a subdistrict")
    expect(parentProblem('district', 'district')).toBe('a district has no parent')
  })

  it('refuses a missing parent where one is required', () => {
    expect(parentProblem('segment', null)).toBe('a segment needs a parent street')
    expect(parentProblem('grid', null)).toBe('a grid needs a parent community')
  })
})

describe('geometryFamily', () => {
  it('draws streets and segments as centre lines and everything else as areas', () => {
    expect(geometryFamily('street')).toBe('line')
    expect(geometryFamily('segment')).toBe('line')
    expect(geometryFamily('grid')).toBe('area')
    expect(geometryFamily('frontage')).toBe('area')
  })
})

describe('codeProblem', () => {
  it('accepts digits, letters, Chinese and dashes', () => {
    expect(codeProblem('33010500301')).toBeNull()
    expect(codeProblem('ST-体育场路-1')).toBeNull()
  })

  it('refuses empty, too long, spaced and URL-breaking codes', () => {
    expect(codeProblem('')).toMatch(/1 to 64/)
    expect(codeProblem('x'.repeat(65))).toMatch(/got 65/)
    expect(codeProblem('a b')).toMatch(/spaces/)
    expect(codeProblem('a/b')).toMatch(/spaces/)
  })
})

describe('cjtCodeProblem', () => {
  it('accepts a grid code that extends its community code by two digits', () => {
    expect(cjtCodeProblem('grid', '33010500300101', 'community', '330105003001')).toBeNull()
  })

  it('refuses a grid code that does not extend its coded community', () => {
    expect(cjtCodeProblem('grid', '33010500300201', 'community', '330105003001')).toMatch(/330105003001 followed by 2 digits/)
    expect(cjtCodeProblem('grid', 'G1', 'community', '330105003001')).toMatch(/CJ\/T 213-2005/)
    expect(cjtCodeProblem('community', '330105003', 'subdistrict', '330105003')).toMatch(/followed by 3 digits/)
  })

  it('does not apply where the parent has no CJ/T code or the kind has none', () => {
    expect(cjtCodeProblem('grid', 'G1', 'community', 'C1')).toBeNull()
    expect(cjtCodeProblem('street', 'S1', 'subdistrict', '330105003')).toBeNull()
    expect(cjtCodeProblem('subdistrict', 'SD', null, null)).toBeNull()
  })
})
