import { area, length, lineString } from '@turf/turf'
import type { Position } from './types.js'

/** Length on the ground, in metres, of a path of clicked points. */
export function measureLengthM(path: Position[]): number {
  return path.length < 2 ? 0 : length(lineString(path), { units: 'meters' })
}

/** Area on the ground, in square metres, of the polygon the clicked points enclose. */
export function measureAreaM2(path: Position[]): number {
  if (path.length < 3) return 0
  return area({ type: 'Polygon', coordinates: [[...path, path[0]!]] })
}
