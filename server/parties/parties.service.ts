import { withAuditEffect, type ZonePlace } from '../coverage/audit-effect.js'
import type { AuditEffect } from '../coverage/coverage.schemas.js'
import type { Db, DbOrTx, PartyType, ZoneRow } from '../db/database.js'
import type { Duty } from '../kernel/zone-kinds.js'
import { partyTypes } from '../db/database.js'
import { DomainError, notFound } from '../errors.js'
import { parseInstant } from '../kernel/time.js'
import { databaseNow, lockPartyIdentity } from '../db/serialise.js'
import { defaultChiefRole, dutiesByKind } from '../zones/zone-rules.js'
import type { AuditOption } from '../zones/zones.service.js'
import { findZoneById } from '../zones/zones.repository.js'
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
import {
  deleteRoute,
  findCategoryByName,
  insertCategory,
  routesForZone,
  setRoute,
  type CategoryRow,
  type ZoneCategoryRoute,
} from './categories.repository.js'
import {
  deletePartyRow,
  findDepartmentByName,
  findPartyById,
  findPartyByIdentity,
  insertParty,
  listParties,
  partyUsage,
  updatePartyRow,
  type PartyFields,
  type PartyWithZones,
} from './parties.repository.js'

const placeOf = (zone: ZoneRow): ZonePlace => ({ kind: zone.kind, id: zone.id, parentId: zone.parent_id })

function readPartyType(type: string, field: string): PartyType {
  if ((partyTypes as readonly string[]).includes(type)) return type as PartyType
  const what = field === 'duty' ? 'duty' : 'party type'
  throw new DomainError('unknown_type', `Unknown ${what} "${type}"`, [{ field, reason: `must be one of ${partyTypes.join(', ')}` }])
}

function blankProblem(fields: Partial<PartyFields>): void {
  if (fields.name !== undefined && fields.name.trim() === '') {
    throw new DomainError('invalid_name', 'name: must not be blank', [{ field: 'name', reason: 'must not be blank' }])
  }
}

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

async function partyWithZones(db: DbOrTx, id: number): Promise<PartyWithZones> {
  const [party] = await listParties(db, { ids: [id], limit: 1 })
  if (!party) throw notFound(`Party ${id}`)
  return party
}

export async function searchParties(db: Db, query: { type?: string; q?: string; limit?: number }) {
  return listParties(db, {
    ...(query.type ? { type: readPartyType(query.type, 'type') } : {}),
    ...(query.q ? { q: query.q } : {}),
    limit: query.limit ?? 500,
  })
}

export async function getParty(db: Db, id: number) {
  return partyWithZones(db, id)
}

async function checkDepartmentNameFree(db: DbOrTx, name: string, selfId: number | null): Promise<void> {
  const existing = await findDepartmentByName(db, name)
  if (existing && existing.id !== selfId) {
    throw new DomainError('duplicate_department', `A department named ${name} already exists (id ${existing.id})`, [
      { field: 'name', reason: `department names are unique; ${name} is id ${existing.id}` },
    ])
  }
}

export async function createParty(db: Db, input: PartyFields & { type: string }) {
  const type = readPartyType(input.type, 'type')
  blankProblem(input)
  return db.transaction().execute(async (tx) => {
    const name = input.name.trim()
    if (type === 'department') await checkDepartmentNameFree(tx, name, null)
    const party = await insertParty(tx, type, { ...input, name })
    return partyWithZones(tx, party.id)
  })
}

export async function updateParty(db: Db, id: number, input: Partial<PartyFields> & { version: number }) {
  blankProblem(input)
  return db.transaction().execute(async (tx) => {
    const party = await findPartyById(tx, id, { forUpdate: true })
    if (!party) throw notFound(`Party ${id}`)
    if (party.version !== input.version) {
      const current = await partyWithZones(tx, id)
      throw new DomainError('version_conflict', `The party was changed by someone else: you sent version ${input.version}, it is now at ${party.version}`, {
        current_version: party.version,
        current,
      })
    }
    const { version: _version, ...fields } = input
    if (fields.name !== undefined) fields.name = fields.name.trim()
    if (party.type === 'department' && fields.name !== undefined) await checkDepartmentNameFree(tx, fields.name, id)
    await updatePartyRow(tx, id, fields)
    return partyWithZones(tx, id)
  })
}

