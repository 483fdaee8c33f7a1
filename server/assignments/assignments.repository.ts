import { sql } from 'kysely'
import type { DbOrTx, PartyType } from '../db/database.js'
import type { Duty } from '../kernel/zone-kinds.js'

export interface AssignmentView {
  id: number
  zone_id: number
  duty: Duty
  party: { id: number; type: PartyType; name: string; phone: string | null; title: string | null; role: string | null }
  valid_from: string
  valid_to: string | null
  version: number
}

interface AssignmentJoinRow {
  id: number
  zone_id: number
  duty: Duty
  valid_from: Date | string
  valid_to: Date | string | null
  version: number
  party_id: number
  party_type: PartyType
  party_name: string
  party_phone: string | null
  party_title: string | null
  party_role: string | null
}

function toView(row: AssignmentJoinRow): AssignmentView {
  return {
    id: row.id,
    zone_id: row.zone_id,
    duty: row.duty,
    party: {
      id: row.party_id,
      type: row.party_type,
      name: row.party_name,
      phone: row.party_phone,
      title: row.party_title,
      role: row.party_role,
    },
    valid_from: new Date(row.valid_from).toISOString(),
    valid_to: row.valid_to === null ? null : new Date(row.valid_to).toISOString(),
    version: row.version,
  }
}

function selectAssignments(db: DbOrTx) {
  return db
    .selectFrom('assignment as a')
    .innerJoin('party as p', 'p.id', 'a.party_id')
    .select([
      'a.id', 'a.zone_id', 'a.duty', 'a.valid_from', 'a.valid_to', 'a.version',
      'p.id as party_id', 'p.type as party_type', 'p.name as party_name', 'p.phone as party_phone',
      'p.title as party_title', 'p.role as party_role',
    ])
}

/** A zone's assignments, newest first: its history. */
export async function listAssignments(db: DbOrTx, zoneId: number, duty?: Duty): Promise<AssignmentView[]> {
  let query = selectAssignments(db).where('a.zone_id', '=', zoneId)
  if (duty) query = query.where('a.duty', '=', duty)
  const rows = await query.orderBy('a.valid_from', 'desc').orderBy('a.id', 'desc').execute()
  return rows.map(toView)
}

export async function assignmentById(db: DbOrTx, id: number): Promise<AssignmentView | undefined> {
  const row = await selectAssignments(db).where('a.id', '=', id).executeTakeFirst()
  return row && toView(row)
}

export async function lockAssignment(db: DbOrTx, id: number) {
  return db.selectFrom('assignment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** The open assignment of a duty on a zone (the latest, if old data left several open). */
export async function openAssignment(db: DbOrTx, zoneId: number, duty: Duty) {
  return db
    .selectFrom('assignment')
    .selectAll()
    .where('zone_id', '=', zoneId)
    .where('duty', '=', duty)
    .where('valid_to', 'is', null)
    .orderBy('valid_from', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

/** The last instant the duty's history mentions on the zone: a new holder must start after it. */
export async function latestInstant(db: DbOrTx, zoneId: number, duty: Duty, exceptId: number | null): Promise<Date | null> {
  const { rows } = await sql<{ latest: Date | string | null }>`
    SELECT max(GREATEST(valid_from, COALESCE(valid_to, valid_from))) AS latest
    FROM assignment WHERE zone_id = ${zoneId} AND duty = ${duty} AND id <> ${exceptId ?? -1}`.execute(db)
  const latest = rows[0]?.latest
  return latest === null || latest === undefined ? null : new Date(latest)
}

export async function insertAssignment(db: DbOrTx, values: { zoneId: number; partyId: number; duty: Duty; from: Date }): Promise<number> {
  const row = await db
    .insertInto('assignment')
    .values({ zone_id: values.zoneId, party_id: values.partyId, duty: values.duty, valid_from: values.from.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function closeAssignment(db: DbOrTx, id: number, to: Date): Promise<void> {
  await db
    .updateTable('assignment')
    .set({ valid_to: to.toISOString(), version: sql<number>`version + 1` })
    .where('id', '=', id)
    .execute()
}
