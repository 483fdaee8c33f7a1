/**
 * Orders areas the way CJ/T 213-2005 numbers unit grids: west to east, north to south, like
 * reading a page. A row starts at the northernmost area left; every other area whose centre lies
 * within that area's north–south extent belongs to the same row. Pure, so that the demo builder
 * and the tests that check the demo's codes use one rule.
 */
export interface PlacedArea {
  /** Centre (a point on the surface) as lon/lat, or any planar x/y with y to the north. */
  x: number
  y: number
  /** The area's southern and northern extent. */
  south: number
  north: number
}

export function readingOrder<T extends PlacedArea>(areas: readonly T[]): T[] {
  const left = [...areas]
  const ordered: T[] = []
  while (left.length > 0) {
    const top = left.reduce((best, area) => (area.y > best.y ? area : best))
    const row = left.filter((area) => area === top || (area.y >= top.south && area.y <= top.north))
    row.sort((a, b) => a.x - b.x)
    ordered.push(...row)
    for (const area of row) left.splice(left.indexOf(area), 1)
  }
  return ordered
}
