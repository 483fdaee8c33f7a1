import { sql, type SelectQueryBuilder } from 'kysely'
import type { Database, Db } from '../db/database.js'

/** What `GET /api/audit` and its export filter by (validated by the routes). */
export interface AuditFilters {
  login?: string
  /** Exact, or a prefix when it ends with a dot: `zone.` is every zone action. */
  action?: string
  objectType?: string
  objectId?: string
  from?: Date
  to?: Date
  /** Keyset paging: events with a smaller id than this. */
  before?: number
}

export interface AuditEventView {
  id: number
  at: string
  login: string | null
  account_id: number | null
  via: string | null
  address: string | null
  user_agent: string | null
  action: string
  object_type: string | null
  object_id: string | null
  object_code: string | null
  outcome: 'ok' | 'refused' | 'failed'
  status: number | null
  method: string | null
  path: string | null
  route: string | null
  comment: string | null
  before: unknown
  after: unknown
}

const eventColumns = [
  'id', 'at', 'login', 'account_id', 'via', 'address', 'user_agent', 'action', 'object_type', 'object_id', 'object_code',
  'outcome', 'status', 'method', 'path', 'route', 'comment', 'before', 'after',
] as const

type AuditQuery = SelectQueryBuilder<Database, 'audit_event', object>

function filtered(db: Db, filters: AuditFilters): AuditQuery {
  let query: AuditQuery = db.selectFrom('audit_event')
  if (filters.login !== undefined) query = query.where('audit_event.login', '=', filters.login)
  if (filters.action !== undefined) {
    query = filters.action.endsWith('.')
      ? query.where(sql<boolean>`starts_with(audit_event.action, ${filters.action})`)
      : query.where('audit_event.action', '=', filters.action)
  }
  if (filters.objectType !== undefined) query = query.where('audit_event.object_type', '=', filters.objectType)
  if (filters.objectId !== undefined) query = query.where('audit_event.object_id', '=', filters.objectId)
  if (filters.from !== undefined) query = query.where('audit_event.at', '>=', filters.from)
  if (filters.to !== undefined) query = query.where('audit_event.at', '<', filters.to)
  if (filters.before !== undefined) query = query.where('audit_event.id', '<', String(filters.before))
  return query
}

type EventRow = { [K in (typeof eventColumns)[number]]: unknown }

function view(row: EventRow): AuditEventView {
  return {
    ...(row as unknown as AuditEventView),
    id: Number(row.id),
    at: new Date(row.at as string | Date).toISOString(),
    before: parseJson(row.before),
    after: parseJson(row.after),
  }
}

/** jsonb comes back parsed from pg and PGlite alike; a string is parsed for safety. */
function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

/** One page of events, newest first. */
export async function listAuditEvents(db: Db, filters: AuditFilters, limit: number): Promise<{ events: AuditEventView[]; next_before: number | null }> {
  const rows = await filtered(db, filters)
    .select(eventColumns.map((column) => `audit_event.${column}` as const))
    .orderBy('audit_event.id', 'desc')
    .limit(limit)
    .execute()
  const events = (rows as EventRow[]).map(view)
  return { events, next_before: events.length === limit ? events[events.length - 1]!.id : null }
}

export async function countAuditEvents(db: Db, filters: AuditFilters): Promise<number> {
  const row = await filtered(db, filters).select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Every matching event, newest first, read 1,000 at a time by keyset so memory stays flat. */
export async function* allAuditEvents(db: Db, filters: AuditFilters): AsyncGenerator<AuditEventView> {
  let before = filters.before
  for (;;) {
    const page = await listAuditEvents(db, { ...filters, ...(before === undefined ? {} : { before }) }, 1000)
    yield* page.events
    if (page.next_before === null) return
    before = page.next_before
  }
}

export interface ZoneHistoryEvent {
  id: number
  at: string
  login: string | null
  display_name: string | null
  action: string
  comment: string | null
  outcome: 'ok' | 'refused' | 'failed'
  status: number | null
  before: unknown
  after: unknown
}

/** A zone's events (its own and the assignment and category writes recorded on it), newest first. */
export async function zoneHistory(db: Db, zoneId: number, limit: number): Promise<ZoneHistoryEvent[]> {
  const rows = await db
    .selectFrom('audit_event')
    .leftJoin('account', 'account.id', 'audit_event.account_id')
    .select([
      'audit_event.id', 'audit_event.at', 'audit_event.login', 'account.display_name', 'audit_event.action', 'audit_event.comment',
      'audit_event.outcome', 'audit_event.status', 'audit_event.before', 'audit_event.after',
    ])
    .where('audit_event.object_type', '=', 'zone')
    .where('audit_event.object_id', '=', String(zoneId))
    .orderBy('audit_event.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    ...row,
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    display_name: row.display_name ?? null,
    before: parseJson(row.before),
    after: parseJson(row.after),
  }))
}

/** An account as the trail keeps it: never its password hash or second-factor secret. */
export async function accountState(db: Db, id: number) {
  return db
    .selectFrom('account')
    .select(['id', 'login', 'display_name', 'party_id', 'disabled', 'locked_until', 'must_change_password', 'totp_enabled', 'demo', 'version'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function grantState(db: Db, accountId: number, grantId: number) {
  return db
    .selectFrom('account_grant')
    .innerJoin('account', 'account.id', 'account_grant.account_id')
    .select(['account_grant.id', 'account_grant.account_id', 'account.login', 'account_grant.role', 'account_grant.scope_zone_id', 'account_grant.scope_party_id'])
    .where('account_grant.id', '=', grantId)
    .where('account_grant.account_id', '=', accountId)
    .executeTakeFirst()
}

/** A token as the trail keeps it: never its hash. */
export async function tokenState(db: Db, id: number) {
  return db
    .selectFrom('api_token')
    .select(['id', 'account_id', 'name', 'permissions', 'created_at', 'expires_at', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst()
}
