import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import type { Actor } from '../auth/actor.js'
import { grantsWith } from '../auth/actor.js'
import { badRequest, conflict, DomainError, notFound, type ErrorDetail } from '../errors.js'
import { maskPhone } from '../kernel/phone-mask.js'
import type { Permission } from '../kernel/permissions.js'
import { categoryLimit, dueTimes, loadCalendar, workingTimeBetween } from '../calendar/due.js'
import { addWorkingTime, type Limit, type LimitUnit } from '../calendar/working-time.js'
import { queueCaseNotices, type CaseNoticeEvent } from '../notify/notices.js'
import { caseScope, caseScopeSql, handlingParties, mayOnCase, assertMayOnCase, type CaseScope } from './cases.access.js'
import { failIfAny, readText } from './cases.intake.js'
import { caseActions, isCaseAction, openStates, possibleActions, step, workflow, type CaseAction, type CaseState, type Pending } from './workflow.js'
import { cleanPhoto, PhotoError, type PhotoType } from './photo-strip.js'

/** The workflow, the reads and the photos of cases (docs/cases.md). */

export interface CaseRow {
  id: number
  number: string
  public_token: string
  channel: string
  state: CaseState
  category_id: number
  category_name: string
  description: string
  lon: number
  lat: number
  accuracy_m: number | null
  address: string | null
  signboard_code: string | null
  reporter_name: string | null
  reporter_phone: string | null
  external_id: string | null
  owner_party_id: number | null
  owner_duty: string | null
  owner_zone_id: number | null
  department_id: number | null
  routing: unknown
  zone_ids: number[]
  flags: string[]
  duplicate_of: number | null
  assignee_party_id: number | null
  limit_value: number | null
  limit_unit: LimitUnit | null
  dispatched_at: Date | null
  warn_at: Date | null
  due_at: Date | null
  warned_at: Date | null
  overdue_at: Date | null
  escalation_level: number
  handled_at: Date | null
  closed_at: Date | null
  closed_on_time: boolean | null
  rework_count: number
  extension_count: number
  handback_count: number
  parked_from: CaseState | null
  rating: number | null
  rating_comment: string | null
  created_at: Date
  updated_at: Date
  version: number
}

const caseColumns = sql`c.id, c.number, c.public_token, c.channel, c.state, c.category_id, cat.name AS category_name, c.description,
  ST_X(c.location) AS lon, ST_Y(c.location) AS lat, c.accuracy_m, c.address, c.signboard_code, c.reporter_name, c.reporter_phone,
  c.external_id, c.owner_party_id, c.owner_duty, c.owner_zone_id, c.department_id, c.routing, c.zone_ids, c.flags, c.duplicate_of,
  c.assignee_party_id, c.limit_value, c.limit_unit, c.dispatched_at, c.warn_at, c.due_at, c.warned_at, c.overdue_at,
  c.escalation_level, c.handled_at, c.closed_at, c.closed_on_time, c.rework_count, c.extension_count, c.handback_count,
  c.parked_from, c.rating, c.rating_comment, c.created_at, c.updated_at, c.version`

export async function caseRow(db: DbOrTx, id: number, forUpdate = false): Promise<CaseRow | undefined> {
  if (forUpdate) await sql`SELECT id FROM case_file WHERE id = ${id} FOR UPDATE`.execute(db)
  const { rows } = await sql<CaseRow>`SELECT ${caseColumns} FROM case_file c JOIN category cat ON cat.id = c.category_id WHERE c.id = ${id}`.execute(db)
  return rows[0]
}

export async function caseIdByToken(db: DbOrTx, token: string): Promise<number | undefined> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined
  const { rows } = await sql<{ id: number }>`SELECT id FROM case_file WHERE public_token = ${token}`.execute(db)
  return rows[0]?.id
}

interface EventRow {
  id: string
  at: Date
  action: string
  from_state: string | null
  to_state: string | null
  login: string | null
  display_name: string | null
  by_system: boolean
  note: string | null
  public: boolean
  public_note: string | null
  details: Record<string, unknown>
}

