import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { badRequest, DomainError, type ErrorDetail } from '../errors.js'
import { isInputCrs, toWgs84, type InputCrs, type LonLat } from '../geometry/convert-crs.js'
import { parsePhone } from '../kernel/phone.js'
import { MAX_ACCURACY_M } from '../resolve/resolve.input.js'
import { resolvePointInternal, type InternalLink, type InternalResolution } from '../resolve/resolve.service.js'
import { openStates } from './workflow.js'

/**
 * Intake: reading a report, routing it by geometry (DESIGN §4 through the resolver) and writing
 * the case with its first event. Shared by the staff route, the public QR route and Open311.
 */

export const intakeChannels = ['qr', 'hotline', 'patrol', 'open311', 'app'] as const
export type IntakeChannel = (typeof intakeChannels)[number]

/** The accuracy assumed when a report states none, for the near-border flag. */
export const DEFAULT_ACCURACY_M = 10
/** A report of the same category, open, this close is offered as a possible duplicate. */
export const DUPLICATE_RADIUS_M = 50

export interface IntakeInput {
  channel: IntakeChannel
  categoryId: number
  description: string
  /** WGS-84 after conversion; null only for a public report placed by its signboard. */
  point: LonLat
  accuracyM: number | null
  address: string | null
  signboardCode: string | null
  reporterName: string | null
  reporterPhone: string | null
  externalId: string | null
  flags: string[]
  /** A photo link sent by another system (Open311 media_url), kept as given. */
  mediaUrl?: string | null
  /** A finding made on this patrol (sql/015: case_file.patrol_id), written with the case. */
  patrolId?: number | null
}

export interface Reporter {
  accountId: number | null
  login: string | null
  displayName: string | null
}

/** A location from a body: `{lon, lat, crs?}`, converted to WGS-84; problems named by field. */
export function readLocation(value: unknown, field: string, details: ErrorDetail[]): LonLat | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    details.push({ field, reason: 'must be an object {lon, lat, crs?}' })
    return null
  }
  const raw = value as Record<string, unknown>
  const lon = raw.lon
  const lat = raw.lat
  const before = details.length
  if (typeof lon !== 'number' || !Number.isFinite(lon) || Math.abs(lon) > 180) details.push({ field: `${field}.lon`, reason: 'must be a number from -180 to 180' })
  if (typeof lat !== 'number' || !Number.isFinite(lat) || Math.abs(lat) > 90) details.push({ field: `${field}.lat`, reason: 'must be a number from -90 to 90' })
  let crs: InputCrs = 'wgs84'
  if (raw.crs !== undefined && raw.crs !== null) {
    if (typeof raw.crs === 'string' && isInputCrs(raw.crs.toLowerCase())) crs = raw.crs.toLowerCase() as InputCrs
    else details.push({ field: `${field}.crs`, reason: 'must be wgs84, gcj02 or bd09' })
  }
  if (details.length > before) return null
  return toWgs84({ lon: lon as number, lat: lat as number }, crs)
}

export function readAccuracy(value: unknown, field: string, details: ErrorDetail[]): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100_000) {
    details.push({ field, reason: 'must be a number of metres from 0 to 100000' })
    return null
  }
  return value
}

export function readPhone(value: unknown, field: string, details: ErrorDetail[]): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string') {
    details.push({ field, reason: 'must be a string' })
    return null
  }
  const reading = parsePhone(value)
  if (!reading.ok) {
    details.push({ field, reason: reading.reason })
    return null
  }
  return reading.phone.display
}

export function readText(value: unknown, field: string, max: number, details: ErrorDetail[], required = false): string | null {
  if (value === undefined || value === null || (!required && value === '')) {
    if (required) details.push({ field, reason: 'is required' })
    return null
  }
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    details.push({ field, reason: `must be a text of 1 to ${max} characters` })
    return null
  }
  return value.trim()
}

export function failIfAny(details: ErrorDetail[], what: string): void {
  if (details.length === 0) return
  throw badRequest('invalid_request', `Invalid ${what}: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`, details)
}

export interface CategoryFacts {
  id: number
  name: string
  public: boolean
}

