import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx } from './database.js'
import type { Duty } from '../kernel/zone-kinds.js'
import { idsIn } from './sql-lists.js'

/** The people and organisations answering for a zone at one instant, as the API shows them. */
export interface Contact {
  id: number
  name: string
  phone: string | null
}
export interface ChiefContact extends Contact {
  title: string | null
  role: string | null
}
export interface Holders {
  chief: ChiefContact | null
  department: Contact | null
  merchant: Contact | null
  fallback: Contact | null
}

export function emptyHolders(): Holders {
  return { chief: null, department: null, merchant: null, fallback: null }
}

/**
 * Assignment `a` is in force at `at` (half-open interval [valid_from, valid_to)); without `at`,
 * at the database's now().
 */
export function assignmentInForce(at?: string): RawBuilder<boolean> {
  const instant = at === undefined ? sql`now()` : sql`${at}::timestamptz`
  return sql<boolean>`a.valid_from <= ${instant} AND (a.valid_to IS NULL OR a.valid_to > ${instant})`
}

interface HolderRow {
  zone_id: number
  duty: Duty
  id: number
  name: string
  phone: string | null
  title: string | null
  role: string | null
}

/**
 * Who answers for each zone at `at` (default now): per duty, the assignment in force then; if
 * intervals overlap (old imported data), the latest start, deterministically. Every requested
 * zone has an entry, empty where nobody holds a duty.
 */
export async function holdersAt(db: DbOrTx, zoneIds: readonly number[], at?: Date | string): Promise<Map<number, Holders>> {
  const result = new Map<number, Holders>(zoneIds.map((id) => [id, emptyHolders()]))
  if (zoneIds.length === 0) return result
  const instant = new Date(at ?? Date.now()).toISOString()
  const { rows } = await sql<HolderRow>`
    SELECT DISTINCT ON (a.zone_id, a.duty) a.zone_id, a.duty, p.id, p.name, p.phone, p.title, p.role
    FROM assignment a JOIN party p ON p.id = a.party_id
    WHERE a.zone_id IN ${idsIn(zoneIds)} AND ${assignmentInForce(instant)}
    ORDER BY a.zone_id, a.duty, a.valid_from DESC, a.id DESC`.execute(db)
  for (const row of rows) {
    const holders = result.get(row.zone_id)!
    const contact = { id: row.id, name: row.name, phone: row.phone }
    if (row.duty === 'chief') holders.chief = { ...contact, title: row.title, role: row.role }
    else holders[row.duty] = contact
  }
  return result
}
