import { badRequest, type ErrorDetail } from '../errors.js'
import { parseInstant } from '../kernel/time.js'
import { inputCrsNames, isInputCrs, toWgs84, type InputCrs, type LonLat } from '../geometry/convert-crs.js'

/**
 * Reading what a caller sent to the resolver. This is done by hand rather than by the route's
 * JSON schema so that every problem names its field (and, in a batch, its point's index), a
 * swapped lon/lat gets a hint, and a 200,000-point batch is checked in one pass.
 */
export const MAX_ACCURACY_M = 1000
export const MAX_BATCH_POINTS = 200_000
/** Enough to fix a file by; a batch that is wrong everywhere is not listed in full. */
export const MAX_LISTED_PROBLEMS = 1000

export interface ResolveOptions {
  crs: InputCrs
  category: string | null
  accuracyM: number
  /** The instant whose assignments answer; ISO string in UTC. */
  at: string
}

export interface PointQuery extends ResolveOptions {
  /** WGS-84, after any conversion. */
  point: LonLat
}

export interface BatchQuery extends ResolveOptions {
  ids: (string | number)[]
  /** WGS-84, after any conversion, in input order. */
  lons: Float64Array
  lats: Float64Array
}

/** A coordinate as a number, from a query string (text) or a JSON body (number only). */
function readCoordinate(value: unknown, fromText: boolean): number | string {
  if (value === undefined || value === null || value === '') return 'is required'
  if (typeof value === 'number') return Number.isFinite(value) ? value : 'must be a finite number'
  if (fromText && typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) {
    return Number(value)
  }
  return `must be a number in decimal degrees, not ${JSON.stringify(value).slice(0, 40)}`
}

/** Checks one lon/lat pair; problems go to `details` with the field path given by `prefix`. */
function checkLonLat(
  raw: { lon: unknown; lat: unknown },
  fromText: boolean,
  prefix: string,
  index: number | undefined,
  details: ErrorDetail[],
): LonLat | null {
  const lon = readCoordinate(raw.lon, fromText)
  const lat = readCoordinate(raw.lat, fromText)
  const at = index === undefined ? {} : { index }
  const before = details.length
  if (typeof lon === 'string') details.push({ ...at, field: `${prefix}lon`, reason: lon })
  if (typeof lat === 'string') details.push({ ...at, field: `${prefix}lat`, reason: lat })
  const swapped = typeof lon === 'number' && typeof lat === 'number' && Math.abs(lat) > 90 && Math.abs(lon) <= 90 && Math.abs(lat) <= 180
  const hint = swapped ? '; lon and lat look swapped (lon comes first)' : ''
  if (typeof lon === 'number' && Math.abs(lon) > 180) details.push({ ...at, field: `${prefix}lon`, reason: `${lon} is outside -180..180` })
  if (typeof lat === 'number' && Math.abs(lat) > 90) details.push({ ...at, field: `${prefix}lat`, reason: `${lat} is outside -90..90${hint}` })
  if (details.length > before || typeof lon !== 'number' || typeof lat !== 'number') return null
  return { lon, lat }
}

function single(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value
}

function readOptions(source: Record<string, unknown>, fromText: boolean, details: ErrorDetail[]): ResolveOptions {
  const options: ResolveOptions = { crs: 'wgs84', category: null, accuracyM: 0, at: new Date().toISOString() }
  const crs = single(source.crs)
  if (crs !== undefined && crs !== null && crs !== '') {
    const name = typeof crs === 'string' ? crs.trim().toLowerCase() : ''
    if (isInputCrs(name)) options.crs = name
    else details.push({ field: 'crs', reason: `must be one of ${inputCrsNames.join(', ')}, not ${JSON.stringify(crs)}` })
  }
  const category = single(source.category)
  if (category !== undefined && category !== null && category !== '') {
    if (typeof category === 'string' && category.trim().length > 0 && category.length <= 100) options.category = category.trim()
    else details.push({ field: 'category', reason: 'must be a category name of 1 to 100 characters' })
  }
  const accuracy = single(source.accuracy)
  if (accuracy !== undefined && accuracy !== null && accuracy !== '') {
    const value = readCoordinate(accuracy, fromText)
    if (typeof value === 'number' && value >= 0 && value <= MAX_ACCURACY_M) options.accuracyM = value
    else details.push({ field: 'accuracy', reason: `must be a number of metres from 0 to ${MAX_ACCURACY_M}` })
  }
  const at = single(source.at)
  if (at !== undefined && at !== null && at !== '') {
    const parsed = typeof at === 'string' ? parseInstant(at) : null
    if (parsed) options.at = parsed.toISOString()
    else details.push({ field: 'at', reason: `must be an ISO 8601 time from 1900 to 9999 such as 2024-03-03T09:30:00+08:00, not ${JSON.stringify(at).slice(0, 60)}` })
  }
  return options
}

