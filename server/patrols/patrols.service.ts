import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { grantsWith, hasPermission, type Actor } from '../auth/actor.js'
import { caseScope } from '../cases/cases.access.js'
import { badRequest, DomainError, notFound, type ErrorDetail } from '../errors.js'
import type { Role } from '../kernel/permissions.js'
import { creditPatrol, trackCredits, trackTotals, type CreditRow } from './credit.js'
import type { PatrolSettings } from './patrols.settings.js'

/**
 * Patrols (docs/patrols.md): recording one's own walk, appending positions, stopping (which
 * credits the track to the zones), and reading patrols as their walker, as an aggregate reader
 * (`patrols.read`, in scope: time and distance per zone, no positions) or as a track reader
 * (`patrols.tracks`, every read recorded by the route).
 */

export const patrolRoles = ['chief', 'grid_worker', 'leader', 'department', 'volunteer', 'other'] as const
export type PatrolRole = (typeof patrolRoles)[number]

/** The capacity a patrol is walked in, from the account's role (first match wins). */
const roleOfGrant: Partial<Record<Role, PatrolRole>> = { chief: 'chief', grid_worker: 'grid_worker', leader: 'leader', department_handler: 'department' }

/** A batch of positions: a phone sends a few dozen at a time; this bounds one request. */
export const MAX_FIXES_PER_BATCH = 1000
/** A whole track (a GPX file, a line of the batch file's walker): a 12-hour walk at 1 fix/s is 43 200. */
export const MAX_FIXES_PER_PATROL = 50_000
/** A fix stamped later than this after the server's clock is refused (a phone's clock gone wrong). */
const FUTURE_SLACK_MS = 5 * 60_000
export const DEFAULT_PATROL_ACCURACY_M = 15

export interface PatrolRow {
  id: number
  account_id: number | null
  party_id: number | null
  role: PatrolRole
  source: 'phone' | 'gpx' | 'batch'
  state: 'recording' | 'done' | 'discarded'
  started_at: Date
  ended_at: Date | null
  accuracy_m: number
  distance_m: number | null
  walking_s: number | null
  note: string | null
  fixes_purged_at: Date | null
  version: number
}

export interface NewFix {
  at: Date
  lon: number
  lat: number
  accuracy_m: number | null
  segment: number
}

export function patrolRoleFor(actor: Actor, requested: unknown): PatrolRole {
  const held = actor.grants.flatMap((grant) => (roleOfGrant[grant.role] ? [roleOfGrant[grant.role]!] : []))
  const everyRole = actor.grants.some((grant) => grant.role === 'administrator')
  if (requested === undefined || requested === null) return held[0] ?? 'other'
  if (typeof requested !== 'string' || !(patrolRoles as readonly string[]).includes(requested)) {
    throw badRequest('invalid_request', `role must be one of ${patrolRoles.join(', ')}`, [{ field: 'role', reason: `must be one of ${patrolRoles.join(', ')}` }])
  }
  if (!everyRole && !held.includes(requested as PatrolRole) && requested !== 'other' && requested !== 'volunteer') {
    throw badRequest('invalid_request', `You hold no role that patrols as ${requested} (yours: ${held.join(', ') || 'none'})`, [
      { field: 'role', reason: `not a role of this account (${held.join(', ') || 'none'})` },
    ])
  }
  return requested as PatrolRole
}

export function readAccuracyM(value: unknown, field: string, details: ErrorDetail[]): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1000) {
    details.push({ field, reason: 'must be a number of metres from 0 to 1000' })
    return null
  }
  return value
}

function readInstant(value: unknown, field: string, details: ErrorDetail[], now: Date): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    details.push({ field, reason: 'must be an ISO 8601 time with a zone, e.g. 2026-12-02T08:00:05Z' })
    return null
  }
  const at = new Date(value)
  if (at.getTime() > now.getTime() + FUTURE_SLACK_MS) {
    details.push({ field, reason: 'lies in the future' })
    return null
  }
  return at
}

