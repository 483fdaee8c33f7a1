import { sql } from 'kysely'
import type { Actor } from '../auth/actor.js'
import { hasPermission } from '../auth/actor.js'
import { assertGlobalScope, assertZoneInScope, hasGlobalScope, zonesOutOfScope } from '../auth/scope.js'
import type { Db, DbOrTx } from '../db/database.js'
import { conflict, DomainError, notFound } from '../errors.js'
import { parsePhone } from '../kernel/phone.js'
import type { Permission } from '../kernel/permissions.js'
import type { NoticePayload } from './notices.js'
import type { CreateChannelBody, InboxMessage, InboxQuery, NotifyChannel, OutboxQuery, OutboxRow, UpdateChannelBody } from './notify.schemas.js'

interface ChannelRow {
  id: number
  kind: 'wecom' | 'dingtalk' | 'sms'
  name: string
  zone_id: number | null
  zone_code: string | null
  zone_name: string | null
  party_id: number | null
  party_name: string | null
  target: string
  has_secret: boolean
  enabled: boolean
  version: number
  created_at: Date
}

/** A webhook URL carries its credential (WeCom's key, DingTalk's access_token): shown in part only. */
export function maskedTarget(kind: string, target: string): string {
  if (kind === 'sms') return target
  return target.replace(/([?&](?:key|access_token)=)([^&]{0,4})[^&]*/g, (_all, name: string, head: string) => `${name}${head}…`)
}

function channelOut(row: ChannelRow): NotifyChannel {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    zone: row.zone_id !== null ? { id: row.zone_id, code: row.zone_code!, name: row.zone_name! } : null,
    party: row.party_id !== null ? { id: row.party_id, name: row.party_name! } : null,
    target: maskedTarget(row.kind, row.target),
    has_secret: row.has_secret,
    enabled: row.enabled,
    version: row.version,
    created_at: row.created_at.toISOString(),
  }
}

async function channelRows(db: DbOrTx, id?: number): Promise<ChannelRow[]> {
  const { rows } = await sql<ChannelRow>`
    SELECT nc.id, nc.kind, nc.name, nc.zone_id, z.code AS zone_code, z.name AS zone_name, nc.party_id, p.name AS party_name,
           nc.target, nc.secret IS NOT NULL AS has_secret, nc.enabled, nc.version, nc.created_at
      FROM notify_channel nc
      LEFT JOIN zone z ON z.id = nc.zone_id
      LEFT JOIN party p ON p.id = nc.party_id
     WHERE ${id === undefined ? sql`true` : sql`nc.id = ${id}`}
     ORDER BY nc.id`.execute(db)
  return rows
}

/** Whether the actor may see and change a channel: a zone channel by the zone's scope; a party channel with scope all. */
async function channelInScope(db: DbOrTx, actor: Actor, row: { zone_id: number | null }): Promise<boolean> {
  const permission: Permission = 'cases.configure'
  if (hasGlobalScope(actor, permission)) return true
  if (row.zone_id === null) return false
  return (await zonesOutOfScope(db, actor, permission, [row.zone_id])).length === 0
}

async function assertChannelPlaceInScope(db: DbOrTx, actor: Actor, zoneId: number | null): Promise<void> {
  if (zoneId === null) return assertGlobalScope(db, actor, 'cases.configure', 'A channel for a party, not a zone,')
  return assertZoneInScope(db, actor, 'cases.configure', zoneId)
}

export async function listChannels(db: Db, actor: Actor): Promise<NotifyChannel[]> {
  const rows = await channelRows(db)
  if (hasGlobalScope(actor, 'cases.configure')) return rows.map(channelOut)
  const zoneIds = rows.flatMap((row) => (row.zone_id === null ? [] : [row.zone_id]))
  const outside = new Set(await zonesOutOfScope(db, actor, 'cases.configure', zoneIds))
  return rows.filter((row) => row.zone_id !== null && !outside.has(row.zone_id)).map(channelOut)
}

function invalid(field: string, reason: string): DomainError {
  return new DomainError('invalid_field', `${field} ${reason}`, [{ field, reason }])
}

