import type { RawBuilder } from 'kysely'
import type { Db, DbOrTx, PartyType } from '../db/database.js'
import { partyTypes } from '../db/database.js'
import { DomainError, notFound } from '../errors.js'
import { parsePhone } from '../kernel/phone.js'
import {
  deletePartyRow,
  findDepartmentByName,
  findPartyById,
  insertParty,
  listParties,
  partyUsage,
  updatePartyRow,
  type PartyFields,
  type PartyWithZones,
} from './parties.repository.js'

export function readPartyType(type: string, field: string): PartyType {
  if ((partyTypes as readonly string[]).includes(type)) return type as PartyType
  const what = field === 'duty' ? 'duty' : 'party type'
  throw new DomainError('unknown_type', `Unknown ${what} "${type}"`, [{ field, reason: `must be one of ${partyTypes.join(', ')}` }])
}

export function blankProblem(fields: Partial<PartyFields>): void {
  if (fields.name !== undefined && fields.name.trim() === '') {
    throw new DomainError('invalid_name', 'name: must not be blank', [{ field: 'name', reason: 'must not be blank' }])
  }
}

/**
 * The party's phone in its normal form (kernel/phone.ts), so that what is stored is what is
 * dialled; a blank phone is no phone. A number that does not parse is 400 `invalid_phone` naming
 * the field and saying what is accepted.
 */
export function normalisePhone<T extends { phone?: string | null }>(fields: T, field: string): T {
  if (fields.phone === undefined || fields.phone === null) return fields
  if (fields.phone.trim() === '') return { ...fields, phone: null }
  const reading = parsePhone(fields.phone)
  if (!reading.ok) throw new DomainError('invalid_phone', `${field}: ${reading.reason}`, [{ field, reason: reading.reason }])
  return { ...fields, phone: reading.phone.display }
}

async function partyWithZones(db: DbOrTx, id: number): Promise<PartyWithZones> {
  const [party] = await listParties(db, { ids: [id], limit: 1 })
  if (!party) throw notFound(`Party ${id}`)
  return party
}

export async function searchParties(
  db: Db,
  query: { type?: string; q?: string; limit?: number },
  scope: { within?: RawBuilder<unknown> | null; phoneSearchable?: RawBuilder<boolean> } = {},
) {
  return listParties(db, {
    ...scope,
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

export async function createParty(db: Db, given: PartyFields & { type: string }) {
  const type = readPartyType(given.type, 'type')
  blankProblem(given)
  const input = normalisePhone(given, 'phone')
  return db.transaction().execute(async (tx) => {
    const name = input.name.trim()
    if (type === 'department') await checkDepartmentNameFree(tx, name, null)
    const party = await insertParty(tx, type, { ...input, name })
    return partyWithZones(tx, party.id)
  })
}

export async function updateParty(db: Db, id: number, given: Partial<PartyFields> & { version: number }) {
  blankProblem(given)
  const input = normalisePhone(given, 'phone')
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