/** The category, or 422 naming category_id; `publicOnly` refuses the categories citizens do not pick. */
export async function requireCaseCategory(db: DbOrTx, categoryId: unknown, publicOnly = false): Promise<CategoryFacts> {
  const id = typeof categoryId === 'number' && Number.isSafeInteger(categoryId) && categoryId > 0 && categoryId <= 2_147_483_647 ? categoryId : null
  const row =
    id === null
      ? undefined
      : (await sql<CategoryFacts>`SELECT id, name, public FROM category WHERE id = ${id}`.execute(db)).rows[0]
  if (!row || (publicOnly && !row.public)) {
    throw new DomainError('unknown_case_category', `No ${publicOnly ? 'public ' : ''}category has id ${JSON.stringify(categoryId)}; GET /api/${publicOnly ? 'public/' : ''}categories lists them`, [
      { field: 'category_id', reason: row ? 'is not a public category' : 'no such category' },
    ])
  }
  return row
}

/** What routing decided, and how the case stores it. */
export interface Routing {
  status: InternalResolution['status']
  ownerPartyId: number | null
  ownerDuty: 'merchant' | 'chief' | 'fallback' | null
  ownerZoneId: number | null
  departmentId: number | null
  zoneIds: number[]
  flags: string[]
  /** The stored chain (routing jsonb): as it was at intake. */
  stored: Record<string, unknown>
  resolution: InternalResolution
}

const zoneJson = (link: InternalLink) => ({ id: link.zone.id, code: link.zone.code, name: link.zone.name, kind: link.zone.kind })
const linkJson = (link: InternalLink) => ({ zone: zoneJson(link), holders: link.holders })

/**
 * The owner in resolution order: the primary zone's merchant, else its chief, else the chiefs up
 * the chain's owner zones (segment, street, grid); in a coverage gap the fall-back party.
 */
function ownerOf(resolution: InternalResolution): { link: InternalLink; partyId: number; duty: 'merchant' | 'chief' | 'fallback' } | null {
  const primary = resolution.primary
  if (!primary) return null
  if (resolution.status === 'fallback') {
    if (primary.holders.fallback) return { link: primary, partyId: primary.holders.fallback.id, duty: 'fallback' }
  } else {
    if (primary.holders.merchant) return { link: primary, partyId: primary.holders.merchant.id, duty: 'merchant' }
    for (const link of resolution.chain) {
      if (link.holders.merchant) return { link, partyId: link.holders.merchant.id, duty: 'merchant' }
      if (link.holders.chief) return { link, partyId: link.holders.chief.id, duty: 'chief' }
    }
  }
  for (const link of resolution.chain) if (link.holders.fallback) return { link, partyId: link.holders.fallback.id, duty: 'fallback' }
  return null
}

/** Routes a point for a category; a point outside every jurisdiction is 422 outside_jurisdiction. */
export async function routePoint(db: Db, category: CategoryFacts, point: LonLat, accuracyM: number | null, now: Date): Promise<Routing> {
  const accuracy = Math.min(accuracyM ?? DEFAULT_ACCURACY_M, MAX_ACCURACY_M)
  const resolution = await resolvePointInternal(db, { point, crs: 'wgs84', category: category.name, accuracyM: accuracy, at: now.toISOString() })
  if (resolution.status === 'outside') {
    const nearest = resolution.nearest
    throw new DomainError(
      'outside_jurisdiction',
      `The point ${point.lon.toFixed(6)}, ${point.lat.toFixed(6)} lies outside every jurisdiction` +
        (nearest ? `; the nearest is ${nearest.zone.name} (${nearest.zone.code}), ${Math.round(nearest.distance_m)} m away` : ''),
      [{ field: 'location', reason: 'outside every jurisdiction' }],
    )
  }
  const owner = ownerOf(resolution)
  const flags: string[] = []
  if (resolution.alternatives.some((alternative) => alternative.distance_m <= accuracy)) flags.push('near_border')
  if (resolution.status === 'fallback') flags.push('coverage_gap')
  const zoneIds = [
    ...new Set([...resolution.chain.map((link) => link.zone.id), ...resolution.alternatives.filter((a) => a.distance_m === 0).map((a) => a.zone.id)]),
  ]
  const department = resolution.department
  return {
    status: resolution.status,
    ownerPartyId: owner?.partyId ?? null,
    ownerDuty: owner?.duty ?? null,
    ownerZoneId: owner?.link.zone.id ?? null,
    departmentId: department?.department.id ?? null,
    zoneIds,
    flags,
    resolution,
    stored: {
      status: resolution.status,
      at: now.toISOString(),
      accuracy_m: accuracy,
      primary: resolution.primary ? linkJson(resolution.primary) : null,
      owner: owner ? { party_id: owner.partyId, duty: owner.duty, zone: zoneJson(owner.link) } : null,
      department: department
        ? { id: department.department.id, name: department.department.name, phone: department.department.phone, via: { id: department.via.id, code: department.via.code, kind: department.via.kind } }
        : null,
      chain: resolution.chain.map(linkJson),
      alternatives: resolution.alternatives.map((alternative) => ({ ...linkJson(alternative), distance_m: alternative.distance_m })),
    },
  }
}

