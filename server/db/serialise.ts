import { sql } from 'kysely'
import type { DbOrTx, PartyType } from './database.js'

/**
 * "Now" for a change that gives no start, read inside its transaction once the zone's row lock is
 * held: the transaction's own now(), so that the audit the same transaction runs afterwards (which
 * asks what is in force at now()) sees the change. A transaction that began before the one holding
 * the lock committed has an earlier now() than what that one stored; `after` (the latest instant
 * already stored) then moves the start one millisecond past it, so that a history of defaulted
 * starts stays strictly increasing. JavaScript's Date keeps milliseconds, which only rounds down.
 */
export async function databaseNow(db: DbOrTx, after: Date | null = null): Promise<Date> {
  const { rows } = await sql<{ now: Date | string }>`SELECT now() AS now`.execute(db)
  const now = new Date(rows[0]!.now)
  if (after && after.getTime() >= now.getTime()) return new Date(after.getTime() + 1)
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
