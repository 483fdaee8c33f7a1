/**
 * Makes the template safe to bend. The tile warp is not linear, so a straight edge comes out as a
 * chord of a curve: two areas that share a boundary must have the same vertices along it, or
 * after the warp one edge passes a metre from the other's vertex and the audit sees a sliver. So
 * every vertex of an area that lies on another area's edge (within 3e-7°, the demo's rounding) is
 * inserted into that edge. Lines (streets, segments) are densified to 15 m, so that a segment's
 * cut point stays on its street. Pure.
 */
import type { Geometry, GeometryCollection } from 'geojson'
import type { Position } from './tile-transform.js'

type Ring = Position[]
const ON_EDGE_DEGREES = 3e-7
const LINE_STEP_M = 15
const METRES_PER_DEGREE = 111_320

export type TemplateGeometry = Exclude<Geometry, GeometryCollection>

function ringsOf(geometry: TemplateGeometry): Ring[] {
  if (geometry.type === 'Polygon') return geometry.coordinates as Ring[]
  if (geometry.type === 'MultiPolygon') return (geometry.coordinates as Ring[][]).flat()
  return []
}

/** Inserts into every area ring the vertices of the other areas lying on its edges. */
export function nodeAreas(geometries: TemplateGeometry[]): TemplateGeometry[] {
  const vertices = new Map<string, Position>()
  for (const geometry of geometries) for (const ring of ringsOf(geometry)) for (const p of ring) vertices.set(`${p[0]},${p[1]}`, p)
  const all = [...vertices.values()]
  const nodeRing = (ring: Ring): Ring => {
    const out: Ring = []
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i]!
      const b = ring[i + 1]!
      out.push(a)
      const dx = b[0] - a[0]
      const dy = b[1] - a[1]
      const length2 = dx * dx + dy * dy
      if (length2 === 0) continue
      const inner: [number, Position][] = []
      for (const p of all) {
        if (p[0] < Math.min(a[0], b[0]) - ON_EDGE_DEGREES || p[0] > Math.max(a[0], b[0]) + ON_EDGE_DEGREES) continue
        if (p[1] < Math.min(a[1], b[1]) - ON_EDGE_DEGREES || p[1] > Math.max(a[1], b[1]) + ON_EDGE_DEGREES) continue
        if ((p[0] === a[0] && p[1] === a[1]) || (p[0] === b[0] && p[1] === b[1])) continue
        const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2
        if (t <= 0 || t >= 1) continue
        const offset = Math.abs(dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / Math.sqrt(length2)
        if (offset <= ON_EDGE_DEGREES) inner.push([t, p])
      }
      inner.sort((x, y) => x[0] - y[0])
      for (const [, p] of inner) out.push(p)
    }
    out.push(ring[ring.length - 1]!)
    return out
  }
  return geometries.map((geometry) => {
    if (geometry.type === 'Polygon') return { type: geometry.type, coordinates: (geometry.coordinates as Ring[]).map(nodeRing) }
    if (geometry.type === 'MultiPolygon') return { type: geometry.type, coordinates: (geometry.coordinates as Ring[][]).map((polygon) => polygon.map(nodeRing)) }
    return geometry
  })
}

/**
 * Adds points every 15 m or less along a line's edges. The points of an edge are computed from
 * its endpoints in a fixed order, so that an edge two lines share gets the same points in both.
 */
export function densifyLine(geometry: TemplateGeometry): TemplateGeometry {
  const densify = (line: Position[]): Position[] => {
    const out: Position[] = []
    for (let i = 0; i + 1 < line.length; i++) {
      const a = line[i]!
      const b = line[i + 1]!
      out.push(a)
      const cos = Math.cos((a[1] * Math.PI) / 180)
      const lengthM = Math.hypot((b[0] - a[0]) * cos, b[1] - a[1]) * METRES_PER_DEGREE
      const steps = Math.ceil(lengthM / LINE_STEP_M)
      const forward = a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1])
      const [p, q] = forward ? [a, b] : [b, a]
      for (let k = 1; k < steps; k++) {
        const f = (forward ? k : steps - k) / steps
        out.push([p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f])
      }
    }
    out.push(line[line.length - 1]!)
    return out
  }
  if (geometry.type === 'LineString') return { type: geometry.type, coordinates: densify(geometry.coordinates as Position[]) }
  if (geometry.type === 'MultiLineString') return { type: geometry.type, coordinates: (geometry.coordinates as Position[][]).map(densify) }
  return geometry
}
