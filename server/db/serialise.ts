import { sql } from 'kysely'
import type { DbOrTx, PartyType } from './database.js'

/**
 * The database's clock, read inside a transaction: called after a row lock is held, it is later
 * than anything the transaction that held the lock before wrote. JavaScript's Date keeps
 * milliseconds, so two transactions in one millisecond would read the same instant; `after`
 * (the latest instant already stored, if it is that close) nudges it one millisecond on, which
 * keeps a history of defaulted starts strictly increasing.
 */
export async function databaseNow(db: DbOrTx, after: Date | null = null): Promise<Date> {
  const { rows } = await sql<{ now: Date | string }>`SELECT clock_timestamp() AS now`.execute(db)
  const now = new Date(rows[0]!.now)
  if (after && after.getTime() >= now.getTime() && after.getTime() - now.getTime() < 1) return new Date(after.getTime() + 1)
  return now
}

/**
 * Serialises find-or-create of one party identity (the key findPartyByIdentity matches on) until
 * the transaction ends, so that concurrent requests naming the same new person create it once.
 * A transaction-level advisory lock on a hash of the key: a collision only makes two unrelated
 * identities wait for each other.
 */
export async function lockPartyIdentity(db: DbOrTx, type: PartyType, name: string, phone: string | null | undefined): Promise<void> {
  const key = JSON.stringify(type === 'department' ? ['party', type, name] : ['party', type, name, phone ?? null])
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(db)
}
