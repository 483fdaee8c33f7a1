import { describe, expect, it } from 'vitest'
import { choropleth, CHOROPLETH_COLOURS, NO_VALUE_COLOUR } from './choropleth.js'

describe('the grid map’s colours', () => {
  it('splits 0–10 patrols into five equal classes, the largest darkest; a grid without a value is grey', () => {
    const scale = choropleth([0, 3, 10, null], true)
    expect(scale.classes.map((c) => [c.min, c.max])).toEqual([[0, 2], [2, 4], [4, 6], [6, 8], [8, 10]])
    expect(scale.colourOf(0)).toBe(CHOROPLETH_COLOURS[0])
    expect(scale.colourOf(3)).toBe(CHOROPLETH_COLOURS[1])
    // The top of the range belongs to the last class, not a sixth.
    expect(scale.colourOf(10)).toBe(CHOROPLETH_COLOURS[4])
    expect(scale.colourOf(null)).toBe(NO_VALUE_COLOUR)
  })

  it('runs dark to light where lower is better (返工率)', () => {
    const scale = choropleth([0, 0.5], false)
    expect(scale.colourOf(0)).toBe(CHOROPLETH_COLOURS[4])
    expect(scale.colourOf(0.5)).toBe(CHOROPLETH_COLOURS[0])
  })

  it('has one class, the middle colour, when every grid has the same rate; counts start at 0', () => {
    const scale = choropleth([0.8, 0.8], true)
    expect(scale.classes).toHaveLength(1)
    expect(scale.colourOf(0.8)).toBe(CHOROPLETH_COLOURS[2])
    // No patrol anywhere: every grid light; one patrol in one grid: that grid dark, the rest light.
    expect(choropleth([0, 0], true, { zeroBased: true }).colourOf(0)).toBe(CHOROPLETH_COLOURS[0])
    const counts = choropleth([0, 1, 0], true, { zeroBased: true })
    expect([counts.colourOf(0), counts.colourOf(1)]).toEqual([CHOROPLETH_COLOURS[0], CHOROPLETH_COLOURS[4]])
    // 4 and 6 patrols: classes from 0, not from 4.
    expect(choropleth([4, 6], true, { zeroBased: true }).classes[0]!.min).toBe(0)
  })
})
