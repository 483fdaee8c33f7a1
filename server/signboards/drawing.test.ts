import { describe, expect, it } from 'vitest'
import { fitText, pathOf, wrapText, type MeasureText } from './drawing.js'

// Every character one unit wide at size 1: easy to reason about.
const measure: MeasureText = (text, size) => [...text].length * size

describe('wrapText', () => {
  it('breaks Chinese between any two characters', () => {
    expect(wrapText('街长负责本街巷的巡查', 4, 1, 'regular', measure)).toEqual(['街长负责', '本街巷的', '巡查'])
  })

  it('never starts a line with closing punctuation', () => {
    expect(wrapText('街长统筹、协调', 4, 1, 'regular', measure)).toEqual(['街长统筹、', '协调'])
  })

  it('keeps a phone number or Latin word whole and keeps paragraphs', () => {
    expect(wrapText('电话13800000000\n第二段', 8, 1, 'regular', measure)).toEqual(['电话', '13800000000', '第二段'])
  })
})

describe('fitText', () => {
  it('leaves text that fits alone and shortens the rest with an ellipsis', () => {
    expect(fitText('体育场路', 4, 1, 'regular', measure)).toBe('体育场路')
    expect(fitText('体育场路（延安路—中山北路）', 6, 1, 'regular', measure)).toBe('体育场路（…')
  })
})

describe('pathOf', () => {
  it('writes an SVG path with two decimals, closed when asked', () => {
    expect(pathOf([[0, 0], [1.234, 5], [2, 2]], true)).toBe('M0 0L1.23 5L2 2Z')
    expect(pathOf([])).toBe('')
  })
})