/** The positions of a batch, checked one by one; problems named `fixes[i].field`. */
export function readFixes(value: unknown, now: Date): NewFix[] {
  const details: ErrorDetail[] = []
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FIXES_PER_BATCH) {
    throw badRequest('invalid_request', `fixes must be a list of 1 to ${MAX_FIXES_PER_BATCH} positions`, [{ field: 'fixes', reason: `must hold 1 to ${MAX_FIXES_PER_BATCH} positions` }])
  }
  const fixes: NewFix[] = []
  value.forEach((raw: unknown, index) => {
    const field = `fixes[${index}]`
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      details.push({ field, reason: 'must be an object {at, lon, lat, accuracy_m?}' })
      return
    }
    const fix = raw as Record<string, unknown>
    const before = details.length
    const unknown = Object.keys(fix).filter((key) => !['at', 'lon', 'lat', 'accuracy_m'].includes(key))
    if (unknown.length) details.push({ field: `${field}.${unknown[0]}`, reason: 'is not a field of a position' })
    const at = readInstant(fix.at, `${field}.at`, details, now)
    if (typeof fix.lon !== 'number' || !Number.isFinite(fix.lon) || Math.abs(fix.lon) > 180) details.push({ field: `${field}.lon`, reason: 'must be a number from -180 to 180' })
    if (typeof fix.lat !== 'number' || !Number.isFinite(fix.lat) || Math.abs(fix.lat) > 90) details.push({ field: `${field}.lat`, reason: 'must be a number from -90 to 90' })
    let accuracy: number | null = null
    if (fix.accuracy_m !== undefined && fix.accuracy_m !== null) {
      if (typeof fix.accuracy_m !== 'number' || !Number.isFinite(fix.accuracy_m) || fix.accuracy_m < 0 || fix.accuracy_m > 100_000) {
        details.push({ field: `${field}.accuracy_m`, reason: 'must be a number of metres from 0 to 100000' })
      } else accuracy = fix.accuracy_m
    }
    if (details.length > before) return
    const previous = fixes[fixes.length - 1]
    if (previous && at!.getTime() <= previous.at.getTime()) {
      details.push({ field: `${field}.at`, reason: 'must be later than the position before it (positions are sent in the order taken)' })
      return
    }
    fixes.push({ at: at!, lon: fix.lon as number, lat: fix.lat as number, accuracy_m: accuracy, segment: 0 })
  })
  if (details.length) throw badRequest('invalid_request', `Invalid positions: ${details.slice(0, 5).map((d) => `${d.field} ${d.reason}`).join('; ')}`, details.slice(0, 100))
  return fixes
}

export async function patrolRow(db: DbOrTx, id: number, lock = false): Promise<PatrolRow | undefined> {
  const { rows } = lock
    ? await sql<PatrolRow>`SELECT * FROM patrol WHERE id = ${id} FOR UPDATE`.execute(db)
    : await sql<PatrolRow>`SELECT * FROM patrol WHERE id = ${id}`.execute(db)
  return rows[0]
}

/** The walker's own patrol, for a write: another person's is 403 whatever one's scope. */
export async function requireOwnPatrol(db: DbOrTx, actor: Actor, id: number, lock = false): Promise<PatrolRow> {
  const row = await patrolRow(db, id, lock)
  if (!row) throw notFound(`Patrol ${id}`)
  if (row.account_id !== actor.accountId) {
    throw new DomainError('forbidden', `Patrol ${id} is not yours: only its walker records it`, { permission: 'patrols.record' })
  }
  return row
}

export function requireState(row: PatrolRow, states: PatrolRow['state'][], doing: string): void {
  if (!states.includes(row.state)) {
    throw new DomainError('invalid_transition', `Patrol ${row.id} is ${row.state}; ${doing} needs it ${states.join(' or ')}`, { state: row.state })
  }
}

export async function startPatrol(
  db: Db,
  actor: Actor,
  input: { role: PatrolRole; accuracyM: number | null; note: string | null; startedAt: Date },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    // One recording at a time per person: a phone that retries its start finds the first one.
    await sql`SELECT id FROM account WHERE id = ${actor.accountId} FOR UPDATE`.execute(tx)
    const { rows: open } = await sql<{ id: number }>`SELECT id FROM patrol WHERE account_id = ${actor.accountId} AND state = 'recording'`.execute(tx)
    if (open[0]) {
      throw new DomainError('invalid_transition', `You are already recording patrol ${open[0].id}: stop or discard it first`, { patrol_id: open[0].id })
    }
    const { rows } = await sql<{ id: number }>`
      INSERT INTO patrol (account_id, party_id, role, source, state, started_at, accuracy_m, note)
      VALUES (${actor.accountId}, ${actor.partyId}, ${input.role}, 'phone', 'recording', ${input.startedAt}, ${input.accuracyM ?? DEFAULT_PATROL_ACCURACY_M}, ${input.note})
      RETURNING id`.execute(tx)
    return rows[0]!.id
  })
}