async function caseEvents(db: DbOrTx, caseId: number): Promise<EventRow[]> {
  const { rows } = await sql<EventRow>`
    SELECT id, at, action, from_state, to_state, login, display_name, by_system, note, public, public_note, details
    FROM case_event WHERE case_id = ${caseId} ORDER BY id`.execute(db)
  return rows.map((row) => ({ ...row, details: typeof row.details === 'string' ? JSON.parse(row.details) : row.details }))
}

/** The requests waiting for a dispatcher: the last of each kind's events is the request itself. */
export function pendingOf(events: readonly Pick<EventRow, 'action' | 'details' | 'at' | 'login'>[]): Map<Pending, { at: Date; login: string | null; details: Record<string, unknown> }> {
  const pending = new Map<Pending, { at: Date; login: string | null; details: Record<string, unknown> }>()
  const kinds: Record<Pending, { request: string; answers: string[] }> = {
    extension: { request: 'extension_requested', answers: ['extension_approved', 'extension_refused', 'handed_back', 'handled'] },
    park: { request: 'park_requested', answers: ['parked', 'park_refused', 'handed_back', 'handled'] },
  }
  for (const [kind, { request, answers }] of Object.entries(kinds) as [Pending, { request: string; answers: string[] }][]) {
    const last = [...events].reverse().find((event) => event.action === request || answers.includes(event.action))
    if (last?.action === request) pending.set(kind, { at: last.at, login: last.login, details: last.details })
  }
  return pending
}

async function partyNames(db: DbOrTx, ids: (number | null)[]): Promise<Map<number, { id: number; name: string; phone: string | null }>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))]
  if (wanted.length === 0) return new Map()
  const { rows } = await sql<{ id: number; name: string; phone: string | null }>`SELECT id, name, phone FROM party WHERE id = ANY(${wanted}::int4[])`.execute(db)
  return new Map(rows.map((row) => [row.id, row]))
}

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString())
const isOverdue = (row: Pick<CaseRow, 'state' | 'due_at'>, now: Date) =>
  row.due_at !== null && ['dispatched', 'accepted'].includes(row.state) && new Date(row.due_at).getTime() < now.getTime()

/** The actions the actor may take on the case now: possible from its state, and theirs by permission and scope. */
async function actionsFor(db: DbOrTx, actor: Actor, row: CaseRow, pending: ReadonlySet<Pending>): Promise<CaseAction[]> {
  const scopes = new Map<Permission, CaseScope>()
  const allowed: CaseAction[] = []
  for (const action of possibleActions(row.state, pending)) {
    const permission = workflow[action].permission
    if (await mayOnCase(db, actor, permission, row, scopes)) allowed.push(action)
    else if (action === 'send_back' && (await mayOnCase(db, actor, 'cases.dispatch', row, scopes))) allowed.push(action)
  }
  return allowed
}

