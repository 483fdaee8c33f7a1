/**
 * Where to put a label along a line on the page: at the first candidate position whose (rotated)
 * box stays inside the map and clear of labels already placed. Pure page geometry, millimetres.
 */
export type Point = readonly [number, number]
export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export interface LinePlacement {
  x: number
  y: number
  /** Degrees clockwise, kept between -90 and 90 so the text never reads upside down. */
  angle: number
  box: Box
}

export function polylineLength(points: readonly Point[]): number {
  let length = 0
  for (let i = 1; i < points.length; i++) length += Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1])
  return length
}

/** The point and direction (degrees) at distance `at` along the polyline. */
export function pointAlong(points: readonly Point[], at: number): { x: number; y: number; angle: number } {
  let walked = 0
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!
    const [x1, y1] = points[i]!
    const step = Math.hypot(x1 - x0, y1 - y0)
    if (walked + step >= at || i === points.length - 1) {
      const t = step === 0 ? 0 : Math.min(1, Math.max(0, (at - walked) / step))
      return { x: x0 + (x1 - x0) * t, y: y0 + (y1 - y0) * t, angle: (Math.atan2(y1 - y0, x1 - x0) * 180) / Math.PI }
    }
    walked += step
  }
  const only = points[0] ?? [0, 0]
  return { x: only[0], y: only[1], angle: 0 }
}

export function uprightAngle(angle: number): number {
  let a = ((angle % 360) + 360) % 360
  if (a > 180) a -= 360
  if (a > 90) a -= 180
  if (a < -90) a += 180
  return a
}

/** The axis-aligned box around a `width` × `height` label centred at (x, y) and rotated. */
export function rotatedBox(x: number, y: number, width: number, height: number, angle: number): Box {
  const radians = (angle * Math.PI) / 180
  const cos = Math.abs(Math.cos(radians))
  const sin = Math.abs(Math.sin(radians))
  const w = width * cos + height * sin
  const h = width * sin + height * cos
  return { x: x - w / 2, y: y - h / 2, width: w, height: h }
}

export function boxesOverlap(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap
}

export function boxInside(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height
}

/**
 * Places a label of `width` × `height` along the line, offset sideways by `offset` (0 = on the
 * line), trying the middle first and then further out. Returns null where nothing fits.
 */
export function placeAlongLine(
  points: readonly Point[],
  width: number,
  height: number,
  frame: Box,
  placed: readonly Box[],
  offset = 0,
  fractions: readonly number[] = [0.5, 0.35, 0.65, 0.2, 0.8],
): LinePlacement | null {
  const length = polylineLength(points)
  if (length < width * 0.6) return null
  for (const fraction of fractions) {
    const along = pointAlong(points, length * fraction)
    const angle = uprightAngle(along.angle)
    const radians = (angle * Math.PI) / 180
    // Offset to the upper side of the upright text, perpendicular to the line.
    const x = along.x + Math.sin(radians) * offset
    const y = along.y - Math.cos(radians) * offset
    const box = rotatedBox(x, y, width, height, angle)
    if (!boxInside(box, frame)) continue
    if (placed.some((other) => boxesOverlap(box, other, 0.6))) continue
    return { x, y, angle, box }
  }
  return null
}
