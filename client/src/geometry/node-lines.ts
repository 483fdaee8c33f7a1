import type { Position } from './types.js'

/**
 * Nodes a set of polylines: every crossing and touching becomes a shared vertex, and the result is
 * the list of 2-point edges between vertices, without duplicates. Polygonizers need their input
 * noded this way. Planar in lon/lat, which is exact enough inside a city.
 */
export function nodeLines(lines: Position[][]): Position[][] {
  const segments: [Position, Position][] = []
  for (const line of lines) {
    for (let i = 0; i + 1 < line.length; i++) {
      const a = line[i]!
      const b = line[i + 1]!
      if (a[0] !== b[0] || a[1] !== b[1]) segments.push([a, b])
    }
  }
  // Where each segment must be cut, as (parameter 0..1, point): one crossing is computed once and
  // the same point is given to both segments, so they meet exactly.
  const cuts: Cut[][] = segments.map(([a, b]) => [{ t: 0, point: a }, { t: 1, point: b }])
  const boxes = segments.map(([a, b]) => [Math.min(a[0]!, b[0]!), Math.min(a[1]!, b[1]!), Math.max(a[0]!, b[0]!), Math.max(a[1]!, b[1]!)] as const)
  const order = segments.map((_, i) => i).sort((i, j) => boxes[i]![0] - boxes[j]![0])
  for (let oi = 0; oi < order.length; oi++) {
    const i = order[oi]!
    const bi = boxes[i]!
    for (let oj = oi + 1; oj < order.length; oj++) {
      const j = order[oj]!
      const bj = boxes[j]!
      if (bj[0] > bi[2] + EPS) break
      if (bj[1] > bi[3] + EPS || bj[3] < bi[1] - EPS) continue
      intersect(segments[i]!, segments[j]!, cuts[i]!, cuts[j]!)
    }
  }
  const seen = new Set<string>()
  const edges: Position[][] = []
  const canonical = new Map<string, Position>()
  const snap = (p: Position): Position => {
    const key = keyOf(p)
    const existing = canonical.get(key)
    if (existing) return existing
    canonical.set(key, p)
    return p
  }
  segments.forEach((_segment, index) => {
    const ts = cuts[index]!.sort((x, y) => x.t - y.t)
    for (let k = 0; k + 1 < ts.length; k++) {
      const p = snap(ts[k]!.point)
      const q = snap(ts[k + 1]!.point)
      const kp = keyOf(p)
      const kq = keyOf(q)
      if (kp === kq) continue
      const edgeKey = kp < kq ? `${kp}|${kq}` : `${kq}|${kp}`
      if (seen.has(edgeKey)) continue
      seen.add(edgeKey)
      edges.push([p, q])
    }
  })
  return edges
}

const EPS = 1e-12

interface Cut {
  t: number
  point: Position
}

/** Coordinates equal to about a tenth of a millimetre are the same vertex. */
export function keyOf(p: Position): string {
  return `${p[0]!.toFixed(9)},${p[1]!.toFixed(9)}`
}

function lerp(a: Position, b: Position, t: number): Position {
  if (t === 0) return a
  if (t === 1) return b
  return [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t]
}

function intersect(s: [Position, Position], u: [Position, Position], cutsS: Cut[], cutsU: Cut[]): void {
  const [p, p2] = s
  const [q, q2] = u
  const r = [p2[0]! - p[0]!, p2[1]! - p[1]!]
  const d = [q2[0]! - q[0]!, q2[1]! - q[1]!]
  const denom = r[0]! * d[1]! - r[1]! * d[0]!
  const qp = [q[0]! - p[0]!, q[1]! - p[1]!]
  const lenR = Math.hypot(r[0]!, r[1]!)
  const lenD = Math.hypot(d[0]!, d[1]!)
  if (Math.abs(denom) <= 1e-18 * lenR * lenD * 1e6) {
    // Parallel: where collinear, each segment is cut at the other's end points that lie on it.
    const cross = qp[0]! * r[1]! - qp[1]! * r[0]!
    if (Math.abs(cross) > 1e-12 * lenR) return
    addOnSegment(p, r, q, cutsS)
    addOnSegment(p, r, q2, cutsS)
    addOnSegment(q, d, p, cutsU)
    addOnSegment(q, d, p2, cutsU)
    return
  }
  const t = (qp[0]! * d[1]! - qp[1]! * d[0]!) / denom
  const v = (qp[0]! * r[1]! - qp[1]! * r[0]!) / denom
  const tol = 1e-9
  if (t < -tol || t > 1 + tol || v < -tol || v > 1 + tol) return
  const ts = clamp01(t)
  const vs = clamp01(v)
  // An end point that lies on the other segment is the meeting point itself, unchanged.
  const point = ts === 0 ? p : ts === 1 ? p2 : vs === 0 ? q : vs === 1 ? q2 : lerp(p, p2, ts)
  cutsS.push({ t: ts, point })
  cutsU.push({ t: vs, point })
}

function addOnSegment(origin: Position, direction: number[], point: Position, cuts: Cut[]): void {
  const len2 = direction[0]! ** 2 + direction[1]! ** 2
  const t = ((point[0]! - origin[0]!) * direction[0]! + (point[1]! - origin[1]!) * direction[1]!) / len2
  if (t > 0 && t < 1) cuts.push({ t, point })
}

function clamp01(t: number): number {
  if (t < 1e-9) return 0
  if (t > 1 - 1e-9) return 1
  return t
}