/** The case as GET /api/cases/:id answers it to `actor`. */
export async function caseView(db: DbOrTx, actor: Actor, id: number, now: Date = new Date()): Promise<Record<string, unknown>> {
  const row = await caseRow(db, id)
  if (!row) throw notFound(`Case ${id}`)
  if (!(await mayOnCase(db, actor, 'cases.read', row)) && !(await mayOnCase(db, actor, 'cases.handle', row))) {
    throw new DomainError('out_of_scope', `Case ${row.number} is outside your scope (cases.read)`, { permission: 'cases.read' })
  }
  const events = await caseEvents(db, id)
  const pending = pendingOf(events)
  const parties = await partyNames(db, [row.owner_party_id, row.department_id, row.assignee_party_id])
  const zone = row.owner_zone_id === null
    ? undefined
    : (await sql<{ id: number; code: string; name: string; kind: string }>`SELECT id, code, name, kind FROM zone WHERE id = ${row.owner_zone_id}`.execute(db)).rows[0]
  const photos = await sql<{ id: number; purpose: string; content_type: string; byte_size: number; created_at: Date; event_id: string | null }>`
    SELECT id, purpose, content_type, byte_size, created_at, event_id FROM case_photo WHERE case_id = ${id} ORDER BY id`.execute(db)
  const mayContact = await mayOnCase(db, actor, 'cases.contact', row)
  const owner = row.owner_party_id === null ? null : parties.get(row.owner_party_id)
  const pendingJson: Record<string, unknown> = {}
  for (const [kind, request] of pending) pendingJson[kind] = { at: iso(request.at), login: request.login, ...request.details }
  return {
    ...summaryOf(row, parties, now),
    description: row.description,
    accuracy_m: row.accuracy_m,
    signboard_code: row.signboard_code,
    external_id: row.external_id,
    reporter: { name: row.reporter_name, phone: row.reporter_phone === null ? null : mayContact ? row.reporter_phone : maskPhone(row.reporter_phone) },
    owner: owner
      ? { party_id: owner.id, name: owner.name, duty: row.owner_duty, zone: zone ?? null }
      : null,
    routing: typeof row.routing === 'string' ? JSON.parse(row.routing) : row.routing,
    duplicate_of: row.duplicate_of,
    limit: row.limit_value === null ? null : { value: row.limit_value, unit: row.limit_unit },
    dispatched_at: iso(row.dispatched_at),
    warn_at: iso(row.warn_at),
    handled_at: iso(row.handled_at),
    closed_at: iso(row.closed_at),
    closed_on_time: row.closed_on_time,
    rework_count: row.rework_count,
    extension_count: row.extension_count,
    handback_count: row.handback_count,
    parked_from: row.parked_from,
    pending: pendingJson,
    rating: row.rating,
    rating_comment: row.rating_comment,
    version: row.version,
    events: events.map((event) => ({
      id: Number(event.id),
      at: iso(event.at),
      action: event.action,
      from_state: event.from_state,
      to_state: event.to_state,
      login: event.login,
      display_name: event.display_name,
      by_system: event.by_system,
      note: event.note,
      public: event.public,
      public_note: event.public_note,
      details: event.details,
      photo_ids: photos.rows.filter((photo) => photo.event_id !== null && Number(photo.event_id) === Number(event.id)).map((photo) => photo.id),
    })),
    photos: photos.rows.map((photo) => ({ id: photo.id, purpose: photo.purpose, content_type: photo.content_type, byte_size: photo.byte_size, created_at: iso(photo.created_at) })),
    actions: await actionsFor(db, actor, row, new Set(pending.keys())),
  }
}

function summaryOf(row: CaseRow, parties: Map<number, { id: number; name: string }>, now: Date) {
  const party = (id: number | null) => (id === null ? null : parties.get(id) ? { id, name: parties.get(id)!.name } : null)
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    channel: row.channel,
    category: { id: row.category_id, name: row.category_name },
    description: row.description.length > 200 ? `${row.description.slice(0, 200)}…` : row.description,
    location: { lon: Number(row.lon), lat: Number(row.lat) },
    address: row.address,
    flags: row.flags,
    owner_party: party(row.owner_party_id),
    department: party(row.department_id),
    assignee: party(row.assignee_party_id),
    due_at: iso(row.due_at),
    overdue: isOverdue(row, now),
    escalation_level: row.escalation_level,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }
}

export interface ListQuery {
  state?: string
  category_id?: number
  zone?: string
  department_id?: number
  assignee_party_id?: number
  overdue?: boolean
  mine?: boolean
  q?: string
  before?: number
  after?: string
  limit?: number
}

/** The keyset of the `mine` list, ordered by due time: `<due_at ms or "none">.<id>` of the last case of a page. */
export function dueCursor(row: { due_at: Date | null; id: number }): string {
  return `${row.due_at === null ? 'none' : new Date(row.due_at).getTime()}.${row.id}`
}

function readDueCursor(text: string): { dueMs: number | null; id: number } {
  const match = /^(none|\d{1,15})\.(\d{1,10})$/.exec(text)
  if (!match) throw badRequest('invalid_request', 'after must be the next_after of the previous page', [{ field: 'after', reason: 'is not a cursor of this list' }])
  return { dueMs: match[1] === 'none' ? null : Number(match[1]), id: Number(match[2]) }
}

/**
 * GET /api/cases: the cases in the actor's cases.read scope (or assigned to them). The desk's
 * list is newest first, by keyset on the id (`before`); a handler's own list (`mine`) is the
 * soonest due first and those without a due time last, by keyset on (due_at, id) (`after`).
 */