async function insertFixes(tx: DbOrTx, patrolId: number, firstSeq: number, fixes: NewFix[]): Promise<void> {
  for (let start = 0; start < fixes.length; start += 500) {
    const chunk = fixes.slice(start, start + 500)
    await sql`
      INSERT INTO patrol_fix (patrol_id, seq, at, location, accuracy_m, segment)
      SELECT ${patrolId}, ${firstSeq + start} + n - 1, at, ST_SetSRID(ST_MakePoint(lon, lat), 4326), accuracy, segment
      FROM unnest(${chunk.map((f) => f.at.toISOString())}::timestamptz[], ${chunk.map((f) => f.lon)}::float8[], ${chunk.map((f) => f.lat)}::float8[],
        ${chunk.map((f) => f.accuracy_m)}::float8[], ${chunk.map((f) => f.segment)}::int4[]) WITH ORDINALITY AS t(at, lon, lat, accuracy, segment, n)`.execute(tx)
  }
}

export interface AppendAnswer {
  accepted: number
  duplicates: number
  fixes: number
  last_at: string | null
}

/**
 * Appends a batch in order. A phone that lost the answer re-sends the batch: fixes at times
 * already stored are taken as that re-send and skipped; a fix earlier than the last stored one
 * at a time not stored is out of order (400), so a track is never rewritten behind the walker.
 */
export async function appendFixes(db: Db, actor: Actor, id: number, fixes: NewFix[]): Promise<AppendAnswer> {
  return db.transaction().execute(async (tx) => {
    const row = await requireOwnPatrol(tx, actor, id, true)
    requireState(row, ['recording'], 'adding positions')
    const { rows: tail } = await sql<{ seq: number | null; at: Date | null; n: number }>`
      SELECT max(seq) AS seq, max(at) AS at, count(*)::int AS n FROM patrol_fix WHERE patrol_id = ${id}`.execute(tx)
    const last = tail[0]!
    const lastAt = last.at ? new Date(last.at).getTime() : null
    const earlier = lastAt === null ? [] : fixes.filter((fix) => fix.at.getTime() <= lastAt)
    let stored = new Set<number>()
    if (earlier.length) {
      const { rows } = await sql<{ at: Date }>`
        SELECT at FROM patrol_fix WHERE patrol_id = ${id} AND at = ANY(${earlier.map((f) => f.at.toISOString())}::timestamptz[])`.execute(tx)
      stored = new Set(rows.map((r) => new Date(r.at).getTime()))
    }
    const fresh: NewFix[] = []
    fixes.forEach((fix, index) => {
      if (lastAt !== null && fix.at.getTime() <= lastAt) {
        if (stored.has(fix.at.getTime())) return
        throw badRequest('invalid_time', `fixes[${index}].at ${fix.at.toISOString()} is before the last position stored (${new Date(lastAt).toISOString()}) and not one of those stored`, [
          { field: `fixes[${index}].at`, reason: 'earlier than the last stored position' },
        ])
      }
      if (fix.at.getTime() < new Date(row.started_at).getTime() - FUTURE_SLACK_MS) {
        throw badRequest('invalid_time', `fixes[${index}].at ${fix.at.toISOString()} is before the patrol started`, [{ field: `fixes[${index}].at`, reason: 'before the patrol started' }])
      }
      fresh.push(fix)
    })
    if (last.n + fresh.length > MAX_FIXES_PER_PATROL) {
      throw badRequest('too_large', `A patrol holds at most ${MAX_FIXES_PER_PATROL} positions`, [{ field: 'fixes', reason: `more than ${MAX_FIXES_PER_PATROL} positions in the patrol` }])
    }
    await insertFixes(tx, id, (last.seq ?? 0) + 1, fresh)
    if (fresh.length) await sql`UPDATE patrol SET updated_at = now() WHERE id = ${id}`.execute(tx)
    const newest = fresh[fresh.length - 1]?.at.getTime() ?? lastAt
    return { accepted: fresh.length, duplicates: fixes.length - fresh.length, fixes: last.n + fresh.length, last_at: newest === null ? null : new Date(newest).toISOString() }
  })
}