/** A request whose only fault is its time is `invalid_time`, as on every other route taking `at`. */
function fail(message: string, details: ErrorDetail[]): never {
  const onlyTime = details.length > 0 && details.every((detail) => detail.field === 'at')
  throw badRequest(onlyTime ? 'invalid_time' : 'invalid_request', message, details)
}

/** The query string of GET /api/resolve. */
export function readPointQuery(query: unknown): PointQuery {
  const source = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>
  const details: ErrorDetail[] = []
  const point = checkLonLat({ lon: single(source.lon), lat: single(source.lat) }, true, '', undefined, details)
  const options = readOptions(source, true, details)
  if (details.length > 0 || !point) {
    fail(`Invalid resolve request: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`, details)
  }
  const wgs84 = toWgs84(point, options.crs)
  return { ...options, point: wgs84 }
}

/** The body of POST /api/resolve/batch; every bad point is listed by index, up to a limit. */
export function readBatchBody(body: unknown): BatchQuery {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    fail('The body must be a JSON object {crs?, category?, at?, points: [{id, lon, lat}]}', [{ field: 'body', reason: 'must be an object' }])
  }
  const source = body as Record<string, unknown>
  const details: ErrorDetail[] = []
  const options = readOptions(source, false, details)
  if (options.accuracyM !== 0) details.push({ field: 'accuracy', reason: 'is not supported in a batch' })
  const points = source.points
  if (!Array.isArray(points) || points.length === 0 || points.length > MAX_BATCH_POINTS) {
    details.push({ field: 'points', reason: `must be an array of 1 to ${MAX_BATCH_POINTS} points {id, lon, lat}` })
    fail(`Invalid batch: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`, details)
  }
  const ids: (string | number)[] = new Array(points.length)
  const lons = new Float64Array(points.length)
  const lats = new Float64Array(points.length)
  const pointProblems: ErrorDetail[] = []
  let badPoints = 0
  for (let index = 0; index < points.length; index++) {
    const item: unknown = points[index]
    const problems: ErrorDetail[] = []
    let lonLat: LonLat | null = null
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ index, field: `points.${index}`, reason: 'must be an object {id, lon, lat}' })
    } else {
      const raw = item as Record<string, unknown>
      const id = raw.id
      if (typeof id === 'string' ? id.length === 0 || id.length > 200 : typeof id !== 'number' || !Number.isFinite(id)) {
        problems.push({ index, field: `points.${index}.id`, reason: 'must be a string of 1 to 200 characters or a number' })
      } else {
        ids[index] = id as string | number
      }
      lonLat = checkLonLat({ lon: raw.lon, lat: raw.lat }, false, `points.${index}.`, index, problems)
    }
    if (problems.length > 0 || !lonLat) {
      badPoints++
      if (pointProblems.length < MAX_LISTED_PROBLEMS) pointProblems.push(...problems)
      continue
    }
    lons[index] = lonLat.lon
    lats[index] = lonLat.lat
  }
  if (details.length > 0 || badPoints > 0) {
    const listed = pointProblems.slice(0, MAX_LISTED_PROBLEMS)
    const firstIndices = [...new Set(listed.map((d) => d.index))].slice(0, 10).join(', ')
    const pointPart = badPoints > 0 ? `${badPoints} bad point(s) (index ${firstIndices}${badPoints > 10 ? ', …' : ''})` : ''
    const optionPart = details.map((d) => `${d.field} ${d.reason}`).join('; ')
    fail(`Invalid batch: ${[optionPart, pointPart].filter(Boolean).join('; ')}`, [...details, ...listed])
  }
  if (options.crs !== 'wgs84' && options.crs !== 'cgcs2000') {
    for (let index = 0; index < lons.length; index++) {
      const converted = toWgs84({ lon: lons[index]!, lat: lats[index]! }, options.crs)
      lons[index] = converted.lon
      lats[index] = converted.lat
    }
  }
  return { ...options, ids, lons, lats }
}