export async function listCases(db: DbOrTx, actor: Actor, query: ListQuery, now: Date = new Date()) {
  const scope = await caseScope(db, actor, 'cases.read')
  const mine = handlingParties(actor)
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200)
  if (query.mine && query.before !== undefined) {
    throw badRequest('invalid_request', 'mine=true lists by due time: page it with after (next_after), not before', [{ field: 'before', reason: 'not with mine=true' }])
  }
  if (!query.mine && query.after !== undefined) {
    throw badRequest('invalid_request', 'after pages the mine=true list; the newest-first list pages with before', [{ field: 'after', reason: 'only with mine=true' }])
  }
  const conditions = [sql`(${caseScopeSql(scope)} OR c.assignee_party_id = ANY(${mine}::int4[]))`]
  if (query.state) conditions.push(sql`c.state = ANY(${query.state.split(',')}::text[])`)
  if (query.category_id !== undefined) conditions.push(sql`c.category_id = ${query.category_id}`)
  if (query.department_id !== undefined) conditions.push(sql`c.department_id = ${query.department_id}`)
  if (query.assignee_party_id !== undefined) conditions.push(sql`c.assignee_party_id = ${query.assignee_party_id}`)
  if (query.mine) conditions.push(sql`c.assignee_party_id = ANY(${mine}::int4[])`)
  if (query.overdue) conditions.push(sql`c.state IN ('dispatched', 'accepted') AND c.due_at < ${now.toISOString()}::timestamptz`)
  if (query.before !== undefined) conditions.push(sql`c.id < ${query.before}`)
  if (query.after !== undefined) {
    const cursor = readDueCursor(query.after)
    if (cursor.dueMs === null) conditions.push(sql`(c.due_at IS NULL AND c.id > ${cursor.id})`)
    else {
      const due = new Date(cursor.dueMs).toISOString()
      conditions.push(sql`(c.due_at > ${due}::timestamptz OR (c.due_at = ${due}::timestamptz AND c.id > ${cursor.id}) OR c.due_at IS NULL)`)
    }
  }
  if (query.q) conditions.push(sql`(c.number = ${query.q} OR strpos(c.description, ${query.q}) > 0 OR strpos(coalesce(c.address, ''), ${query.q}) > 0)`)
  if (query.zone) {
    conditions.push(sql`c.zone_ids && (WITH RECURSIVE down (id, depth) AS (
        SELECT id, 0 FROM zone WHERE code = ${query.zone}
        UNION ALL SELECT z.id, down.depth + 1 FROM zone z JOIN down ON z.parent_id = down.id WHERE down.depth < 32)
      SELECT coalesce(array_agg(id), '{}') FROM down)`)
  }
  const order = query.mine ? sql`c.due_at ASC NULLS LAST, c.id ASC` : sql`c.id DESC`
  const { rows } = await sql<CaseRow>`
    SELECT ${caseColumns} FROM case_file c JOIN category cat ON cat.id = c.category_id
    WHERE ${sql.join(conditions, sql` AND `)} ORDER BY ${order} LIMIT ${limit + 1}`.execute(db)
  const page = rows.slice(0, limit)
  const parties = await partyNames(db, page.flatMap((row) => [row.owner_party_id, row.department_id, row.assignee_party_id]))
  const more = rows.length > limit
  return {
    cases: page.map((row) => summaryOf(row, parties, now)),
    next_before: more && !query.mine ? page[page.length - 1]!.id : null,
    ...(query.mine ? { next_after: more ? dueCursor(page[page.length - 1]!) : null } : {}),
  }
}

