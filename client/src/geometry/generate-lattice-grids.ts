import { area, bbox, distance, feature, featureCollection, intersect } from '@turf/turf'
import { fail, ok, type Areal, type Outcome } from './types.js'
import { DRAWING_REASONS } from './drawing-reasons.js'

/**
 * Cuts a jurisdiction into `count` grids laid out as a lattice clipped to its boundary: rows of
 * equal area from north to south, each row cut into cells of equal area from west to east. Equal
 * areas (rather than equal boxes) keep an irregular boundary from leaving slivers as cells.
 * Neighbouring cells are cut by the same parallel or meridian, so their edges coincide.
 */
export function generateLatticeGrids(boundary: Areal, count = 16): Outcome<Areal[]> {
  if (!Number.isInteger(count) || count < 1 || count > 400) return fail(DRAWING_REASONS.gridCountOutOfRange)
  const [west, south, east, north] = bbox(boundary)
  const widthM = distance([west, (south + north) / 2], [east, (south + north) / 2], { units: 'meters' })
  const heightM = distance([west, south], [west, north], { units: 'meters' })
  if (widthM <= 0 || heightM <= 0) return fail(DRAWING_REASONS.boundaryIsEmpty)
  const rows = Math.max(1, Math.min(count, Math.round(Math.sqrt((count * heightM) / widthM))))
  const cellsInRow = Array.from({ length: rows }, (_, row) => Math.floor(count / rows) + (row < count % rows ? 1 : 0))
  const total = area(boundary)
  const pad = 1e-6
  const cells: Areal[] = []
  let top = north + pad
  cellsInRow.forEach((cellsHere, row) => {
    const bottom = row === rows - 1 ? south - pad : cutAt(
      (lat) => areaOf(clip(boundary, west - pad, lat, east + pad, top)),
      (total * cellsHere) / count,
      south,
      top,
    )
    const strip = clip(boundary, west - pad, bottom, east + pad, top)
    top = bottom
    if (!strip) return
    const stripArea = area(strip)
    let left = west - pad
    for (let column = 0; column < cellsHere; column++) {
      const right = column === cellsHere - 1 ? east + pad : cutAt(
        (lon) => -areaOf(clip(strip, left, south - pad, lon, north + pad)),
        -stripArea / cellsHere,
        left,
        east,
      )
      const cell = clip(strip, left, south - pad, right, north + pad)
      if (cell) cells.push(cell)
      left = right
    }
  })
  if (cells.length === 0) return fail(DRAWING_REASONS.boundaryIsEmpty)
  return ok(cells)
}


function clip(area: Areal, west: number, south: number, east: number, north: number): Areal | null {
  const box: Areal = { type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] }
  const result = intersect(featureCollection([feature(area), feature(box)]))
  return result ? result.geometry : null
}

function areaOf(geometry: Areal | null): number {
  return geometry ? area(geometry) : 0
}

/**
 * The coordinate between `low` and `high` where `measure` (decreasing as the coordinate grows)
 * reaches `target`, by bisection: areas are monotone in a cut position.
 */
function cutAt(measure: (value: number) => number, target: number, low: number, high: number): number {
  let lo = low
  let hi = high
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2
    if (measure(mid) > target) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}
