import { badRequest, type ErrorDetail } from '../errors.js'
import { defaultWidthM } from '../zones/street-width.js'

/**
 * Turns an OpenStreetMap-style road file (GeoJSON ways with `highway` and `name`, as Geofabrik
 * and most OSM extracts write them) into streets in the import format: every way of one name
 * becomes one street. Pure: no database, no HTTP.
 */

type Position = [number, number]
type Line = Position[]

export interface OsmRoadsOptions {
  /** Road classes left out by default that should be kept (`footway`, `service`, `link` for every *_link, …). */
  include?: string[]
  /** Code of the sub-district or community the streets belong to. */
  parent?: string
  /** Put before each street's code; default `S`. */
  codePrefix?: string
}

export interface StreetFeature {
  type: 'Feature'
  properties: {
    kind: 'street'
    code: string
    name: string
    parent?: string
    street_class: string
    width_m: number
  }
  geometry: { type: 'LineString'; coordinates: Line } | { type: 'MultiLineString'; coordinates: Line[] }
}

export interface StreetCollection {
  type: 'FeatureCollection'
  features: StreetFeature[]
}

/** Classes that get a street chief: kept unless the caller filters. Most important first. */
const streetClasses = [
  'motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'living_street', 'pedestrian', 'road',
]
/** Ways nobody is made street chief of: kept only when asked for by name (or `link`). */
const optionalClasses = ['service', 'track', 'path', 'bridleway', 'cycleway', 'footway', 'steps']

/** Lower is more important; *_link ranks just below its road. Unknown classes rank last. */
export function streetClassRank(streetClass: string): number {
  const base = streetClass.endsWith('_link') ? streetClass.slice(0, -'_link'.length) : streetClass
  const position = [...streetClasses, ...optionalClasses].indexOf(base)
  if (position < 0) return 1000
  return position * 2 + (base === streetClass ? 0 : 1)
}

function isKept(streetClass: string, include: Set<string>): boolean {
  if (include.has(streetClass)) return true
  if (streetClass.endsWith('_link')) {
    return include.has('link') && streetClasses.includes(streetClass.slice(0, -'_link'.length))
  }
  return streetClasses.includes(streetClass)
}

const cjk = /[\u3400-\u9fff\uf900-\ufaff]/

/**
 * The Chinese name of a way: OSM mappers sometimes append the English or pinyin name
 * ("延安路 Yan'an Road"), which must not make a second street.
 */
