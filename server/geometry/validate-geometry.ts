import type { ErrorDetail } from '../errors.js'

/**
 * Structural checks of a GeoJSON geometry from a caller, before it reaches PostGIS, so that every
 * problem names its place (`geometry.coordinates[0][3]`) and a swapped lon/lat gets a hint.
 * Validity that needs real geometry (self-intersection) is checked in SQL by
 * `sqlGeometryProblems` in server/zones/zone-checks.ts.
 */
export type ExpectedGeometry = 'area' | 'line'

/** Enough for a district boundary traced from a survey; more is a mistake or an attack. */
export const MAX_VERTICES = 100_000
/**
 * A centre line becomes an owned area by a buffer on the spheroid, which PostGIS computes in a
 * local projection; across more than a few degrees that projection no longer holds and the strip
 * comes out many times too wide (a 179° line at 12 m owned 44,000 km²). No street is that long.
 */
export const MAX_LINE_SPAN_DEG = 5
/**
 * The smallest area a ring may enclose. The export writes 7 decimals (about 1 cm), so a ring much
 * smaller collapses there and the import refuses what the API accepted; no zone is this small.
 */
export const MIN_RING_AREA_M2 = 1
/** A geometry that is wrong everywhere is not listed in full. */
export const MAX_GEOMETRY_PROBLEMS = 20

const allowedTypes: Record<ExpectedGeometry, readonly string[]> = {
  area: ['Polygon', 'MultiPolygon'],
  line: ['LineString', 'MultiLineString'],
}
const geoJsonGeometryTypes = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']

type Position = [number, number, ...number[]]

class Problems {
  readonly list: ErrorDetail[] = []
  overflow = 0
  add(field: string, reason: string): void {
    if (this.list.length < MAX_GEOMETRY_PROBLEMS) this.list.push({ field, reason })
    else this.overflow++
  }
}

export function validateGeometry(geometry: unknown, expected: ExpectedGeometry, field = 'geometry'): ErrorDetail[] {
  const allowed = allowedTypes[expected]
  const expectedText = `${allowed.join(' or ')} (${expected === 'area' ? 'an area' : 'a centre line'})`
  if (geometry === undefined || geometry === null) return [{ field, reason: `is required: a GeoJSON ${expectedText}` }]
  if (typeof geometry !== 'object' || Array.isArray(geometry)) {
    return [{ field, reason: `must be a GeoJSON geometry object, got ${describe(geometry)}` }]
  }
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown }
  if (type === 'Feature' || type === 'FeatureCollection') {
    return [{ field: `${field}.type`, reason: `is a ${type}; send its geometry (${expectedText}) instead` }]
  }
  if (typeof type !== 'string') return [{ field: `${field}.type`, reason: `is required: ${expectedText}` }]
  if (!allowed.includes(type)) {
    const known = geoJsonGeometryTypes.includes(type) ? `${type} is not allowed here` : `unknown GeoJSON type "${type}"`
    return [{ field: `${field}.type`, reason: `${known}: expected ${expectedText}` }]
  }
  const path = `${field}.coordinates`
  if (!Array.isArray(coordinates)) return [{ field: path, reason: 'must be an array of coordinates' }]
  if (coordinates.length === 0) return [{ field: path, reason: `is empty: a ${type} needs coordinates` }]

  const vertices = countVertices(coordinates, type)
  if (vertices > MAX_VERTICES) {
    return [{ field: path, reason: `has ${vertices} vertices; at most ${MAX_VERTICES} are allowed per geometry (simplify it)` }]
  }

  const problems = new Problems()
  switch (type) {
    case 'Polygon':
      checkPolygon(coordinates, path, problems)
      break
    case 'MultiPolygon':
      coordinates.forEach((polygon, index) => {
        if (!Array.isArray(polygon) || polygon.length === 0) problems.add(`${path}[${index}]`, 'must be a non-empty array of rings')
        else checkPolygon(polygon, `${path}[${index}]`, problems)
      })
      break
    case 'LineString':
      checkLine(coordinates, path, problems)
      break
    case 'MultiLineString':
      coordinates.forEach((line, index) => {
        if (!Array.isArray(line)) problems.add(`${path}[${index}]`, 'must be an array of positions')
        else checkLine(line, `${path}[${index}]`, problems)
      })
      break
  }
  if (problems.overflow > 0) problems.list.push({ field: path, reason: `and ${problems.overflow} more problems` })
  if (expected === 'line' && problems.list.length === 0) {
    const span = lineSpan(type === 'LineString' ? [coordinates as Position[]] : (coordinates as Position[][]))
    if (span > MAX_LINE_SPAN_DEG) {
      problems.add(path, `spans ${Math.round(span * 100) / 100}° across; a street or segment centre line may span at most ${MAX_LINE_SPAN_DEG}° (about 500 km)`)
    }
  }
  return problems.list
}

