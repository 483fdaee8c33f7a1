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
    const codes = orderGridCodes(lattice.value, 'C', { start: 1 })
    // The lattice is made row by row from the north-west, so reading order is making order.
    expect(codes).toEqual(Array.from({ length: 16 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`))
  })

  it('continues after existing codes when asked to', () => {
    expect(orderGridCodes([cell(0, 0)], 'G', { start: 17 })).toEqual(['G17'])
  })
})
