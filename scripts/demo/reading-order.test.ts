import { describe, expect, it } from 'vitest'
import { readingOrder } from './reading-order.js'

const box = (name: string, west: number, south: number, east: number, north: number) => ({
  name, x: (west + east) / 2, y: (south + north) / 2, south, north,
})

describe('readingOrder', () => {
  it('numbers a 2 × 2 block west to east, then north to south', () => {
    const areas = [box('SE', 1, 0, 2, 1), box('NW', 0, 1, 1, 2), box('SW', 0, 0, 1, 1), box('NE', 1, 1, 2, 2)]
    expect(readingOrder(areas).map((area) => area.name)).toEqual(['NW', 'NE', 'SW', 'SE'])
  })

  it('keeps a slightly lower area in the same row when its centre lies within the first one', () => {
    const areas = [box('east, a little lower', 1, 0.8, 2, 1.9), box('west', 0, 1, 1, 2), box('south', 0, 0, 2, 0.8)]
    expect(readingOrder(areas).map((area) => area.name)).toEqual(['west', 'east, a little lower', 'south'])
  })

  it('starts a new row for a tall area that begins below the row', () => {
    const areas = [box('tall west', 0, 0, 1, 1.5), box('north east', 1, 1.6, 2, 2), box('south east', 1, 0, 2, 1.6)]
    expect(readingOrder(areas).map((area) => area.name)).toEqual(['north east', 'tall west', 'south east'])
  })
})
