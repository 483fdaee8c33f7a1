/**
 * Distance on the ground from a point to a polygon's edges, the way PostGIS measures
 * `ST_Distance(geometry::geography, point::geography)`: the closest point of each edge is found
 * on the sphere (edges as great-circle arcs, liblwgeom's edge_distance_to_point), and the distance
 * from the point to the closest of those is measured on the WGS-84 spheroid. Pure: no database.
 *
 * Differences from PostGIS, all far below the centimetre the answers show: the spheroid distance
 * is Vincenty's inverse formula where PostGIS calls GeographicLib (they agree to well under a
 * millimetre at city distances), and a point the planar test covers counts as at 0 m where
 * PostGIS tests containment on the sphere (a great-circle edge bulges from the planar one by
 * d² · tan(lat) / 8R, 3 mm for a 500 m edge at 30° N).
 */

const DEGREES = Math.PI / 180
// WGS-84.
const A = 6_378_137
const F = 1 / 298.257223563
const B = A * (1 - F)

/** Vincenty's inverse formula (T. Vincenty, Survey Review 23(176), 1975): metres between two points on WGS-84. */
export function spheroidDistanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  if (lon1 === lon2 && lat1 === lat2) return 0
  const L = (lon2 - lon1) * DEGREES
  const U1 = Math.atan((1 - F) * Math.tan(lat1 * DEGREES))
  const U2 = Math.atan((1 - F) * Math.tan(lat2 * DEGREES))
  const sinU1 = Math.sin(U1)
  const cosU1 = Math.cos(U1)
  const sinU2 = Math.sin(U2)
  const cosU2 = Math.cos(U2)
  let lambda = L
  let sinSigma = 0
  let cosSigma = 1
  let sigma = 0
  let cos2Alpha = 1
  let cos2SigmaM = 0
  for (let iteration = 0; iteration < 200; iteration++) {
    const sinLambda = Math.sin(lambda)
    const cosLambda = Math.cos(lambda)
    const t1 = cosU2 * sinLambda
    const t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosLambda
    sinSigma = Math.sqrt(t1 * t1 + t2 * t2)
    if (sinSigma === 0) return 0
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda
    sigma = Math.atan2(sinSigma, cosSigma)
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma
    cos2Alpha = 1 - sinAlpha * sinAlpha
    cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha))
    const previous = lambda
    lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)))
    if (Math.abs(lambda - previous) < 1e-13) break
  }
  const u2 = (cos2Alpha * (A * A - B * B)) / (B * B)
  const bigA = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
  const bigB = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
  const deltaSigma =
    bigB *
    sinSigma *
    (cos2SigmaM +
      (bigB / 4) *
        (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) - (bigB / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)))
  return B * bigA * (sigma - deltaSigma)
}

/** The closest point found so far, as an angle on the unit sphere and its lon/lat. */
export interface Closest {
  angle: number
  lon: number
  lat: number
}

export const noClosest = (): Closest => ({ angle: Infinity, lon: 0, lat: 0 })

const unit = (lon: number, lat: number, out: Float64Array, at: number) => {
  const cosLat = Math.cos(lat * DEGREES)
  out[at] = cosLat * Math.cos(lon * DEGREES)
  out[at + 1] = cosLat * Math.sin(lon * DEGREES)
  out[at + 2] = Math.sin(lat * DEGREES)
}

const scratch = new Float64Array(12)

function angleBetween(ax: number, ay: number, az: number, bx: number, by: number, bz: number): number {
  const cx = ay * bz - az * by
  const cy = az * bx - ax * bz
  const cz = ax * by - ay * bx
  return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz)
}

/**
 * Narrows `closest` to the nearest point on the sphere of the edges of rings
 * `firstRing` … `endRing - 1` to (lon, lat).
 */
export function closestOnRings(
  coords: Float64Array,
  ringStarts: Int32Array,
  firstRing: number,
  endRing: number,
  lon: number,
  lat: number,
  closest: Closest,
): void {
  const v = scratch
  unit(lon, lat, v, 0)
  const px = v[0]!
  const py = v[1]!
  const pz = v[2]!
  for (let ring = firstRing; ring < endRing; ring++) {
    const end = ringStarts[ring + 1]! - 1
    for (let i = ringStarts[ring]!; i < end; i++) {
      const lon1 = coords[2 * i]!
      const lat1 = coords[2 * i + 1]!
      const lon2 = coords[2 * i + 2]!
      const lat2 = coords[2 * i + 3]!
      unit(lon1, lat1, v, 3)
      unit(lon2, lat2, v, 6)
      const [ax, ay, az, bx, by, bz] = [v[3]!, v[4]!, v[5]!, v[6]!, v[7]!, v[8]!]
      const toStart = angleBetween(px, py, pz, ax, ay, az)
      if (toStart < closest.angle) Object.assign(closest, { angle: toStart, lon: lon1, lat: lat1 })
      const toEnd = angleBetween(px, py, pz, bx, by, bz)
      if (toEnd < closest.angle) Object.assign(closest, { angle: toEnd, lon: lon2, lat: lat2 })
      // The foot of the perpendicular from the point to the edge's great circle, if it falls on the arc.
      let nx = ay * bz - az * by
      let ny = az * bx - ax * bz
      let nz = ax * by - ay * bx
      const nLength = Math.sqrt(nx * nx + ny * ny + nz * nz)
      if (nLength === 0) continue
      nx /= nLength
      ny /= nLength
      nz /= nLength
      const along = px * nx + py * ny + pz * nz
      let kx = px - along * nx
      let ky = py - along * ny
      let kz = pz - along * nz
      const kLength = Math.sqrt(kx * kx + ky * ky + kz * kz)
      if (kLength === 0) continue
      kx /= kLength
      ky /= kLength
      kz /= kLength
      // On the arc when it lies in the cone between the two ends: as close to their midpoint as they are.
      let mx = ax + bx
      let my = ay + by
      let mz = az + bz
      const mLength = Math.sqrt(mx * mx + my * my + mz * mz)
      mx /= mLength
      my /= mLength
      mz /= mLength
      if (kx * mx + ky * my + kz * mz < ax * mx + ay * my + az * mz) continue
      const toFoot = angleBetween(px, py, pz, kx, ky, kz)
      if (toFoot < closest.angle) {
        closest.angle = toFoot
        closest.lon = Math.atan2(ky, kx) / DEGREES
        closest.lat = Math.asin(kz) / DEGREES
      }
    }
  }
}