export interface DuplicateCandidate {
  id: number
  number: string
  state: string
  distance_m: number
  created_at: Date
}

/** Open cases of the category within 50 m on the ground, nearest first. */
export async function duplicatesNear(db: DbOrTx, categoryId: number, point: LonLat): Promise<DuplicateCandidate[]> {
  const { rows } = await sql<DuplicateCandidate>`
    SELECT id, number, state, round(ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(${point.lon}, ${point.lat}), 4326)::geography)::numeric, 1)::float8 AS distance_m, created_at
    FROM case_file
    WHERE category_id = ${categoryId} AND state = ANY(${[...openStates]}::text[])
      AND ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint(${point.lon}, ${point.lat}), 4326)::geography, ${DUPLICATE_RADIUS_M})
    ORDER BY distance_m, id LIMIT 20`.execute(db)
  return rows
}

/** The point a signboard stands for: a point on its zone (its street, segment, grid). */
export async function signboardPoint(db: DbOrTx, code: string): Promise<LonLat | null> {
  const { rows } = await sql<LonLat>`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE code = ${code}) s`.execute(db)
  return rows[0] ?? null
}

/** Writes the case and its `reported` event, in one transaction; answers its id, number and token. */
export async function insertCase(
  db: Db,
  input: IntakeInput,
  routing: Routing,
  reporter: Reporter,
  now: Date,
): Promise<{ id: number; number: string; token: string }> {
  const token = randomBytes(24).toString('base64url')
  const duplicates = await duplicatesNear(db, input.categoryId, input.point)
  const flags = [...new Set([...routing.flags, ...input.flags, ...(duplicates.length > 0 ? ['possible_duplicate'] : [])])]
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ id: number; number: string }>`
      INSERT INTO case_file (number, public_token, channel, state, category_id, description, location, accuracy_m, address,
        signboard_code, reporter_name, reporter_phone, reporter_account_id, external_id, owner_party_id, owner_duty, owner_zone_id,
        department_id, routing, zone_ids, flags, media_url, patrol_id, created_at, updated_at)
      VALUES (
        to_char(${now.toISOString()}::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(nextval('case_number_seq')::text, 4, '0'),
        ${token}, ${input.channel}, 'reported', ${input.categoryId}, ${input.description},
        ST_SetSRID(ST_MakePoint(${input.point.lon}, ${input.point.lat}), 4326), ${input.accuracyM}, ${input.address},
        ${input.signboardCode}, ${input.reporterName}, ${input.reporterPhone}, ${reporter.accountId}, ${input.externalId},
        ${routing.ownerPartyId}, ${routing.ownerDuty}, ${routing.ownerZoneId}, ${routing.departmentId},
        ${JSON.stringify(routing.stored)}::jsonb, ${routing.zoneIds}::int4[], ${flags}::text[], ${input.mediaUrl ?? null}, ${input.patrolId ?? null}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
      RETURNING id, number`.execute(tx)
    const row = rows[0]!
    await sql`
      INSERT INTO case_event (case_id, at, action, from_state, to_state, account_id, login, display_name, public, public_note, details)
      VALUES (${row.id}, ${now.toISOString()}::timestamptz, 'reported', NULL, 'reported', ${reporter.accountId}, ${reporter.login}, ${reporter.displayName},
        true, '已受理', ${JSON.stringify({ channel: input.channel, flags, duplicates: duplicates.map((d) => d.id) })}::jsonb)`.execute(tx)
    return { id: row.id, number: row.number, token }
  })
}