/** GET /api/cases/map: open cases in a box as GeoJSON, coloured by urgency. */
export async function casesMap(db: DbOrTx, actor: Actor, bbox: [number, number, number, number], now: Date = new Date()) {
  const scope = await caseScope(db, actor, 'cases.read')
  const mine = handlingParties(actor)
  const [w, s, e, n] = bbox
  const { rows } = await sql<{ id: number; number: string; state: string; category: string; lon: number; lat: number; due_at: Date | null; warn_at: Date | null }>`
    SELECT c.id, c.number, c.state, cat.name AS category, ST_X(c.location) AS lon, ST_Y(c.location) AS lat, c.due_at, c.warn_at
    FROM case_file c JOIN category cat ON cat.id = c.category_id
    WHERE c.state = ANY(${[...openStates]}::text[]) AND c.location && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)
      AND (${caseScopeSql(scope)} OR c.assignee_party_id = ANY(${mine}::int4[]))
    ORDER BY c.id DESC LIMIT 5000`.execute(db)
  const urgency = (row: (typeof rows)[number]) => {
    if (row.due_at === null || !['dispatched', 'accepted'].includes(row.state)) return 'none'
    if (new Date(row.due_at) < now) return 'overdue'
    if (row.warn_at !== null && new Date(row.warn_at) < now) return 'warning'
    return 'normal'
  }
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((row) => ({
      type: 'Feature' as const,
      id: row.id,
      geometry: { type: 'Point' as const, coordinates: [Number(row.lon), Number(row.lat)] },
      properties: { id: row.id, number: row.number, state: row.state, category: row.category, due_at: iso(row.due_at), urgency: urgency(row) },
    })),
  }
}

export interface ActionBody {
  action: string
  version: number
  note?: string
  public_note?: string
  reason?: string
  assignee_party_id?: number
  extension?: { value: number; unit: string }
  duplicate_of?: number
  photo_ids?: number[]
  rating?: number
  comment?: string
}

const defaultPublicNotes: Partial<Record<CaseAction, string>> = {
  file: '已立案',
  dispatch: '已派遣至责任单位处置',
  handle: '已处置，待核查',
  close: '已核查结案',
  evaluate: '已评价',
  mark_duplicate: '与已有案件重复，合并处理',
}

const limitUnits: readonly LimitUnit[] = ['working_hours', 'working_days', 'hours', 'days']

function readExtension(value: unknown, details: ErrorDetail[]): Limit | null {
  if (value === undefined || value === null) return null
  const raw = value as Record<string, unknown>
  if (!raw || typeof raw !== 'object' || typeof raw.value !== 'number' || !Number.isInteger(raw.value) || raw.value < 1 || raw.value > 10000) {
    details.push({ field: 'extension.value', reason: 'must be a whole number from 1 to 10000' })
    return null
  }
  if (typeof raw.unit !== 'string' || !(limitUnits as readonly string[]).includes(raw.unit)) {
    details.push({ field: 'extension.unit', reason: `must be one of ${limitUnits.join(', ')}` })
    return null
  }
  return { value: raw.value, unit: raw.unit as LimitUnit }
}

interface Who {
  accountId: number | null
  login: string | null
  displayName: string | null
  bySystem?: boolean
}

export const whoOf = (actor: Actor | null): Who =>
  actor ? { accountId: actor.accountId, login: actor.login, displayName: actor.displayName } : { accountId: null, login: null, displayName: '公众' }

