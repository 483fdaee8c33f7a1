import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { subtreeOf } from '../db/zone-tree.js'
import { badRequest, notFound } from '../errors.js'
import { initialPoints } from './credit.rules.js'
import type { CardColour, ListQuery } from './credit.schemas.js'

/**
 * Reading the 门前三包 credit records: a merchant's whole record, a frontage's, and the list of
 * merchants. Plain functions taking `db` or a transaction first. Phones come out as stored; the
 * routes mask private ones (installPhoneMasking) and the export masks every one unless the caller
 * holds parties.contact for it.
 */

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

/** A current merchant assignment on a frontage (the party answers for the strip now). */
const currentMerchant = sql`a.duty = 'merchant' AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())`

export interface CardView {
  id: number
  colour: CardColour
  zone_id: number | null
  zone_code: string
  reason: string
  source: 'rule' | 'hand'
  rule_key: string | null
  given_by: string | null
  given_at: string
  expires_at: string | null
  revoked_at: string | null
  revoked_reason: string | null
  revoked_by: string | null
  in_force: boolean
  version: number
}

/** How a case on the strip was resolved, in one word: open, closed (or rated), voided, duplicate, parked. */
export function resolutionOf(state: string): 'open' | 'closed' | 'voided' | 'duplicate' | 'parked' {
  if (state === 'closed' || state === 'evaluated') return 'closed'
  if (state === 'voided' || state === 'duplicate' || state === 'parked') return state
  return 'open'
}

/** On time: closed by its due time; false when closed late or still open after it; null without a limit or not yet due. */
export function onTimeOf(row: { due_at: Date | null; closed_at: Date | null; state: string }, now: Date): boolean | null {
  if (row.due_at === null || row.state === 'voided' || row.state === 'duplicate') return null
  const due = new Date(row.due_at).getTime()
  if (row.closed_at !== null) return new Date(row.closed_at).getTime() <= due
  return now.getTime() > due ? false : null
}

export async function cardsOf(db: DbOrTx, where: RawBuilder<unknown>, now: Date): Promise<CardView[]> {
  const { rows } = await sql<Omit<CardView, 'in_force'> & { given_at: Date; expires_at: Date | null; revoked_at: Date | null }>`
    SELECT id, colour, zone_id, zone_code, reason, source, rule_key, given_by_login AS given_by, given_at, expires_at, revoked_at,
           revoked_reason, revoked_by_login AS revoked_by, version
    FROM credit_card k WHERE ${where} ORDER BY given_at DESC, id DESC LIMIT 500`.execute(db)
  return rows.map((row) => ({
    ...row,
    given_at: iso(row.given_at)!,
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    in_force: row.revoked_at === null && (row.expires_at === null || new Date(row.expires_at).getTime() > now.getTime()),
  }))
}