function checkPolygon(rings: unknown[], path: string, problems: Problems): void {
  rings.forEach((ring, index) => {
    const ringPath = `${path}[${index}]`
    if (!Array.isArray(ring)) return problems.add(ringPath, 'must be an array of positions (a linear ring)')
    const positions = checkPositions(ring, ringPath, problems)
    if (!positions) return
    if (positions.length < 4) {
      return problems.add(ringPath, `a ring needs at least 4 positions (the first repeated last), got ${positions.length}`)
    }
    const first = positions[0]!
    const last = positions[positions.length - 1]!
    if (!samePoint(first, last)) {
      return problems.add(
        ringPath,
        `ring is not closed: the first position ${formatPosition(first)} differs from the last ${formatPosition(last)}`,
      )
    }
    if (distinctCount(positions) < 3) return problems.add(ringPath, 'a ring needs at least 3 distinct positions')
    const { area, box } = ringAreaM2(positions)
    // A ring whose signed area cancels out but whose box is larger crosses itself (a bow tie):
    // PostGIS's validity check names the crossing, which says more.
    if (area < MIN_RING_AREA_M2 && box < MIN_RING_AREA_M2) {
      problems.add(ringPath, `the ring encloses ${area < 0.01 ? 'almost nothing' : `${Math.round(area * 100) / 100} m²`}: an area under ${MIN_RING_AREA_M2} m² is not a zone (and would not survive the export's 1 cm precision)`)
    }
    checkEdges(positions, ringPath, problems)
  })
}

function checkLine(line: unknown[], path: string, problems: Problems): void {
  const positions = checkPositions(line, path, problems)
  if (!positions) return
  if (positions.length < 2) return problems.add(path, `a line needs at least 2 positions, got ${positions.length}`)
  if (distinctCount(positions) < 2) problems.add(path, 'a line needs at least 2 distinct positions')
  checkEdges(positions, path, problems)
}

/**
 * An edge from 179.9° to -179.9° is a straight line in degrees around the whole globe: stored
 * planar, it would own every point of that latitude band, and geography measures cannot take an
 * edge between antipodes at all. RFC 7946 §3.1.9 says to split such geometries at the antimeridian.
 */
function checkEdges(positions: Position[], path: string, problems: Problems): void {
  for (let index = 1; index < positions.length; index++) {
    const from = positions[index - 1]!
    const to = positions[index]!
    if (Math.abs(to[0] - from[0]) >= 180 || Math.abs(to[1] - from[1]) >= 180) {
      problems.add(
        `${path}[${index}]`,
        `the edge from ${formatPosition(from)} to ${formatPosition(to)} spans half the globe or more; ` +
          'split geometries that cross the antimeridian (RFC 7946 §3.1.9)',
      )
    }
  }
}

