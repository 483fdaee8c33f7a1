import { area, centroid } from '@turf/turf'
import type { Areal } from './types.js'

/**
 * Gives new grids their codes in the order CJ/T 213-2005 numbers unit grids: the parent's code
 * followed by a two-digit sequence, counted in reading order — rows from north to south, and
 * west to east within a row. A row is a band about one typical cell high, so cells of a slightly
 * ragged lattice still read as one row.
 */
export function orderGridCodes(grids: Areal[], parentCode: string, options: { start?: number; digits?: number } = {}): string[] {
  const start = options.start ?? 1
  const digits = options.digits ?? 2
  if (grids.length === 0) return []
  const centres = grids.map((g) => centroid(g).geometry.coordinates)
  const meanAreaM2 = grids.reduce((sum, g) => sum + area(g), 0) / grids.length
  // One degree of latitude is about 111 km.
  const bandDegrees = Math.max(Math.sqrt(meanAreaM2) / 111_320, 1e-9)
  const north = Math.max(...centres.map((c) => c[1]!))
  const order = grids
    .map((_, index) => index)
    .sort((a, b) => {
      const rowA = Math.floor((north - centres[a]![1]!) / bandDegrees + 0.5)
      const rowB = Math.floor((north - centres[b]![1]!) / bandDegrees + 0.5)
      return rowA - rowB || centres[a]![0]! - centres[b]![0]!
    })
  const codes = new Array<string>(grids.length)
  order.forEach((gridIndex, position) => {
    codes[gridIndex] = `${parentCode}${String(start + position).padStart(digits, '0')}`
  })
  return codes
}
