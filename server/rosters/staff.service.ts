import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { lockPartyIdentity } from '../db/serialise.js'
import { badRequest, DomainError, notFound, type ErrorDetail } from '../errors.js'
import { findPartyByIdentity, insertParty } from '../parties/parties.repository.js'
import { blankProblem, normalisePhone } from '../parties/parties.service.js'
import type { DepartmentKind, StaffRole } from './roster-kinds.js'
import type { CreateStaffBody, SplitShiftsBody, Staff } from './rosters.schemas.js'
import { minutesOf, shiftsOverlap, splitDay } from './shifts.js'

/**
 * The staff of a zone (五定: fixed people, hours, duties, standards; 下沉六员): zone_staff rows,
 * sql/015. Every write runs in one transaction with the zone locked, so two planners adding
 * shifts for one person on one zone cannot both pass the overlap check.
 */

/** Today in China Standard Time, YYYY-MM-DD. */
export function todayInChina(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** A calendar date YYYY-MM-DD that exists (1900–9999), or null. */
export function readDate(text: string): string | null {
  const match = datePattern.exec(text)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (year < 1900 || month < 1 || month > 12) return null
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null
  return text
}

export function readDay(text: string | undefined, field: string): string {
  if (text === undefined) return todayInChina()
  const day = readDate(text)
  if (!day) throw badRequest('invalid_time', `${field}: "${text}" is not a date YYYY-MM-DD`, [{ field, reason: 'must be a date YYYY-MM-DD' }])
  return day
}

interface StaffFields {
  role: StaffRole
  department_kind: DepartmentKind | null
  shift: { label: string | null; start: string; end: string } | null
  duties: string | null
  standards: string | null
  shown_publicly: boolean
  valid_from: string
  valid_to: string | null
}

type PartyChoice = { party_id?: number | undefined; party?: { name: string; phone?: string | null | undefined; title?: string | null | undefined } | undefined }

const blankToNull = (text: string | null | undefined) => (text === undefined || text === null || text.trim() === '' ? null : text.trim())

/**
 * The row's fields as stored, or 400 naming every field whose form is wrong (a time that is not
 * HH:MM, a date that is not YYYY-MM-DD, neither or both of party_id and party), then 422 for the
 * rules between fields (a shift ending before it starts, validity ending before it begins).
 */
export function readStaffFields(body: Omit<CreateStaffBody, 'party_id' | 'party'> & PartyChoice, prefix = ''): StaffFields {
  const details: ErrorDetail[] = []
  const field = (name: string) => `${prefix}${name}`
  if ((body.party_id === undefined) === (body.party === undefined)) {
    details.push({ field: field('party_id'), reason: 'give either party_id (an existing party) or party {name, phone, title}' })
  }
  if (body.party && body.party.name.trim() === '') details.push({ field: field('party.name'), reason: 'must not be blank' })
  const shift = body.shift ?? null
  if (shift) {
    const start = minutesOf(shift.start)
    const end = minutesOf(shift.end)
    if (start === null || start >= 24 * 60) details.push({ field: field('shift.start'), reason: `"${shift.start}" is not a time HH:MM from 00:00 to 23:59` })
    if (end === null) details.push({ field: field('shift.end'), reason: `"${shift.end}" is not a time HH:MM from 00:01 to 24:00` })
  }
  const validFrom = body.valid_from === undefined ? todayInChina() : readDate(body.valid_from)
  if (validFrom === null) details.push({ field: field('valid_from'), reason: `"${body.valid_from}" is not a date YYYY-MM-DD` })
  const validTo = body.valid_to === undefined || body.valid_to === null ? null : readDate(body.valid_to)
  if (body.valid_to && validTo === null) details.push({ field: field('valid_to'), reason: `"${body.valid_to}" is not a date YYYY-MM-DD` })
  if (details.length) {
    const code = details.some((d) => /shift|valid/.test(d.field ?? '')) ? 'invalid_time' : 'invalid_party'
    throw badRequest(code, `Invalid staff: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`, details)
  }
  if (shift && minutesOf(shift.end)! <= minutesOf(shift.start)!) {
    throw new DomainError('invalid_interval', `${field('shift.end')}: ${shift.end} is not after ${shift.start}; a shift lies inside one day`, [
      { field: field('shift.end'), reason: 'must be after shift.start (a shift does not cross midnight: split it at 24:00)' },
    ])
  }
  if (validTo !== null && validTo < validFrom!) {
    throw new DomainError('invalid_interval', `${field('valid_to')}: ${validTo} is before valid_from ${validFrom}`, [
      { field: field('valid_to'), reason: `must be on or after valid_from (${validFrom})` },
    ])
  }
  return {
    role: body.role,
    department_kind: body.department_kind ?? null,
    shift: shift ? { label: blankToNull(shift.label), start: shift.start, end: shift.end } : null,
    duties: blankToNull(body.duties),
    standards: blankToNull(body.standards),
    shown_publicly: body.shown_publicly ?? false,
    valid_from: validFrom!,
    valid_to: validTo,
  }
}

/** The party named: an existing one by id (422 unknown_party otherwise), or a person found by name and phone, or created. */
async function partyOf(tx: DbOrTx, choice: PartyChoice, field: string): Promise<number> {
  if (choice.party_id !== undefined) {
    const party = await tx.selectFrom('party').select('id').where('id', '=', choice.party_id).executeTakeFirst()
    if (!party) throw new DomainError('unknown_party', `${field}: no party with id ${choice.party_id}`, [{ field, reason: 'no such party' }])
    return party.id
  }
  blankProblem(choice.party!)
  const fields = { ...normalisePhone(choice.party!, field.replace(/party_id$/, 'party.phone')), name: choice.party!.name.trim() }
  // People on a roster are persons: the party type of chiefs and grid workers (DESIGN §3).
  await lockPartyIdentity(tx, 'chief', fields.name, fields.phone ?? null)
  const existing = await findPartyByIdentity(tx, 'chief', fields)
  return existing ? existing.id : (await insertParty(tx, 'chief', fields)).id
}

const staffColumns = sql`s.id, s.zone_id, s.role, s.department_kind, s.shift_label,
  to_char(s.shift_start, 'HH24:MI') AS shift_start, to_char(s.shift_end, 'HH24:MI') AS shift_end,
  s.duties, s.standards, s.shown_publicly, s.valid_from::text AS valid_from, s.valid_to::text AS valid_to, s.version,
  p.id AS party_id, p.name AS party_name, p.phone AS party_phone, p.title AS party_title`

interface StaffRow {
  id: number
  zone_id: number
  role: StaffRole
  department_kind: DepartmentKind | null
  shift_label: string | null
  shift_start: string | null
  shift_end: string | null
  duties: string | null
  standards: string | null
  shown_publicly: boolean
  valid_from: string
  valid_to: string | null
  version: number
  party_id: number
  party_name: string
  party_phone: string | null
  party_title: string | null
}

function staffView(row: StaffRow, today: string): Staff {
  return {
    id: row.id,
    zone_id: row.zone_id,
    party: { id: row.party_id, name: row.party_name, phone: row.party_phone, title: row.party_title },
    role: row.role,
    department_kind: row.department_kind,
    shift: row.shift_start ? { label: row.shift_label, start: row.shift_start, end: row.shift_end! } : null,
    duties: row.duties,
    standards: row.standards,
    shown_publicly: row.shown_publicly,
    valid_from: row.valid_from,
    valid_to: row.valid_to,
    current: row.valid_from <= today && (row.valid_to === null || row.valid_to >= today),
    version: row.version,
  }
}

/** The staff of zones, optionally only those valid on `at`, by zone, shift start, role and name. */
export async function listStaff(db: DbOrTx, zoneIds: readonly number[], options: { at?: string; publicOnly?: boolean } = {}): Promise<Staff[]> {
  if (zoneIds.length === 0) return []
  const { rows } = await sql<StaffRow>`
    SELECT ${staffColumns} FROM zone_staff s JOIN party p ON p.id = s.party_id
    WHERE s.zone_id = ANY(${[...zoneIds]}::int4[])
      ${options.at ? sql`AND s.valid_from <= ${options.at}::date AND (s.valid_to IS NULL OR s.valid_to >= ${options.at}::date)` : sql``}
      ${options.publicOnly ? sql`AND s.shown_publicly` : sql``}
    ORDER BY s.zone_id, s.shift_start NULLS LAST, s.role, p.name, s.id`.execute(db)
  const today = todayInChina()
  return rows.map((row) => staffView(row, today))
}

async function staffById(db: DbOrTx, id: number): Promise<Staff | undefined> {
  const { rows } = await sql<StaffRow>`SELECT ${staffColumns} FROM zone_staff s JOIN party p ON p.id = s.party_id WHERE s.id = ${id}`.execute(db)
  return rows[0] ? staffView(rows[0], todayInChina()) : undefined
}

export async function staffZoneId(db: DbOrTx, id: number): Promise<number | undefined> {
  const { rows } = await sql<{ zone_id: number }>`SELECT zone_id FROM zone_staff WHERE id = ${id}`.execute(db)
  return rows[0]?.zone_id
}

async function lockZone(tx: DbOrTx, zoneId: number): Promise<void> {
  const { rows } = await sql<{ id: number }>`SELECT id FROM zone WHERE id = ${zoneId} FOR UPDATE`.execute(tx)
  if (rows.length === 0) throw notFound(`Zone ${zoneId}`)
}

/** 422 when the person already has a shift on this zone, on a day both rows are valid, that shares a minute with this one. */
async function refuseOverlap(tx: DbOrTx, zoneId: number, partyId: number, fields: StaffFields, exceptId: number | null, field: string): Promise<void> {
  if (!fields.shift) return
  const { rows } = await sql<{ id: number; shift_start: string; shift_end: string; valid_from: string; valid_to: string | null }>`
    SELECT id, to_char(shift_start, 'HH24:MI') AS shift_start, to_char(shift_end, 'HH24:MI') AS shift_end,
           valid_from::text AS valid_from, valid_to::text AS valid_to
    FROM zone_staff
    WHERE zone_id = ${zoneId} AND party_id = ${partyId} AND shift_start IS NOT NULL AND id <> ${exceptId ?? -1}
      AND valid_from <= coalesce(${fields.valid_to}::date, 'infinity'::date)
      AND coalesce(valid_to, 'infinity'::date) >= ${fields.valid_from}::date
    ORDER BY id`.execute(tx)
  const clash = rows.find((row) => shiftsOverlap(fields.shift!, { start: row.shift_start, end: row.shift_end }))
  if (!clash) return
  throw new DomainError(
    'invalid_interval',
    `${field}: ${fields.shift.start}–${fields.shift.end} overlaps this person's shift ${clash.shift_start}–${clash.shift_end} on the same zone (staff ${clash.id})`,
    [{ field, reason: `overlaps staff ${clash.id} (${clash.shift_start}–${clash.shift_end}, from ${clash.valid_from}${clash.valid_to ? ` to ${clash.valid_to}` : ''})` }],
  )
}

async function insertStaff(tx: DbOrTx, zoneId: number, partyId: number, fields: StaffFields): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO zone_staff (zone_id, party_id, role, department_kind, shift_label, shift_start, shift_end, duties, standards, shown_publicly, valid_from, valid_to)
    VALUES (${zoneId}, ${partyId}, ${fields.role}, ${fields.department_kind}, ${fields.shift?.label ?? null},
            ${fields.shift?.start ?? null}::time, ${fields.shift?.end ?? null}::time, ${fields.duties}, ${fields.standards},
            ${fields.shown_publicly}, ${fields.valid_from}::date, ${fields.valid_to}::date)
    RETURNING id`.execute(tx)
  return rows[0]!.id
}

export interface ScopeCheck {
  checkScope(tx: DbOrTx): Promise<void>
}

export async function createStaff(db: Db, zoneId: number, body: CreateStaffBody, options: ScopeCheck): Promise<Staff> {
  const fields = readStaffFields(body)
  return db.transaction().execute(async (tx) => {
    await lockZone(tx, zoneId)
    await options.checkScope(tx)
    const partyId = await partyOf(tx, body, 'party_id')
    await refuseOverlap(tx, zoneId, partyId, fields, null, 'shift')
    return (await staffById(tx, await insertStaff(tx, zoneId, partyId, fields)))!
  })
}

/** The three-shift helper: the day cut into `count` shifts (shifts.ts), one person each, all rows or none. */
export async function createSplitShifts(db: Db, zoneId: number, body: SplitShiftsBody, options: ScopeCheck): Promise<Staff[]> {
  let shifts
  try {
    shifts = splitDay(body.start, body.end, body.count)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    const field = error.message.split(':')[0]!
    throw badRequest('invalid_time', error.message, [{ field, reason: error.message.slice(field.length + 2) }])
  }
  if (body.staff.length !== body.count) {
    throw badRequest('invalid_request', `staff: give one person per shift (${body.count}), got ${body.staff.length}`, [
      { field: 'staff', reason: `must list ${body.count} people, one per shift in order` },
    ])
  }
  const rows = body.staff.map((person, index) =>
    readStaffFields({ ...person, role: body.role, department_kind: body.department_kind ?? null, shift: shifts[index]!, duties: body.duties ?? null,
      standards: body.standards ?? null, ...(body.shown_publicly === undefined ? {} : { shown_publicly: body.shown_publicly }),
      ...(body.valid_from === undefined ? {} : { valid_from: body.valid_from }), valid_to: body.valid_to ?? null }, `staff[${index}].`))
  return db.transaction().execute(async (tx) => {
    await lockZone(tx, zoneId)
    await options.checkScope(tx)
    const ids: number[] = []
    for (const [index, fields] of rows.entries()) {
      const partyId = await partyOf(tx, body.staff[index]!, `staff[${index}].party_id`)
      await refuseOverlap(tx, zoneId, partyId, fields, null, `staff[${index}].shift`)
      ids.push(await insertStaff(tx, zoneId, partyId, fields))
    }
    return Promise.all(ids.map(async (id) => (await staffById(tx, id))!))
  })
}

async function lockStaff(tx: DbOrTx, id: number, version: number): Promise<{ zone_id: number }> {
  const { rows } = await sql<{ zone_id: number; version: number }>`SELECT zone_id, version FROM zone_staff WHERE id = ${id} FOR UPDATE`.execute(tx)
  const row = rows[0]
  if (!row) throw notFound(`Staff ${id}`)
  if (row.version !== version) {
    throw new DomainError('version_conflict', `Staff ${id} is at version ${row.version}, not ${version}`, {
      current_version: row.version,
      current: await staffById(tx, id),
    })
  }
  return row
}

export async function updateStaff(db: Db, id: number, body: CreateStaffBody & { version: number }, options: ScopeCheck): Promise<Staff> {
  const fields = readStaffFields(body)
  return db.transaction().execute(async (tx) => {
    const zoneId = await staffZoneId(tx, id)
    if (zoneId === undefined) throw notFound(`Staff ${id}`)
    await lockZone(tx, zoneId)
    await options.checkScope(tx)
    await lockStaff(tx, id, body.version)
    const partyId = await partyOf(tx, body, 'party_id')
    await refuseOverlap(tx, zoneId, partyId, fields, id, 'shift')
    await sql`
      UPDATE zone_staff SET party_id = ${partyId}, role = ${fields.role}, department_kind = ${fields.department_kind},
        shift_label = ${fields.shift?.label ?? null}, shift_start = ${fields.shift?.start ?? null}::time, shift_end = ${fields.shift?.end ?? null}::time,
        duties = ${fields.duties}, standards = ${fields.standards}, shown_publicly = ${fields.shown_publicly},
        valid_from = ${fields.valid_from}::date, valid_to = ${fields.valid_to}::date, version = version + 1
      WHERE id = ${id}`.execute(tx)
    return (await staffById(tx, id))!
  })
}

export async function deleteStaff(db: Db, id: number, version: number, options: ScopeCheck): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const zoneId = await staffZoneId(tx, id)
    if (zoneId === undefined) throw notFound(`Staff ${id}`)
    await lockZone(tx, zoneId)
    await options.checkScope(tx)
    await lockStaff(tx, id, version)
    await sql`DELETE FROM zone_staff WHERE id = ${id}`.execute(tx)
  })
}