/** Everything of one merchant (party): frontages, the cases on their strips, inspections, cards, points. */
export async function merchantRecord(db: DbOrTx, partyId: number, now: Date = new Date()) {
  const party = await db.selectFrom('party').select(['id', 'type', 'name', 'phone']).where('id', '=', partyId).executeTakeFirst()
  if (!party) throw notFound(`Party ${partyId}`)
  const { rows: frontages } = await sql<{ id: number; code: string; name: string; valid_from: Date; valid_to: Date | null }>`
    SELECT z.id, z.code, z.name, a.valid_from, a.valid_to
    FROM assignment a JOIN zone z ON z.id = a.zone_id
    WHERE a.party_id = ${partyId} AND a.duty = 'merchant' AND z.kind = 'frontage'
    ORDER BY (a.valid_to IS NULL) DESC, a.valid_to DESC, z.code`.execute(db)
  const { rows: cases } = await sql<{
    id: number; number: string; state: string; category: string; description: string; zone_code: string | null; created_at: Date
    due_at: Date | null; closed_at: Date | null; rework_count: number; extension_count: number; rating: number | null
  }>`
    SELECT c.id, c.number, c.state, cat.name AS category, c.description, z.code AS zone_code, c.created_at, c.due_at, c.closed_at,
           c.rework_count, c.extension_count, c.rating
    FROM case_file c JOIN category cat ON cat.id = c.category_id LEFT JOIN zone z ON z.id = c.owner_zone_id
    WHERE c.owner_duty = 'merchant' AND c.owner_party_id = ${partyId}
    ORDER BY c.created_at DESC, c.id DESC LIMIT 200`.execute(db)
  const { rows: inspections } = await sql<{
    id: number; zone_id: number | null; zone_code: string; at: Date; passed: boolean; findings: string | null; inspector: string; inspector_name: string | null
  }>`
    SELECT id, zone_id, zone_code, at, passed, findings, inspector_login AS inspector, inspector_name
    FROM credit_inspection WHERE party_id = ${partyId} ORDER BY at DESC, id DESC LIMIT 200`.execute(db)
  const cards = await cardsOf(db, sql`k.party_id = ${partyId}`, now)
  const { rows: points } = await sql<{
    id: string; zone_code: string | null; delta: number; balance_after: number; reason: string; source: string; rule_key: string | null
    inspection_id: number | null; at: Date; by: string | null
  }>`
    SELECT id, zone_code, delta, balance_after, reason, source, rule_key, inspection_id, at, by_login AS by
    FROM credit_points WHERE party_id = ${partyId} ORDER BY id DESC LIMIT 500`.execute(db)
  const start = await initialPoints(db)
  return {
    party: { id: party.id, type: party.type, name: party.name, phone: party.phone },
    frontages: frontages.map((f) => ({ id: f.id, code: f.code, name: f.name, since: iso(f.valid_from), until: iso(f.valid_to), current: f.valid_to === null || new Date(f.valid_to) > now })),
    cases: cases.map((c) => ({
      ...c, created_at: iso(c.created_at), due_at: iso(c.due_at), closed_at: iso(c.closed_at), resolution: resolutionOf(c.state), on_time: onTimeOf(c, now),
    })),
    inspections: inspections.map((i) => ({ ...i, at: iso(i.at) })),
    cards: { in_force: cards.filter((card) => card.in_force), past: cards.filter((card) => !card.in_force) },
    points: {
      initial: start,
      balance: points[0]?.balance_after ?? start,
      history: points.map((p) => ({ ...p, id: Number(p.id), at: iso(p.at) })),
    },
  }
}
export type MerchantRecord = Awaited<ReturnType<typeof merchantRecord>>