export async function deleteParty(db: Db, id: number, version: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const party = await findPartyById(tx, id, { forUpdate: true })
    if (!party) throw notFound(`Party ${id}`)
    if (party.version !== version) {
      throw new DomainError('version_conflict', `The party is at version ${party.version}, not ${version}`, {
        current_version: party.version,
        current: await partyWithZones(tx, id),
      })
    }
    const usage = await partyUsage(tx, id)
    if (usage.zones.length > 0 || usage.assignments > 0 || usage.routes.length > 0) {
      const reason =
        usage.zones.length > 0
          ? `answers for ${usage.zones.length} zones (${usage.zones.slice(0, 3).map((zone) => zone.code).join(', ')}); end those assignments first`
          : usage.routes.length > 0
            ? `handles ${usage.routes.length} category routes; route them elsewhere first`
            : `appears in ${usage.assignments} past assignments, which are kept as history`
      throw new DomainError('party_in_use', `${party.name} ${reason}`, { ...usage })
    }
    await deletePartyRow(tx, id)
  })
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
      const fields = { ...input.party!, name: input.party!.name.trim() }
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

function readCategoryName(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length === 0 || trimmed.length > 100) {
    throw new DomainError('invalid_name', 'A category name has 1 to 100 characters', [{ field: 'name', reason: 'must have 1 to 100 characters' }])
  }
  return trimmed
}

export async function createCategory(db: Db, name: string): Promise<CategoryRow> {
  const trimmed = readCategoryName(name)
  return db.transaction().execute(async (tx) => {
    const existing = await findCategoryByName(tx, trimmed)
    if (existing) {
      throw new DomainError('duplicate_category', `The category ${trimmed} already exists (id ${existing.id})`, [
        { field: 'name', reason: 'already exists' },
      ])
    }
    return insertCategory(tx, trimmed)
  })
}

export async function zoneCategoryRoutes(db: Db, zoneId: number): Promise<ZoneCategoryRoute[]> {
  if (!(await findZoneById(db, zoneId))) throw notFound(`Zone ${zoneId}`)
  return routesForZone(db, zoneId)
}

async function requireCategory(db: DbOrTx, name: string): Promise<CategoryRow> {
  const category = await findCategoryByName(db, name)
  if (!category) {
    throw new DomainError('unknown_category', `No category ${name}; create it first with POST /api/categories`, [
      { field: 'params.category', reason: 'no such category' },
    ])
  }
  return category
}

export async function setZoneCategoryRoute(
  db: Db,
  zoneId: number,
  categoryName: string,
  input: { department?: string; department_id?: number },
  options: AuditOption = {},
): Promise<{ route: ZoneCategoryRoute; audit?: AuditEffect }> {
  if ((input.department === undefined) === (input.department_id === undefined)) {
    throw new DomainError('invalid_department', 'Give either department (a name) or department_id', [
      { field: 'department', reason: 'give either department (its name) or department_id' },
    ])
  }
  return db.transaction().execute(async (tx) => {
    const zone = await findZoneById(tx, zoneId, { forUpdate: true })
    if (!zone) throw notFound(`Zone ${zoneId}`)
    const category = await requireCategory(tx, categoryName)
    const department =
      input.department_id !== undefined ? await findPartyById(tx, input.department_id) : await findDepartmentByName(tx, input.department!.trim())
    const field = input.department_id !== undefined ? 'department_id' : 'department'
    if (!department) {
      throw new DomainError('unknown_department', `No department ${input.department ?? `with id ${input.department_id}`}`, [
        { field, reason: 'no such department; create it with POST /api/parties {type: "department", …}' },
      ])
    }
    if (department.type !== 'department') {
      throw new DomainError('party_type_mismatch', `${department.name} is a ${department.type}, not a department`, [
        { field, reason: 'must name a department' },
      ])
    }
    const { result, audit } = await withAuditEffect(tx, options.audit ?? true, [placeOf(zone)], async () => {
      await setRoute(tx, zoneId, category.id, department.id)
      return { result: (await routesForZone(tx, zoneId)).find((route) => route.category === category.name)! }
    })
    return { route: result, ...(audit ? { audit } : {}) }
  })
}

export async function deleteZoneCategoryRoute(
  db: Db,
  zoneId: number,
  categoryName: string,
  options: AuditOption = {},
): Promise<{ audit?: AuditEffect }> {
  return db.transaction().execute(async (tx) => {
    const zone = await findZoneById(tx, zoneId)
    if (!zone) throw notFound(`Zone ${zoneId}`)
    const category = await requireCategory(tx, categoryName)
    const own = await tx
      .selectFrom('category_route')
      .select('zone_id')
      .where('zone_id', '=', zoneId)
      .where('category_id', '=', category.id)
      .executeTakeFirst()
    if (!own) throw new DomainError('not_found', `Zone ${zoneId} sets no route of its own for ${categoryName}`)
    const { audit } = await withAuditEffect(tx, options.audit ?? true, [placeOf(zone)], async () => {
      await deleteRoute(tx, zoneId, category.id)
      return { result: null }
    })
    return audit ? { audit } : {}
  })
}