/** The target as stored: an http(s) URL for the robots, a mobile (E.164) for SMS. */
function normalTarget(kind: 'wecom' | 'dingtalk' | 'sms', target: string): string {
  if (kind === 'sms') {
    const reading = parsePhone(target)
    if (!reading.ok || !reading.phone.sms) throw invalid('target', 'must be a mobile number for an SMS channel')
    return reading.phone.sms
  }
  let url: URL
  try {
    url = new URL(target.trim())
  } catch {
    throw invalid('target', 'must be the webhook URL of the group robot (https://…)')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('target', 'must be an http:// or https:// URL')
  if (url.username || url.password) throw invalid('target', 'must not carry a user name or password')
  return url.toString()
}

function checkSecret(kind: string, secret: string | null | undefined): void {
  if (secret !== undefined && secret !== null && kind !== 'dingtalk') throw invalid('secret', 'is only for 钉钉 (dingtalk) robots that sign their messages')
}

async function assertExists(db: DbOrTx, table: 'zone' | 'party', id: number, field: string): Promise<void> {
  const found = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()
  if (!found) throw invalid(field, `names no ${table} (${id})`)
}

export async function createChannel(db: Db, actor: Actor, body: CreateChannelBody): Promise<NotifyChannel> {
  const zoneId = body.zone_id ?? null
  const partyId = body.party_id ?? null
  if (zoneId === null && partyId === null) throw invalid('zone_id', 'or party_id is needed: the zone or party whose cases go to this channel')
  checkSecret(body.kind, body.secret)
  const target = normalTarget(body.kind, body.target)
  if (zoneId !== null) await assertExists(db, 'zone', zoneId, 'zone_id')
  if (partyId !== null) await assertExists(db, 'party', partyId, 'party_id')
  await assertChannelPlaceInScope(db, actor, zoneId)
  const { rows } = await sql<{ id: number }>`
    INSERT INTO notify_channel (kind, name, zone_id, party_id, target, secret, enabled)
    VALUES (${body.kind}, ${body.name.trim()}, ${zoneId}, ${partyId}, ${target}, ${body.secret ?? null}, ${body.enabled ?? true})
    RETURNING id`.execute(db)
  return channelOut((await channelRows(db, rows[0]!.id))[0]!)
}

async function channelForChange(db: DbOrTx, actor: Actor, id: number): Promise<ChannelRow> {
  const row = (await channelRows(db, id))[0]
  // Outside one's scope a channel is as good as absent: its existence says nothing either.
  if (!row || !(await channelInScope(db, actor, row))) throw notFound(`Notification channel ${id}`)
  return row
}

export async function updateChannel(db: Db, actor: Actor, id: number, body: UpdateChannelBody): Promise<NotifyChannel> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT id FROM notify_channel WHERE id = ${id} FOR UPDATE`.execute(tx)
    const row = await channelForChange(tx, actor, id)
    if (row.version !== body.version) throw conflict('version_conflict', `Notification channel ${id} is at version ${row.version}, not ${body.version}`, { current_version: row.version })
    const zoneId = body.zone_id === undefined ? row.zone_id : body.zone_id
    const partyId = body.party_id === undefined ? row.party_id : body.party_id
    if (zoneId === null && partyId === null) throw invalid('zone_id', 'or party_id must remain: the zone or party whose cases go to this channel')
    checkSecret(row.kind, body.secret)
    if (body.zone_id !== undefined && zoneId !== null) await assertExists(tx, 'zone', zoneId, 'zone_id')
    if (body.party_id !== undefined && partyId !== null) await assertExists(tx, 'party', partyId, 'party_id')
    if (zoneId !== row.zone_id) await assertChannelPlaceInScope(tx, actor, zoneId)
    const target = body.target === undefined ? row.target : normalTarget(row.kind, body.target)
    await sql`
      UPDATE notify_channel SET
        name = ${body.name?.trim() ?? row.name}, zone_id = ${zoneId}, party_id = ${partyId}, target = ${target},
        secret = ${body.secret === undefined ? sql`secret` : body.secret},
        enabled = ${body.enabled ?? row.enabled}, version = version + 1
       WHERE id = ${id}`.execute(tx)
    return channelOut((await channelRows(tx, id))[0]!)
  })
}

export async function deleteChannel(db: Db, actor: Actor, id: number): Promise<{ id: number; deleted: true }> {
  await channelForChange(db, actor, id)
  await sql`DELETE FROM notify_channel WHERE id = ${id}`.execute(db)
  return { id, deleted: true }
}

// The outbox: for dispatchers (their cases' messages) and configurers (is the robot working?).

const outboxPermissions: Permission[] = ['cases.dispatch', 'cases.configure']

export function assertOutboxReader(actor: Actor): void {
  if (outboxPermissions.some((permission) => hasPermission(actor, permission))) return
  throw new DomainError('forbidden', `The outbox needs the permission cases.dispatch or cases.configure; ${actor.login} has neither`, {
    permission: 'cases.dispatch',
    or: 'cases.configure',
  })
}

interface OutboxDbRow {
  id: string
  channel: string
  notify_channel_id: number | null
  target: string
  case_id: number | null
  zone_ids: number[] | null
  event: string
  payload: NoticePayload
  state: OutboxRow['state']
  attempts: number
  next_attempt_at: Date
  last_error: string | null
  created_at: Date
  sent_at: Date | null
}

/** The zone ids, among those of the rows, that the actor covers with either permission. */
async function visibleFilter(db: Db, actor: Actor): Promise<(row: { case_id: number | null; zone_ids: number[] | null }) => Promise<boolean>> {
  if (outboxPermissions.some((permission) => hasGlobalScope(actor, permission))) return async () => true
  const cache = new Map<number, boolean>()
  return async (row) => {
    if (row.case_id === null || !row.zone_ids?.length) return false
    for (const zoneId of row.zone_ids) {
      if (!cache.has(zoneId)) {
        let covered = false
        for (const permission of outboxPermissions) {
          if (hasPermission(actor, permission) && (await zonesOutOfScope(db, actor, permission, [zoneId])).length === 0) covered = true
        }
        cache.set(zoneId, covered)
      }
      if (cache.get(zoneId)) return true
    }
    return false
  }
}

function outboxOut(row: OutboxDbRow): OutboxRow {
  return {
    id: Number(row.id),
    channel: row.channel,
    notify_channel_id: row.notify_channel_id,
    target: row.channel === 'inbox' ? row.target : maskedTarget(row.channel === 'sms' ? 'sms' : 'webhook', row.target),
    case_id: row.case_id,
    event: row.event,
    title: row.payload.title,
    text: row.payload.text,
    state: row.state,
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at.toISOString(),
    last_error: row.last_error,
    created_at: row.created_at.toISOString(),
    sent_at: row.sent_at?.toISOString() ?? null,
  }
}

export async function listOutbox(db: Db, actor: Actor, query: OutboxQuery): Promise<{ rows: OutboxRow[]; next_before: number | null }> {
  assertOutboxReader(actor)
  const limit = query.limit ?? 100
  const visible = await visibleFilter(db, actor)
  const out: OutboxRow[] = []
  let before = query.before ?? null
  // Rows outside the caller's scope are skipped; read on in pages until the page is full.
  for (let round = 0; round < 20 && out.length < limit; round++) {
    const { rows } = await sql<OutboxDbRow>`
      SELECT o.id, o.channel, o.notify_channel_id, o.target, o.case_id, c.zone_ids, o.event, o.payload, o.state, o.attempts,
             o.next_attempt_at, o.last_error, o.created_at, o.sent_at
        FROM outbox o LEFT JOIN case_file c ON c.id = o.case_id
       WHERE ${query.state ? sql`o.state = ${query.state}` : sql`true`}
         AND ${query.case_id ? sql`o.case_id = ${query.case_id}` : sql`true`}
         AND ${before !== null ? sql`o.id < ${before}` : sql`true`}
       ORDER BY o.id DESC
       LIMIT ${limit + 1}`.execute(db)
    for (const row of rows.slice(0, limit)) {
      if (out.length >= limit) break
      if (await visible(row)) out.push(outboxOut(row))
      before = Number(row.id)
    }
    if (rows.length <= limit) return { rows: out, next_before: null }
  }
  return { rows: out, next_before: before }
}

export async function retryOutbox(db: Db, actor: Actor, id: number, now: Date = new Date()): Promise<OutboxRow> {
  assertOutboxReader(actor)
  const visible = await visibleFilter(db, actor)
  const { rows } = await sql<OutboxDbRow>`
    SELECT o.*, c.zone_ids FROM outbox o LEFT JOIN case_file c ON c.id = o.case_id WHERE o.id = ${id}`.execute(db)
  const row = rows[0]
  if (!row || !(await visible(row))) throw notFound(`Outbox message ${id}`)
  if (row.state !== 'dead') throw conflict('outbox_not_dead', `Outbox message ${id} is ${row.state}: only a dead message is retried by hand`, { state: row.state })
  const { rows: updated } = await sql<OutboxDbRow>`
    UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ${now}, leased_until = NULL
     WHERE id = ${id} AND state = 'dead'
    RETURNING *, NULL::int[] AS zone_ids`.execute(db)
  if (!updated[0]) throw conflict('outbox_not_dead', `Outbox message ${id} changed meanwhile`, {})
  return outboxOut(updated[0])
}

// The inbox: the signed-in person's party, and the parties of their party grants.

export function inboxParties(actor: Actor): number[] {
  const ids = new Set<number>()
  if (actor.partyId !== null) ids.add(actor.partyId)
  for (const grant of actor.grants) if (grant.scope.kind === 'party') ids.add(grant.scope.partyId)
  return [...ids]
}

interface InboxDbRow {
  id: string
  party_id: number
  case_id: number | null
  case_number: string | null
  title: string
  body: string
  created_at: Date
  read_at: Date | null
}

const inboxOut = (row: InboxDbRow): InboxMessage => ({
  id: Number(row.id),
  party_id: row.party_id,
  case_id: row.case_id,
  case_number: row.case_number,
  title: row.title,
  body: row.body,
  created_at: row.created_at.toISOString(),
  read_at: row.read_at?.toISOString() ?? null,
})

export async function listInbox(db: Db, actor: Actor, query: InboxQuery) {
  const parties = inboxParties(actor)
  const limit = query.limit ?? 50
  const { rows } = await sql<InboxDbRow>`
    SELECT m.id, m.party_id, m.case_id, c.number AS case_number, m.title, m.body, m.created_at, m.read_at
      FROM inbox_message m LEFT JOIN case_file c ON c.id = m.case_id
     WHERE m.party_id = ANY(${parties}::int[])
       AND ${query.unread ? sql`m.read_at IS NULL` : sql`true`}
       AND ${query.before ? sql`m.id < ${query.before}` : sql`true`}
     ORDER BY m.id DESC
     LIMIT ${limit + 1}`.execute(db)
  const { rows: counted } = await sql<{ unread: number }>`
    SELECT count(*)::int AS unread FROM inbox_message WHERE party_id = ANY(${parties}::int[]) AND read_at IS NULL`.execute(db)
  const page = rows.slice(0, limit)
  return {
    party_ids: parties,
    unread: counted[0]?.unread ?? 0,
    messages: page.map(inboxOut),
    next_before: rows.length > limit ? Number(page[page.length - 1]!.id) : null,
  }
}

export async function markInboxRead(db: Db, actor: Actor, id: number): Promise<InboxMessage> {
  const parties = inboxParties(actor)
  await sql`UPDATE inbox_message SET read_at = coalesce(read_at, now()) WHERE id = ${id} AND party_id = ANY(${parties}::int[])`.execute(db)
  const { rows } = await sql<InboxDbRow>`
    SELECT m.id, m.party_id, m.case_id, c.number AS case_number, m.title, m.body, m.created_at, m.read_at
      FROM inbox_message m LEFT JOIN case_file c ON c.id = m.case_id
     WHERE m.id = ${id} AND m.party_id = ANY(${parties}::int[])`.execute(db)
  if (!rows[0]) throw notFound(`Inbox message ${id}`)
  return inboxOut(rows[0])
}