/** The positions when all are well-formed; otherwise the problems are recorded and null returned. */
function checkPositions(list: unknown[], path: string, problems: Problems): Position[] | null {
  let ok = true
  list.forEach((position, index) => {
    const reason = positionProblem(position)
    if (reason) {
      ok = false
      problems.add(`${path}[${index}]`, reason)
    }
  })
  return ok ? (list as Position[]) : null
}

function positionProblem(position: unknown): string | null {
  if (!Array.isArray(position) || position.length < 2 || position.length > 4) {
    return `must be a position [lon, lat], got ${describe(position)}`
  }
  for (const value of position) {
    if (typeof value !== 'number') return `coordinates must be numbers, got ${describe(value)}`
    if (!Number.isFinite(value)) return `coordinates must be finite numbers`
  }
  const [lon, lat] = position as number[] as [number, number]
  const lonOk = lon >= -180 && lon <= 180
  const latOk = lat >= -90 && lat <= 90
  if (lonOk && latOk) return null
  // A latitude beyond ±90 that would be a fine longitude, with a longitude that would be a fine
  // latitude, is almost always [lat, lon] written by someone used to "30.27 N, 120.15 E".
  const swapped = Math.abs(lon) <= 90 && Math.abs(lat) <= 180
  const which = !latOk ? `latitude ${lat} is out of range -90..90` : `longitude ${lon} is out of range -180..180`
  return swapped && !latOk
    ? `${which}; longitude and latitude look swapped (GeoJSON is [lon, lat]: [${lat}, ${lon}]?)`
    : which
}

/**
 * The area a ring encloses on the ground, and that of its bounding box, near enough for a bound
 * of a square metre: the shoelace formula in degrees, scaled by the length of a degree at the
 * ring's mean latitude (a sphere of the WGS-84 mean radius, 6,371,008.8 m).
 */
function ringAreaM2(positions: Position[]): { area: number; box: number } {
  const metresPerDegree = (6_371_008.8 * Math.PI) / 180
  let twice = 0
  let latitudes = 0
  const [lon0, lat0] = positions[0]!
  let [west, south, east, north] = [lon0, lat0, lon0, lat0]
  for (let index = 1; index < positions.length; index++) {
    const [lonA, latA] = positions[index - 1]!
    const [lonB, latB] = positions[index]!
    // Relative to the first vertex, so that 120.15 + 5e-8 keeps its digits.
    twice += (lonA - lon0) * (latB - lat0) - (lonB - lon0) * (latA - lat0)
    latitudes += latB
    west = Math.min(west, lonB)
    east = Math.max(east, lonB)
    south = Math.min(south, latB)
    north = Math.max(north, latB)
  }
  const squareMetres = metresPerDegree * metresPerDegree * Math.cos(((latitudes / (positions.length - 1)) * Math.PI) / 180)
  return { area: (Math.abs(twice) / 2) * squareMetres, box: (east - west) * (north - south) * squareMetres }
}

/** The larger side, in degrees, of the box around every position of the lines. */
function lineSpan(lines: Position[][]): number {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const line of lines) {
    for (const [lon, lat] of line) {
      west = Math.min(west, lon)
      east = Math.max(east, lon)
      south = Math.min(south, lat)
      north = Math.max(north, lat)
    }
  }
  return Math.max(east - west, north - south)
}

function countVertices(coordinates: unknown[], type: string): number {
  const depth = type === 'MultiPolygon' ? 3 : type === 'Polygon' || type === 'MultiLineString' ? 2 : 1
  const count = (value: unknown, level: number): number => {
    if (!Array.isArray(value)) return 0
    if (level === 0) return 1
    let total = 0
    for (const item of value) total += count(item, level - 1)
    return total
  }
  return count(coordinates, depth)
}

function samePoint(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1]
}

function distinctCount(positions: Position[]): number {
  return new Set(positions.map((p) => `${p[0]},${p[1]}`)).size
}

function formatPosition(position: Position): string {
  return `[${position[0]}, ${position[1]}]`
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`
}