/** Time and distance so far, and the grids crossed, while recording (nothing stored). */
export async function liveSummary(db: DbOrTx, row: PatrolRow, settings: PatrolSettings) {
  const totals = await trackTotals(db, row.id, settings)
  const grids = await trackCredits(db, row.id, row.accuracy_m, settings, ['grid'])
  return { distance_m: totals.distance_m, walking_s: totals.walking_s, grids: grids.map(creditJson) }
}

export async function stopPatrol(db: Db, actor: Actor, id: number, settings: PatrolSettings, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const row = await requireOwnPatrol(tx, actor, id, true)
    requireState(row, ['recording'], 'stopping')
    const { rows } = await sql<{ at: Date | null }>`SELECT max(at) AS at FROM patrol_fix WHERE patrol_id = ${id}`.execute(tx)
    const lastFix = rows[0]?.at ? new Date(rows[0].at) : null
    const started = new Date(row.started_at)
    const ended = lastFix && lastFix > started ? lastFix : now > started ? now : started
    await sql`UPDATE patrol SET state = 'done', ended_at = ${ended} WHERE id = ${id}`.execute(tx)
    await creditPatrol(tx, id, row.accuracy_m, settings)
  })
}

/** Discarding takes a patrol out of every count, and deletes its positions and credits. */
export async function discardPatrol(db: Db, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const row = await requireOwnPatrol(tx, actor, id, true)
    requireState(row, ['recording', 'done'], 'discarding')
    await sql`DELETE FROM patrol_fix WHERE patrol_id = ${id}`.execute(tx)
    await sql`DELETE FROM patrol_credit WHERE patrol_id = ${id}`.execute(tx)
    await sql`
      UPDATE patrol SET state = 'discarded', ended_at = coalesce(ended_at, greatest(started_at, now())), distance_m = NULL, walking_s = NULL,
        updated_at = now(), version = version + 1
      WHERE id = ${id}`.execute(tx)
  })
}

export interface ImportedTrack {
  accountId: number | null
  partyId: number | null
  role: PatrolRole
  source: 'gpx' | 'batch'
  accuracyM: number
  note: string | null
  fixes: NewFix[]
}

/** A whole recorded track (GPX, batch): stored done and credited, in the caller's transaction. */
export async function importTrack(tx: DbOrTx, track: ImportedTrack, settings: PatrolSettings): Promise<{ id: number; credits: CreditRow[] }> {
  if (track.fixes.length === 0) throw badRequest('invalid_request', 'A track needs at least one position', [{ field: 'fixes', reason: 'empty' }])
  if (track.fixes.length > MAX_FIXES_PER_PATROL) {
    throw badRequest('too_large', `A patrol holds at most ${MAX_FIXES_PER_PATROL} positions, this track has ${track.fixes.length}`, [{ field: 'fixes', reason: 'too many positions' }])
  }
  const fixes = [...track.fixes].sort((a, b) => a.at.getTime() - b.at.getTime() || a.segment - b.segment)
  const { rows } = await sql<{ id: number }>`
    INSERT INTO patrol (account_id, party_id, role, source, state, started_at, ended_at, accuracy_m, note)
    VALUES (${track.accountId}, ${track.partyId}, ${track.role}, ${track.source}, 'done', ${fixes[0]!.at}, ${fixes[fixes.length - 1]!.at}, ${track.accuracyM}, ${track.note})
    RETURNING id`.execute(tx)
  const id = rows[0]!.id
  await insertFixes(tx, id, 1, fixes)
  const { credits } = await creditPatrol(tx, id, track.accuracyM, settings)
  return { id, credits }
}

/** How the caller sees a patrol: as its walker, as a track reader, or as aggregates only. */
export type PatrolAccess = { as: 'walker' | 'tracks' } | { as: 'aggregates'; zoneIds: Set<number> | null }

async function scopeZones(db: DbOrTx, actor: Actor, permission: 'patrols.read' | 'patrols.tracks'): Promise<Set<number> | null> {
  const scope = await caseScope(db, actor, permission)
  return scope.all ? null : new Set([...scope.zoneIds, ...scope.partyZoneIds])
}

async function creditedZones(db: DbOrTx, id: number): Promise<number[]> {
  const { rows } = await sql<{ zone_id: number }>`SELECT zone_id FROM patrol_credit WHERE patrol_id = ${id}`.execute(db)
  return rows.map((r) => r.zone_id)
}

