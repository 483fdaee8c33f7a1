import { bbox } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { generateLatticeGrids } from './generate-lattice-grids.js'
import { orderGridCodes } from './order-grid-codes.js'
import type { Polygon } from './types.js'

const cell = (col: number, row: number, jitter = 0): Polygon => {
  const w = 114.3 + col * 0.01
  const n = 30.54 - row * 0.01 + jitter
  return { type: 'Polygon', coordinates: [[[w, n - 0.01], [w + 0.01, n - 0.01], [w + 0.01, n], [w, n], [w, n - 0.01]]] }
}

describe('orderGridCodes', () => {
  it('numbers grids north to south, west to east, after the community code', () => {
    const grids = [cell(1, 1), cell(0, 0, 0.002), cell(1, 0, -0.002), cell(0, 1)]
    expect(orderGridCodes(grids, '420106001001')).toEqual(['42010600100104', '42010600100101', '42010600100102', '42010600100103'])
  })

  it('numbers a 4 by 4 lattice in reading order', () => {
    const lattice = generateLatticeGrids({ type: 'Polygon', coordinates: [[[0, 0], [0.04, 0], [0.04, 0.04], [0, 0.04], [0, 0]]] }, 16)
    if (!lattice.valid) throw new Error(lattice.reason)
    // Shuffled, so that the order the lattice was made in cannot show through.
    const cells = [...lattice.value].sort((a, b) => bbox(a)[0]! - bbox(b)[0]! || bbox(a)[1]! - bbox(b)[1]!)
    const codes = orderGridCodes(cells, 'C', { start: 1 })
    // Each cell is 0.01° square: its row counts down from the north edge, its column from the west.
    const expected = cells.map((cell) => {
      const [west, , , north] = bbox(cell)
      const row = Math.round((0.04 - north!) / 0.01)
      const column = Math.round(west! / 0.01)
      return `C${String(row * 4 + column + 1).padStart(2, '0')}`
    })
    expect(codes).toEqual(expected)
  })

  it('continues after existing codes when asked to', () => {
    expect(orderGridCodes([cell(0, 0)], 'G', { start: 17 })).toEqual(['G17'])
  })
})