export function normalizeStreetName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ')
  if (!cjk.test(name)) return name
  // Everything after the last CJK character that is only Latin text, digits and punctuation.
  const match = /^(.*[\u3400-\u9fff\uf900-\ufaff）)])[\s;/,|（(]+[A-Za-z0-9'’.\-\s()）]*$/.exec(name)
  return match?.[1]?.trim() ?? name
}

/** A short, stable code for a street name (FNV-1a, 32 bits): adding a street changes no other code. */
export function streetCode(name: string, prefix = 'S'): string {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return `${prefix}${hash.toString(16).padStart(8, '0')}`
}

const round7 = (value: number) => Math.round(value * 1e7) / 1e7
const key = (position: Position) => `${position[0]},${position[1]}`

/**
 * Joins lines end to end where exactly two line ends meet (as PostGIS ST_LineMerge does), so a
 * street of many OSM ways becomes as few lines as its shape allows; junctions of three or more
 * ends stay breaks.
 */
export function mergeLines(lines: Line[]): Line[] {
  const ends = new Map<string, number[]>()
  lines.forEach((line, index) => {
    for (const end of [line[0]!, line[line.length - 1]!]) {
      const list = ends.get(key(end)) ?? []
      list.push(index)
      ends.set(key(end), list)
    }
  })
  const used = new Set<number>()
  // The one other line that ends at `position`, when exactly two line ends meet there.
  const partner = (position: Position, self: number): number | null => {
    const list = ends.get(key(position)) ?? []
    if (list.length !== 2) return null
    const other = list[0] === self ? list[1]! : list[0]!
    return other === self || used.has(other) ? null : other
  }
  const merged: Line[] = []
  lines.forEach((start, index) => {
    if (used.has(index)) return
    used.add(index)
    let chain = [...start]
    for (const forward of [true, false]) {
      let tailOwner = index
      for (;;) {
        const tail = forward ? chain[chain.length - 1]! : chain[0]!
        const next = partner(tail, tailOwner)
        if (next === null) break
        used.add(next)
        tailOwner = next
        let piece = lines[next]!
        // Orient the piece so that it continues from `tail`.
        const startsAtTail = key(piece[0]!) === key(tail)
        if (forward !== startsAtTail) piece = [...piece].reverse()
        chain = forward ? [...chain, ...piece.slice(1)] : [...piece.slice(0, -1), ...chain]
      }
    }
    merged.push(chain)
  })
  return merged
}

interface Way {
  name: string
  streetClass: string
  lines: Line[]
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function readPosition(value: unknown): Position | null {
  if (!Array.isArray(value) || value.length < 2) return null
  const [lon, lat] = value
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) return null
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return null
  return [round7(lon), round7(lat)]
}

/** A line's positions without repeats; null when a position is unreadable. */
function readLine(value: unknown): Line | null {
  if (!Array.isArray(value)) return null
  const line: Line = []
  for (const raw of value) {
    const position = readPosition(raw)
    if (!position) return null
    const last = line[line.length - 1]
    if (!last || last[0] !== position[0] || last[1] !== position[1]) line.push(position)
  }
  return line
}

function readWay(raw: unknown, index: number, problems: ErrorDetail[]): Way | null {
  if (!isObject(raw) || raw.type !== 'Feature') {
    problems.push({ index, field: 'type', reason: 'must be a GeoJSON Feature' })
    return null
  }
  const properties = isObject(raw.properties) ? raw.properties : {}
  const highway = properties.highway
  if (typeof highway !== 'string' || highway.trim() === '') {
    problems.push({ index, field: 'properties.highway', reason: 'is missing: an OSM road needs its highway class' })
    return null
  }
  const geometry = raw.geometry
  if (!isObject(geometry) || (geometry.type !== 'LineString' && geometry.type !== 'MultiLineString')) {
    const got = isObject(geometry) ? String(geometry.type) : 'no geometry'
    problems.push({ index, field: 'geometry', reason: `a road must be a LineString or MultiLineString, got ${got}` })
    return null
  }
  const rawLines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates
  if (!Array.isArray(rawLines)) {
    problems.push({ index, field: 'geometry.coordinates', reason: 'must be a list of positions' })
    return null
  }
  const lines: Line[] = []
  for (const rawLine of rawLines) {
    const line = readLine(rawLine)
    if (!line) {
      problems.push({ index, field: 'geometry.coordinates', reason: 'every position must be [longitude, latitude] within range' })
      return null
    }
    if (line.length >= 2) lines.push(line)
  }
  const name = typeof properties.name === 'string' ? normalizeStreetName(properties.name) : ''
  return { name, streetClass: highway.trim().toLowerCase(), lines }
}

export function osmRoadsToStreets(fc: unknown, options: OsmRoadsOptions = {}): StreetCollection {
  if (!isObject(fc) || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw badRequest('invalid_osm_roads', 'an OSM road file must be a GeoJSON FeatureCollection of road lines', [
      { field: 'type', reason: 'must be a GeoJSON FeatureCollection with a features list' },
    ])
  }
  const problems: ErrorDetail[] = []
  const ways = fc.features.map((raw, index) => readWay(raw, index, problems))
  if (problems.length) {
    throw badRequest('invalid_osm_roads', `${problems.length} features are not OSM roads`, problems.slice(0, 1000))
  }
  const include = new Set((options.include ?? []).map((name) => name.trim().toLowerCase()))
  const byName = new Map<string, Way[]>()
  for (const way of ways) {
    if (!way || !way.name || !isKept(way.streetClass, include) || way.lines.length === 0) continue
    const list = byName.get(way.name) ?? []
    list.push(way)
    byName.set(way.name, list)
  }
  if (byName.size === 0) {
    throw badRequest('invalid_osm_roads', 'the file has no named roads of the classes kept', [
      { field: 'features', reason: `no way has both a name and a highway class among ${[...streetClasses, ...include].join(', ')}` },
    ])
  }
  const prefix = options.codePrefix ?? 'S'
  const codes = new Set<string>()
  const features = [...byName.keys()].sort().map((name): StreetFeature => {
    const group = byName.get(name)!
    const streetClass = group.map((way) => way.streetClass).sort((a, b) => streetClassRank(a) - streetClassRank(b))[0]!
    let code = streetCode(name, prefix)
    for (let salt = 1; codes.has(code); salt++) code = streetCode(`${name}#${salt}`, prefix)
    codes.add(code)
    const lines = mergeLines(group.flatMap((way) => way.lines))
    const geometry: StreetFeature['geometry'] =
      lines.length === 1 ? { type: 'LineString', coordinates: lines[0]! } : { type: 'MultiLineString', coordinates: lines }
    return {
      type: 'Feature',
      properties: {
        kind: 'street',
        code,
        name,
        ...(options.parent ? { parent: options.parent } : {}),
        street_class: streetClass,
        width_m: defaultWidthM(streetClass),
      },
      geometry,
    }
  })
  return { type: 'FeatureCollection', features }
}
