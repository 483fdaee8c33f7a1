import { placeOf, withAuditEffect } from '../coverage/audit-effect.js'
import type { AuditEffect } from '../coverage/coverage.schemas.js'
import type { Db } from '../db/database.js'
import type { Duty } from '../kernel/zone-kinds.js'
import { DomainError, notFound } from '../errors.js'
import { parseInstant } from '../kernel/time.js'
import { databaseNow, lockPartyIdentity } from '../db/serialise.js'
import { defaultChiefRole, dutiesByKind } from '../zones/zone-rules.js'
import type { AuditOption } from '../zones/zones.service.js'
import { findZoneById } from '../zones/zones.repository.js'
import { findPartyById, findPartyByIdentity, insertParty, type PartyFields } from '../parties/parties.repository.js'
import { blankProblem, normalisePhone, readPartyType } from '../parties/parties.service.js'
import {
  assignmentById,
  closeAssignment,
  insertAssignment,
  latestInstant,
  listAssignments,
  lockAssignment,
  openAssignment,
  type AssignmentView,
} from './assignments.repository.js'

function readInstant(text: string | undefined, field: string): Date {
  if (text === undefined) return new Date()
  const instant = parseInstant(text)
  if (!instant) {
    throw new DomainError('invalid_time', `${field}: "${text}" is not an ISO 8601 time`, [
      { field, reason: 'must be an ISO 8601 date or time from 1900 to 9999, e.g. 2024-03-03 or 2024-03-03T09:30:00+08:00' },
    ])
  }
  return instant
}

export interface NewAssignmentInput {
  duty: string
  party_id?: number
  party?: PartyFields
  from?: string
}

function readDuty(duty: string): Duty {
  return readPartyType(duty, 'duty')
}

/**
 * Gives a zone a new holder of a duty: the open assignment of that duty is closed at `from` and the
 * new one opens there, so the history stays a sequence of intervals without overlaps.
 */
export async function assignParty(
  db: Db,
  zoneId: number,
  input: NewAssignmentInput,
  options: AuditOption = {},
): Promise<{ created: boolean; assignment: AssignmentView; audit?: AuditEffect }> {
  const duty = readDuty(input.duty)
  if ((input.party_id === undefined) === (input.party === undefined)) {
    throw new DomainError('invalid_party', 'Give either party_id or party, not both or neither', [
      { field: 'party', reason: 'give either party_id (an existing party) or party {name, phone, title, role}' },
    ])
  }
  if (input.party) blankProblem(input.party)
  const given = input.from === undefined ? null : readInstant(input.from, 'from')
  return db.transaction().execute(async (tx) => {
    // Locking the zone serialises concurrent changes to its holders.
    const zone = await findZoneById(tx, zoneId, { forUpdate: true })
    if (!zone) throw notFound(`Zone ${zoneId}`)
    await options.checkScope?.(tx)
    const allowed = dutiesByKind[zone.kind]
    if (!allowed.includes(duty)) {
      throw new DomainError('invalid_duty', `A ${zone.kind} has no ${duty}`, [
        { field: 'duty', reason: `a ${zone.kind} can have ${allowed.join(', ')}` },
      ])
    }
    let partyId: number
    if (input.party_id !== undefined) {
      const party = await findPartyById(tx, input.party_id)
      if (!party) throw new DomainError('unknown_party', `No party with id ${input.party_id}`, [{ field: 'party_id', reason: 'no such party' }])
      if (party.type !== duty) {
        throw new DomainError('party_type_mismatch', `${party.name} is a ${party.type}, not a ${duty}`, [
          { field: 'party_id', reason: `the ${duty} duty needs a party of type ${duty}` },
        ])
      }
      partyId = party.id
    } else {
      const fields = { ...normalisePhone(input.party!, 'party.phone'), name: input.party!.name.trim() }
      if (duty === 'chief' && !fields.role) fields.role = defaultChiefRole[zone.kind]
      await lockPartyIdentity(tx, duty, fields.name, fields.phone)
      const existing = await findPartyByIdentity(tx, duty, fields)
      partyId = existing ? existing.id : (await insertParty(tx, duty, fields)).id
    }

    const open = await openAssignment(tx, zoneId, duty)
    const latest = open && open.party_id === partyId ? null : await latestInstant(tx, zoneId, duty, null)
    // No start given: now, read from the database while the zone is locked, so that it follows
    // the change that held the lock before.
    const from = given ?? (await databaseNow(tx, latest))
    if (latest && from.getTime() <= latest.getTime()) {
      throw new DomainError('invalid_interval', `The ${duty} history of this zone runs to ${latest.toISOString()}; a new ${duty} must start after it`, [
        { field: 'from', reason: `must be after ${latest.toISOString()}` },
      ])
    }
    const { result, audit } = await withAuditEffect(tx, options.audit ?? true, [placeOf(zone)], async () => {
      if (open && open.party_id === partyId) {
        return { result: { created: false, assignment: (await assignmentById(tx, open.id))! }, unchanged: true }
      }
      if (open) await closeAssignment(tx, open.id, from)
      const id = await insertAssignment(tx, { zoneId, partyId, duty, from })
      return { result: { created: true, assignment: (await assignmentById(tx, id))! } }
    })
    return { ...result, ...(audit ? { audit } : {}) }
  })
}

export async function zoneAssignments(db: Db, zoneId: number, duty?: string): Promise<AssignmentView[]> {
  if (!(await findZoneById(db, zoneId))) throw notFound(`Zone ${zoneId}`)
  return listAssignments(db, zoneId, duty === undefined ? undefined : readDuty(duty))
}

export async function endAssignment(
  db: Db,
  id: number,
  input: { version: number; to?: string },
  options: AuditOption = {},
): Promise<{ assignment: AssignmentView; audit?: AuditEffect }> {
  const to = readInstant(input.to, 'to')
  return db.transaction().execute(async (tx) => {
    const assignment = await lockAssignment(tx, id)
    if (!assignment) throw notFound(`Assignment ${id}`)
    await options.checkScope?.(tx)
    if (assignment.version !== input.version) {
      throw new DomainError('version_conflict', `The assignment is at version ${assignment.version}, not ${input.version}`, {
        current_version: assignment.version,
        current: await assignmentById(tx, id),
      })
    }
    if (assignment.valid_to !== null) {
      throw new DomainError('already_ended', `The assignment ended at ${new Date(assignment.valid_to).toISOString()}`)
    }
    if (to.getTime() <= new Date(assignment.valid_from).getTime()) {
      throw new DomainError('invalid_interval', 'An assignment must end after it starts', [
        { field: 'to', reason: `must be after ${new Date(assignment.valid_from).toISOString()}` },
      ])
    }
    const zone = (await findZoneById(tx, assignment.zone_id))!
    const { result, audit } = await withAuditEffect(tx, options.audit ?? true, [placeOf(zone)], async () => {
      await closeAssignment(tx, id, to)
      return { result: (await assignmentById(tx, id))! }
    })
    return { assignment: result, ...(audit ? { audit } : {}) }
  })
}