async function appendEvent(
  tx: DbOrTx,
  caseId: number,
  at: Date,
  event: { action: string; from: string | null; to: string | null; who: Who; note?: string | null; public: boolean; publicNote?: string | null; details?: Record<string, unknown> },
): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO case_event (case_id, at, action, from_state, to_state, account_id, login, display_name, by_system, note, public, public_note, details)
    VALUES (${caseId}, ${at.toISOString()}::timestamptz, ${event.action}, ${event.from}, ${event.to}, ${event.who.accountId}, ${event.who.login},
      ${event.who.displayName}, ${event.who.bySystem ?? false}, ${event.note ?? null}, ${event.public}, ${event.public ? (event.publicNote ?? null) : null},
      ${JSON.stringify(event.details ?? {})}::jsonb)
    RETURNING id`.execute(tx)
  return Number(rows[0]!.id)
}

/**
 * One step of the workflow, all or nothing: the case locked (SELECT … FOR UPDATE), its version
 * checked, the transition checked against the table, the permission and scope of the action, the
 * columns set, the event appended and the notices queued, in one transaction.
 * `actor` null: the citizen's rating through the public page (evaluate only).
 */
export async function applyAction(db: Db, actor: Actor | null, caseId: number, body: ActionBody, now: Date = new Date()): Promise<void> {
  const details: ErrorDetail[] = []
  if (!isCaseAction(body.action)) details.push({ field: 'action', reason: `must be one of ${caseActions.join(', ')}` })
  const note = readText(body.note, 'note', 2000, details)
  const publicNote = readText(body.public_note, 'public_note', 500, details)
  const reason = readText(body.reason, 'reason', 500, details)
  const extension = readExtension(body.extension, details)
  failIfAny(details, 'action')
  const action = body.action as CaseAction

  await db.transaction().execute(async (tx) => {
    const row = await caseRow(tx, caseId, true)
    if (!row) throw notFound(`Case ${caseId}`)
    if (actor && !(await mayOnCase(tx, actor, 'cases.read', row)) && !(await mayOnCase(tx, actor, 'cases.handle', row))) {
      throw notFound(`Case ${caseId}`)
    }
    if (body.version !== row.version) {
      throw conflict('version_conflict', `Case ${row.number} is at version ${row.version}, not ${body.version}: reload it`, { current_version: row.version, current: { state: row.state } })
    }
    const events = await caseEvents(tx, caseId)
    const pending = pendingOf(events)
    const next = step(row.state, action, new Set(pending.keys()), row.parked_from)
    if (!next.ok) {
      const why = next.reason === 'state' ? `a case in state ${row.state} cannot be ${action}` : next.reason === 'pending' ? `a request of this kind is already pending` : `no request is pending to answer`
      throw new DomainError('invalid_transition', `Case ${row.number} is ${row.state}: ${why}`, {
        state: row.state, action, allowed: possibleActions(row.state, new Set(pending.keys())),
      })
    }
    const rule = next.rule
    if (actor) {
      if (action === 'send_back' && !(await mayOnCase(tx, actor, 'cases.verify', row))) await assertMayOnCase(tx, actor, 'cases.dispatch', row)
      else if (action !== 'send_back') await assertMayOnCase(tx, actor, rule.permission, row)
      else await assertMayOnCase(tx, actor, 'cases.verify', row)
    } else if (action !== 'evaluate') {
      throw new DomainError('forbidden', 'Only a rating can be given without an account', { permission: rule.permission })
    }
    if (rule.needsReason && reason === null) {
      throw badRequest('invalid_request', `${action} needs a reason`, [{ field: 'reason', reason: 'is required for this action' }])
    }

    const set: Record<string, unknown> = {}
    const eventDetails: Record<string, unknown> = {}
    let notice: CaseNoticeEvent | null = null
    let photoIds: number[] = []
    if (reason !== null) eventDetails.reason = reason

    switch (action) {
      case 'mark_duplicate': {
        const of = body.duplicate_of
        if (typeof of !== 'number' || of === caseId) {
          throw new DomainError('invalid_duplicate', 'duplicate_of must name another case', [{ field: 'duplicate_of', reason: of === caseId ? 'is this case itself' : 'is required' }])
        }
        const original = await caseRow(tx, of)
        if (!original || original.state === 'duplicate') {
          throw new DomainError('invalid_duplicate', `duplicate_of ${of}: ${original ? 'is itself a duplicate' : 'no such case'}`, [{ field: 'duplicate_of', reason: original ? 'is a duplicate' : 'no such case' }])
        }
        set.duplicate_of = of
        eventDetails.duplicate_of = { id: original.id, number: original.number }
        break
      }
      case 'dispatch': {
        const assignee = body.assignee_party_id ?? row.owner_party_id
        if (assignee === null || assignee === undefined) {
          throw new DomainError('no_assignee', `Case ${row.number} has no owner: name assignee_party_id`, [{ field: 'assignee_party_id', reason: 'is required: the case has no owner' }])
        }
        if (!(await sql`SELECT 1 FROM party WHERE id = ${assignee}`.execute(tx)).rows.length) {
          throw new DomainError('unknown_party', `No party has id ${assignee}`, [{ field: 'assignee_party_id', reason: 'no such party' }])
        }
        const limit = await categoryLimit(tx, row.category_id)
        const due = await dueTimes(tx, limit, now)
        Object.assign(set, {
          assignee_party_id: assignee, limit_value: limit?.value ?? null, limit_unit: limit?.unit ?? null, dispatched_at: now,
          warn_at: due.warnAt, due_at: due.dueAt, warned_at: null, overdue_at: null, escalation_level: 0, escalated_at: null,
        })
        eventDetails.assignee_party_id = assignee
        eventDetails.due_at = iso(due.dueAt)
        notice = 'dispatched'
        break
      }
      case 'hand_back':
        Object.assign(set, {
          assignee_party_id: null, dispatched_at: null, warn_at: null, due_at: null, warned_at: null, overdue_at: null,
          escalation_level: 0, handback_count: row.handback_count + 1,
        })
        notice = 'handed_back'
        break
      case 'request_extension':
        if (extension === null) throw badRequest('invalid_request', 'request_extension needs extension {value, unit}', [{ field: 'extension', reason: 'is required' }])
        eventDetails.extension = extension
        break
      case 'approve_extension': {
        const asked = (pending.get('extension')?.details.extension ?? null) as Limit | null
        const granted = extension ?? asked
        if (granted === null) throw badRequest('invalid_request', 'approve_extension needs extension {value, unit}', [{ field: 'extension', reason: 'is required' }])
        const from = row.due_at === null ? now : new Date(row.due_at)
        const due = await dueTimes(tx, granted, from)
        Object.assign(set, { due_at: due.dueAt, warn_at: due.warnAt, extension_count: row.extension_count + 1 })
        if (due.dueAt && due.dueAt > now) Object.assign(set, { overdue_at: null, warned_at: null })
        eventDetails.extension = granted
        eventDetails.due_at = iso(due.dueAt)
        break
      }
      case 'approve_park':
        set.parked_from = row.state
        break
      case 'unpark': {
        const parkedAt = [...events].reverse().find((event) => event.action === 'parked')?.at
        if (parkedAt && row.due_at !== null) {
          const paused = await workingTimeBetween(tx, new Date(parkedAt), now)
          const calendar = await loadCalendar(tx)
          set.due_at = addWorkingTime(calendar, new Date(row.due_at), paused)
          if (row.warn_at !== null) set.warn_at = addWorkingTime(calendar, new Date(row.warn_at), paused)
          eventDetails.paused_working_ms = paused
          eventDetails.due_at = iso(set.due_at as Date)
        }
        set.parked_from = null
        break
      }
      case 'handle': {
        const ids = Array.isArray(body.photo_ids) ? body.photo_ids.filter((id) => Number.isInteger(id)) : []
        const { rows: photos } = ids.length
          ? await sql<{ id: number }>`SELECT id FROM case_photo WHERE case_id = ${caseId} AND purpose = 'feedback' AND id = ANY(${ids}::int4[])`.execute(tx)
          : { rows: [] as { id: number }[] }
        if (photos.length === 0 || photos.length !== new Set(ids).size) {
          throw new DomainError('photo_required', 'Marking a case handled needs at least one feedback photo of this case (photo_ids)', [
            { field: 'photo_ids', reason: ids.length === 0 ? 'is required: upload with purpose=feedback first' : 'must name feedback photos of this case' },
          ])
        }
        if (note === null) throw badRequest('invalid_request', 'handle needs a note', [{ field: 'note', reason: 'is required: what was done' }])
        photoIds = photos.map((photo) => photo.id)
        set.handled_at = now
        break
      }
      case 'close':
        set.closed_at = now
        set.closed_on_time = row.due_at === null ? null : now.getTime() <= new Date(row.due_at).getTime()
        notice = 'closed'
        break
      case 'send_back': {
        const limit: Limit | null = row.limit_value !== null && row.limit_unit !== null ? { value: row.limit_value, unit: row.limit_unit } : await categoryLimit(tx, row.category_id)
        const due = await dueTimes(tx, limit, now)
        Object.assign(set, {
          rework_count: row.rework_count + 1, handled_at: null, dispatched_at: now, warn_at: due.warnAt, due_at: due.dueAt,
          warned_at: null, overdue_at: null, escalation_level: 0, escalated_at: null,
        })
        eventDetails.due_at = iso(due.dueAt)
        notice = 'sent_back'
        break
      }
      case 'evaluate': {
        const rating = body.rating
        if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) {
          throw badRequest('invalid_request', 'evaluate needs a rating from 1 to 5', [{ field: 'rating', reason: 'must be a whole number from 1 to 5' }])
        }
        const comment = readText(body.comment, 'comment', 500, details)
        failIfAny(details, 'rating')
        set.rating = rating
        set.rating_comment = comment
        eventDetails.rating = rating
        break
      }
      default:
        break
    }

    const columns: [string, unknown][] = Object.entries({ ...set, state: next.to })
    const assignments = columns.map(([column, value]) => sql`${sql.id(column)} = ${value instanceof Date ? value.toISOString() : value}`)
    await sql`UPDATE case_file SET ${sql.join(assignments)}, version = version + 1, updated_at = ${now.toISOString()}::timestamptz WHERE id = ${caseId}`.execute(tx)
    const shownNote = action === 'void' ? (publicNote ?? `不予立案：${reason}`) : (publicNote ?? defaultPublicNotes[action] ?? null)
    const eventId = await appendEvent(tx, caseId, now, {
      action: rule.event, from: row.state, to: next.to, who: whoOf(actor), note, public: rule.public, publicNote: shownNote, details: eventDetails,
    })
    if (photoIds.length) await sql`UPDATE case_photo SET event_id = ${eventId} WHERE id = ANY(${photoIds}::int4[])`.execute(tx)
    if (notice) await queueCaseNotices(tx, caseId, notice, { step: row.version + 1 })
  })
}

/** The largest photo a route takes. */
export const PHOTO_LIMIT_BYTES = 8 * 1024 * 1024

export async function addPhoto(
  db: Db,
  caseId: number,
  purpose: 'report' | 'feedback' | 'verification',
  contentType: PhotoType,
  raw: Buffer,
  isPublic = true,
): Promise<{ id: number; byte_size: number; sha256: string }> {
  let bytes: Buffer
  try {
    bytes = cleanPhoto(contentType, raw)
  } catch (error) {
    if (error instanceof PhotoError) throw new DomainError('unsupported_media_type', `The photo cannot be read as ${contentType}: ${error.message}`)
    throw error
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const { rows } = await sql<{ id: number }>`
    INSERT INTO case_photo (case_id, purpose, content_type, bytes, byte_size, sha256, public)
    VALUES (${caseId}, ${purpose}, ${contentType}, ${bytes}, ${bytes.length}, ${sha256}, ${isPublic}) RETURNING id`.execute(db)
  return { id: rows[0]!.id, byte_size: bytes.length, sha256 }
}

export async function photoBytes(db: DbOrTx, caseId: number, photoId: number, publicOnly = false) {
  const { rows } = await sql<{ content_type: string; bytes: Uint8Array; public: boolean }>`
    SELECT content_type, bytes, public FROM case_photo WHERE case_id = ${caseId} AND id = ${photoId}`.execute(db)
  const row = rows[0]
  if (!row || (publicOnly && !row.public)) throw notFound(`Photo ${photoId} of this case`)
  return { contentType: row.content_type, bytes: Buffer.from(row.bytes) }
}

/** The citizen's follow-up page: the public timeline only. */
export async function publicCaseView(db: DbOrTx, caseId: number) {
  const row = (await caseRow(db, caseId))!
  const { rows: events } = await sql<{ at: Date; action: string; public_note: string | null }>`
    SELECT at, action, public_note FROM case_event WHERE case_id = ${caseId} AND public ORDER BY id`.execute(db)
  const { rows: photos } = await sql<{ id: number }>`SELECT id FROM case_photo WHERE case_id = ${caseId} AND public ORDER BY id`.execute(db)
  return {
    number: row.number,
    state: row.state,
    category: row.category_name,
    created_at: iso(row.created_at),
    address: row.address,
    events: events.map((event) => ({ at: iso(event.at), action: event.action, public_note: event.public_note })),
    photos: photos.map((photo) => photo.id),
    rating: row.rating,
    can_rate: row.state === 'closed',
  }
}

export async function requireCase(db: DbOrTx, actor: Actor, id: number, permission: Permission): Promise<CaseRow> {
  const row = await caseRow(db, id)
  if (!row) throw notFound(`Case ${id}`)
  if (grantsWith(actor, permission).length === 0) throw new DomainError('forbidden', `This needs the permission ${permission}`, { permission })
  if (!(await mayOnCase(db, actor, permission, row)) && !(permission === 'cases.read' && (await mayOnCase(db, actor, 'cases.handle', row)))) {
    throw new DomainError('out_of_scope', `Case ${row.number} is outside your scope (${permission})`, { permission })
  }
  return row
}