/** The zones a party's credit record touches: frontages held (ever), and those of its cards and inspections. */
export async function zonesOfRecord(db: DbOrTx, partyId: number): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT zone_id AS id FROM assignment WHERE party_id = ${partyId} AND duty = 'merchant'
    UNION SELECT zone_id FROM credit_card WHERE party_id = ${partyId} AND zone_id IS NOT NULL
    UNION SELECT zone_id FROM credit_inspection WHERE party_id = ${partyId} AND zone_id IS NOT NULL`.execute(db)
  return rows.map((row) => row.id)
}

/** The frontage's current merchant, or null. */
export async function merchantOfFrontage(db: DbOrTx, zoneId: number): Promise<number | null> {
  const { rows } = await sql<{ party_id: number }>`
    SELECT a.party_id FROM assignment a WHERE a.zone_id = ${zoneId} AND ${currentMerchant} ORDER BY a.valid_from DESC LIMIT 1`.execute(db)
  return rows[0]?.party_id ?? null
}

/** The zone named by `?zone=`: one zone with that code, or 400 naming the field. */
export async function zoneByCode(db: DbOrTx, code: string, field = 'zone'): Promise<number> {
  const rows = await db.selectFrom('zone').select(['id', 'kind']).where('code', '=', code).execute()
  if (rows.length === 0) throw badRequest('invalid_field', `${field}: no zone has the code ${code}`, [{ field, reason: 'no zone has this code' }])
  if (rows.length > 1) {
    throw badRequest('ambiguous_code', `${field}: the code ${code} names ${rows.length} zones (${rows.map((row) => row.kind).join(', ')})`, [
      { field, reason: 'names more than one zone' },
    ])
  }
  return rows[0]!.id
}

export interface MerchantRow {
  id: number
  name: string
  phone: string | null
  frontages: { id: number; code: string; name: string }[]
  yellow: number
  red: number
  points: number
  cases_90d: number
  last_inspection: { at: string; passed: boolean } | null
}

/**
 * The merchants answering now for frontages (under `zoneId` when given, inside `scope` when not
 * null), with their cards in force, balance, cases of the last 90 days and last inspection.
 */
export async function listMerchants(
  db: DbOrTx,
  options: { zoneId: number | null; scope: RawBuilder<unknown> | null; card?: CardColour; sort?: ListQuery['sort']; limit: number; offset: number },
): Promise<{ total: number; merchants: MerchantRow[] }> {
  const start = await initialPoints(db)
  const under = options.zoneId === null ? sql`true` : sql`z.id IN (WITH RECURSIVE ${subtreeOf('below', options.zoneId)} SELECT id FROM below)`
  const inScope = options.scope === null ? sql`true` : sql`z.id IN ${options.scope}`
  const cardFilter = options.card === undefined ? sql`true` : options.card === 'red' ? sql`m.red > 0` : sql`m.yellow > 0`
  const orderBy =
    options.sort === 'points' ? sql`m.points ASC, m.name, m.id`
      : options.sort === 'cards' ? sql`m.red DESC, m.yellow DESC, m.points ASC, m.name, m.id`
        : sql`m.name, m.id`
  const { rows } = await sql<Omit<MerchantRow, 'last_inspection'> & { total: number; inspected_at: Date | null; inspection_passed: boolean | null }>`
    WITH held AS (
      SELECT a.party_id, json_agg(json_build_object('id', z.id, 'code', z.code, 'name', z.name) ORDER BY z.code) AS frontages
      FROM assignment a JOIN zone z ON z.id = a.zone_id
      WHERE ${currentMerchant} AND z.kind = 'frontage' AND ${under} AND ${inScope}
      GROUP BY a.party_id),
    m AS (
      SELECT p.id, p.name, p.phone, held.frontages,
        (SELECT count(*)::int FROM credit_card k WHERE k.party_id = p.id AND k.colour = 'yellow' AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS yellow,
        (SELECT count(*)::int FROM credit_card k WHERE k.party_id = p.id AND k.colour = 'red' AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS red,
        coalesce((SELECT balance_after FROM credit_points l WHERE l.party_id = p.id ORDER BY l.id DESC LIMIT 1), ${start}::int) AS points,
        (SELECT count(*)::int FROM case_file c WHERE c.owner_duty = 'merchant' AND c.owner_party_id = p.id
           AND c.state NOT IN ('voided', 'duplicate') AND c.created_at > now() - interval '90 days') AS cases_90d,
        i.at AS inspected_at, i.passed AS inspection_passed
      FROM held JOIN party p ON p.id = held.party_id
      LEFT JOIN LATERAL (SELECT at, passed FROM credit_inspection ci WHERE ci.party_id = p.id ORDER BY at DESC, id DESC LIMIT 1) i ON true)
    SELECT m.*, count(*) OVER ()::int AS total FROM m WHERE ${cardFilter}
    ORDER BY ${orderBy} LIMIT ${options.limit} OFFSET ${options.offset}`.execute(db)
  let total = rows[0]?.total
  if (total === undefined) {
    total = options.offset === 0 ? 0 : (await listMerchants(db, { ...options, offset: 0, limit: 1 })).total
  }
  return {
    total,
    merchants: rows.map(({ total: _total, inspected_at, inspection_passed, ...row }) => ({
      ...row,
      last_inspection: inspected_at === null ? null : { at: iso(inspected_at)!, passed: inspection_passed! },
    })),
  }
}
