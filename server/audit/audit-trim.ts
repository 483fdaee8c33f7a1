/**
 * What the audit trail keeps of a before or after state: the object as the API shows it, with
 * every geometry summarised as `{type, bbox}` (a grid's outline would make each row kilobytes,
 * and the zone's own table keeps the shape) and every secret removed. Pure: no HTTP or database.
 */

/** Fields never stored in the trail, wherever they appear. */
const SECRET_FIELDS = new Set([
  'password', 'current_password', 'new_password', 'password_hash',
  'token', 'token_hash', 'csrf_token', 'challenge', 'secret', 'totp_secret', 'otpauth_url',
])
/** A state larger than this, once trimmed, is kept as its size only. */
export const MAX_STATE_CHARS = 32_000
const MAX_DEPTH = 12

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'])

export interface TrimOptions {
  /** Also strip `code` fields: on the session routes a `code` is a second-factor code, elsewhere a zone's code. */
  stripCode?: boolean
}

export function trimForAudit(value: unknown, options: TrimOptions = {}): unknown {
  if (value === undefined) return undefined
  const trimmed = trim(value, options, 0)
  const text = JSON.stringify(trimmed)
  if (text !== undefined && text.length > MAX_STATE_CHARS) return { truncated: true, chars: text.length }
  return trimmed
}

function trim(value: unknown, options: TrimOptions, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '…'
  if (Array.isArray(value)) return value.map((item) => trim(item, options, depth + 1))
  const object = value as Record<string, unknown>
  if (isGeometry(object)) return { type: object.type, bbox: geometryBbox(object) }
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(object)) {
    if (SECRET_FIELDS.has(key) || (options.stripCode && key === 'code')) continue
    out[key] = trim(item, options, depth + 1)
  }
  return out
}

function isGeometry(object: Record<string, unknown>): boolean {
  return typeof object.type === 'string' && GEOMETRY_TYPES.has(object.type) && ('coordinates' in object || 'geometries' in object)
}

/** [west, south, east, north] of a GeoJSON geometry, or null when it holds no position. */
export function geometryBbox(geometry: Record<string, unknown>): [number, number, number, number] | null {
  const box = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number]
  const visit = (node: unknown): void => {
    if (!Array.isArray(node)) return
    if (node.length >= 2 && typeof node[0] === 'number' && typeof node[1] === 'number') {
      box[0] = Math.min(box[0], node[0])
      box[1] = Math.min(box[1], node[1])
      box[2] = Math.max(box[2], node[0])
      box[3] = Math.max(box[3], node[1])
      return
    }
    for (const child of node) visit(child)
  }
  const walk = (g: Record<string, unknown>): void => {
    if (Array.isArray(g.geometries)) for (const part of g.geometries) if (part && typeof part === 'object') walk(part as Record<string, unknown>)
    visit(g.coordinates)
  }
  walk(geometry)
  return box[0] === Infinity ? null : box
}