export async function accessTo(db: DbOrTx, actor: Actor, row: PatrolRow): Promise<PatrolAccess> {
  if (row.account_id === actor.accountId && hasPermission(actor, 'patrols.record')) return { as: 'walker' }
  const zones = await creditedZones(db, row.id)
  if (hasPermission(actor, 'patrols.tracks')) {
    const scope = await scopeZones(db, actor, 'patrols.tracks')
    if (scope === null || zones.some((zone) => scope.has(zone))) return { as: 'tracks' }
  }
  if (hasPermission(actor, 'patrols.read')) {
    const scope = await scopeZones(db, actor, 'patrols.read')
    if (scope === null || zones.some((zone) => scope.has(zone))) return { as: 'aggregates', zoneIds: scope }
    throw new DomainError('out_of_scope', `Patrol ${row.id} crossed no zone of your scope (patrols.read)`, { permission: 'patrols.read' })
  }
  if (grantsWith(actor, 'patrols.record').length > 0) {
    throw new DomainError('forbidden', `Patrol ${row.id} is another person's: reading it needs patrols.read (aggregates) or patrols.tracks`, { permission: 'patrols.read' })
  }
  throw new DomainError('forbidden', 'This needs the permission patrols.read', { permission: 'patrols.read' })
}

export function creditJson(credit: Pick<CreditRow, 'zone_id' | 'zone_kind' | 'zone_code' | 'zone_name' | 'seconds' | 'metres' | 'first_at' | 'last_at'>) {
  return {
    zone: { id: credit.zone_id, kind: credit.zone_kind, code: credit.zone_code, name: credit.zone_name },
    seconds: Math.round(Number(credit.seconds) * 10) / 10,
    metres: Math.round(Number(credit.metres) * 10) / 10,
    first_at: new Date(credit.first_at).toISOString(),
    last_at: new Date(credit.last_at).toISOString(),
  }
}

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString())

interface WalkerFacts {
  login: string | null
  display_name: string | null
  party_name: string | null
}

async function walkerOf(db: DbOrTx, row: PatrolRow): Promise<WalkerFacts> {
  const { rows } = await sql<WalkerFacts>`
    SELECT a.login, a.display_name, p.name AS party_name
    FROM (SELECT 1) one LEFT JOIN account a ON a.id = ${row.account_id} LEFT JOIN party p ON p.id = ${row.party_id}`.execute(db)
  return rows[0] ?? { login: null, display_name: null, party_name: null }
}

export function summaryJson(row: PatrolRow, walker: WalkerFacts) {
  return {
    id: row.id,
    role: row.role,
    source: row.source,
    state: row.state,
    started_at: iso(row.started_at)!,
    ended_at: iso(row.ended_at),
    accuracy_m: Number(row.accuracy_m),
    distance_m: row.distance_m === null ? null : Math.round(Number(row.distance_m) * 10) / 10,
    walking_s: row.walking_s === null ? null : Math.round(Number(row.walking_s) * 10) / 10,
    note: row.note,
    fixes_purged_at: iso(row.fixes_purged_at),
    walker: { account_id: row.account_id, party_id: row.party_id, login: walker.login, display_name: walker.display_name, party_name: walker.party_name },
  }
}

