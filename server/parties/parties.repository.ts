import { sql, type RawBuilder } from 'kysely'
import { partyRowColumns, type DbOrTx, type PartyRow, type PartyType, type ZoneRef } from '../db/database.js'
import { type Duty } from '../kernel/zone-kinds.js'
import { containsPattern, idsIn } from '../db/sql-lists.js'
import { assignmentInForce } from '../db/holders.js'

export interface HeldZone extends ZoneRef {
  duty: Duty
}

export interface PartyWithZones extends PartyRow {
  /** Zones the party answers for now (open assignments). */
  zones: HeldZone[]
}

export interface PartyFields {
  name: string
  phone?: string | null
  title?: string | null
  role?: string | null
  phone_private?: boolean
}

export async function findPartyById(db: DbOrTx, id: number, options: { forUpdate?: boolean } = {}): Promise<PartyRow | undefined> {
  let query = db.selectFrom('party').select(partyRowColumns).where('id', '=', id)
  if (options.forUpdate) query = query.forUpdate()
  return query.executeTakeFirst()
}

export async function findDepartmentByName(db: DbOrTx, name: string): Promise<PartyRow | undefined> {
  return db.selectFrom('party').select(partyRowColumns).where('type', '=', 'department').where('name', '=', name).executeTakeFirst()
}

/**
 * The party a name (and phone) means, as the importer reads it: a department by its name alone,
 * anyone else by name and phone together.
 */
export async function findPartyByIdentity(db: DbOrTx, type: PartyType, fields: PartyFields): Promise<PartyRow | undefined> {
  if (type === 'department') return findDepartmentByName(db, fields.name)
  let query = db.selectFrom('party').select(partyRowColumns).where('type', '=', type).where('name', '=', fields.name)
  query = fields.phone ? query.where('phone', '=', fields.phone) : query.where('phone', 'is', null)
  return query.orderBy('id').executeTakeFirst()
}

export async function insertParty(db: DbOrTx, type: PartyType, fields: PartyFields): Promise<PartyRow> {
  return db
    .insertInto('party')
    .values({
      type, name: fields.name, phone: fields.phone ?? null, title: fields.title ?? null, role: fields.role ?? null,
      phone_private: fields.phone_private ?? false,
    })
    .returning(partyRowColumns)
    .executeTakeFirstOrThrow()
}

export async function updatePartyRow(db: DbOrTx, id: number, fields: Partial<PartyFields>): Promise<void> {
  await db
    .updateTable('party')
    .set({ ...fields, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .execute()
}

export async function deletePartyRow(db: DbOrTx, id: number): Promise<void> {
  await db.deleteFrom('party').where('id', '=', id).execute()
}

export async function listParties(
  db: DbOrTx,
  filters: {
    type?: PartyType
    q?: string
    ids?: readonly number[]
    limit: number
    /** Only parties whose id is in this subquery (the caller's scope, server/auth/scope.ts). */
    within?: RawBuilder<unknown> | null
    /** When `q` may match a phone (default: always); names and titles it matches always. */
    phoneSearchable?: RawBuilder<boolean>
  },
): Promise<PartyWithZones[]> {
  let query = db.selectFrom('party').select(partyRowColumns)
  if (filters.type) query = query.where('type', '=', filters.type)
  if (filters.ids) query = query.where(sql<boolean>`id IN ${idsIn(filters.ids)}`)
  if (filters.within) query = query.where(sql<boolean>`id IN ${filters.within}`)
  if (filters.q) {
    const pattern = containsPattern(filters.q)
    const phoneSearchable = filters.phoneSearchable ?? sql<boolean>`true`
    query = query.where((eb) =>
      eb.or([eb('name', 'ilike', pattern), eb('title', 'ilike', pattern), sql<boolean>`(phone ILIKE ${pattern} AND ${phoneSearchable})`]),
    )
  }
  const parties = await query.orderBy('type').orderBy('name').orderBy('id').limit(filters.limit).execute()
  const held = await zonesHeldNow(
    db,
    parties.map((party) => party.id),
  )
  return parties.map((party) => ({ ...party, zones: held.get(party.id) ?? [] }))
}

async function zonesHeldNow(db: DbOrTx, partyIds: readonly number[]): Promise<Map<number, HeldZone[]>> {
  const result = new Map<number, HeldZone[]>()
  if (partyIds.length === 0) return result
  const { rows } = await sql<HeldZone & { party_id: number }>`
    SELECT a.party_id, z.id, z.kind, z.code, z.name, a.duty
    FROM assignment a JOIN zone z ON z.id = a.zone_id
    WHERE a.party_id IN ${idsIn(partyIds)} AND ${assignmentInForce()}
    ORDER BY a.party_id, z.kind, z.code`.execute(db)
  for (const { party_id, ...zone } of rows) result.set(party_id, [...(result.get(party_id) ?? []), zone])
  return result
}

/** What stops a party from being deleted: zones it answers for now, past duties, category routes. */
export async function partyUsage(db: DbOrTx, id: number) {
  const held = await zonesHeldNow(db, [id])
  const assignments = await db
    .selectFrom('assignment')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('party_id', '=', id)
    .executeTakeFirstOrThrow()
  const routes = await sql<{ zone_code: string; category: string }>`
    SELECT z.code AS zone_code, c.name AS category
    FROM category_route r JOIN zone z ON z.id = r.zone_id JOIN category c ON c.id = r.category_id
    WHERE r.department_id = ${id} ORDER BY z.code, c.name LIMIT 50`.execute(db)
  return { zones: held.get(id) ?? [], assignments: Number(assignments.count), routes: routes.rows }
}