/** A patrol with its credits (in the caller's scope, for an aggregate reader) and its findings. */
export async function patrolView(db: DbOrTx, actor: Actor, id: number, settings: PatrolSettings) {
  const row = await patrolRow(db, id)
  if (!row) throw notFound(`Patrol ${id}`)
  const access = await accessTo(db, actor, row)
  const { rows: credits } = await sql<CreditRow>`
    SELECT c.zone_id, c.zone_kind, c.zone_code, coalesce(z.name, c.zone_code) AS zone_name, c.seconds, c.metres, c.first_at, c.last_at
    FROM patrol_credit c LEFT JOIN zone z ON z.id = c.zone_id WHERE c.patrol_id = ${id} ORDER BY c.zone_kind, c.zone_code`.execute(db)
  const shown = access.as === 'aggregates' && access.zoneIds ? credits.filter((c) => access.zoneIds!.has(c.zone_id)) : credits
  const { rows: counts } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM patrol_fix WHERE patrol_id = ${id}`.execute(db)
  const { rows: findings } = await sql<{ id: number; number: string; state: string }>`
    SELECT id, number, state FROM case_file WHERE patrol_id = ${id} ORDER BY id`.execute(db)
  const live = row.state === 'recording' && access.as !== 'aggregates' ? await liveSummary(db, row, settings) : null
  return {
    ...summaryJson(row, await walkerOf(db, row)),
    access: access.as,
    fixes: counts[0]!.n,
    credits: shown.map(creditJson),
    live,
    findings,
  }
}

export interface ListFilters {
  mine?: boolean
  state?: PatrolRow['state']
  from?: string
  to?: string
  zone?: string
  limit?: number
  before?: number
}

/** Patrols the caller may see, newest first: their own, and (patrols.read/tracks) those crossing their scope. */
export async function listPatrols(db: DbOrTx, actor: Actor, filters: ListFilters) {
  const readsOthers = hasPermission(actor, 'patrols.read') || hasPermission(actor, 'patrols.tracks')
  const mine = filters.mine === true || !readsOthers
  const scope = mine ? null : await scopeZones(db, actor, hasPermission(actor, 'patrols.tracks') ? 'patrols.tracks' : 'patrols.read')
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200)
  const zoneId = filters.zone
    ? (await sql<{ id: number }>`SELECT id FROM zone WHERE code = ${filters.zone} ORDER BY id LIMIT 1`.execute(db)).rows[0]?.id ?? -1
    : null
  const { rows } = await sql<PatrolRow & WalkerFacts>`
    SELECT p.*, a.login, a.display_name, pa.name AS party_name
    FROM patrol p LEFT JOIN account a ON a.id = p.account_id LEFT JOIN party pa ON pa.id = p.party_id
    WHERE (${!mine}::boolean OR p.account_id = ${actor.accountId})
      AND (${scope === null}::boolean OR EXISTS (SELECT 1 FROM patrol_credit c WHERE c.patrol_id = p.id AND c.zone_id = ANY(${[...(scope ?? [])]}::int4[])))
      AND (${filters.state ?? null}::text IS NULL OR p.state = ${filters.state ?? null})
      AND (${filters.from ?? null}::timestamptz IS NULL OR p.started_at >= ${filters.from ?? null}::timestamptz)
      AND (${filters.to ?? null}::timestamptz IS NULL OR p.started_at < ${filters.to ?? null}::timestamptz)
      AND (${zoneId}::int4 IS NULL OR EXISTS (SELECT 1 FROM patrol_credit c WHERE c.patrol_id = p.id AND c.zone_id = ${zoneId}))
      AND (${filters.before ?? null}::int4 IS NULL OR p.id < ${filters.before ?? null})
    ORDER BY p.id DESC LIMIT ${limit + 1}`.execute(db)
  const page = rows.slice(0, limit)
  return {
    patrols: page.map((row) => summaryJson(row, row)),
    next_before: rows.length > limit ? page[page.length - 1]!.id : null,
  }
}

/** The raw positions as GeoJSON points, in order (the route decides who may, and records the read). */
export async function trackOf(db: DbOrTx, row: PatrolRow) {
  const { rows } = await sql<{ seq: number; at: Date; lon: number; lat: number; accuracy_m: number | null; segment: number }>`
    SELECT seq, at, ST_X(location) AS lon, ST_Y(location) AS lat, accuracy_m, segment FROM patrol_fix WHERE patrol_id = ${row.id} ORDER BY at, seq`.execute(db)
  return {
    type: 'FeatureCollection' as const,
    patrol_id: row.id,
    fixes_purged_at: iso(row.fixes_purged_at),
    features: rows.map((fix) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: [Number(fix.lon), Number(fix.lat)] },
      properties: { seq: fix.seq, at: new Date(fix.at).toISOString(), accuracy_m: fix.accuracy_m === null ? null : Number(fix.accuracy_m), segment: fix.segment },
    })),
  }
}

/** Deletes the fixes of patrols ended before the retention period; the credits and totals stay. */
export async function purgeOldTracks(db: DbOrTx, retentionDays: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000)
  const { rows } = await sql<{ id: number }>`
    WITH old AS (
      SELECT id FROM patrol WHERE fixes_purged_at IS NULL AND coalesce(ended_at, started_at) < ${cutoff}),
    gone AS (DELETE FROM patrol_fix f USING old WHERE f.patrol_id = old.id)
    UPDATE patrol p SET fixes_purged_at = ${now}, updated_at = ${now} FROM old WHERE p.id = old.id RETURNING p.id`.execute(db)
  return rows.length
}
