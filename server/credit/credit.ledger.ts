import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { initialPoints } from './credit.rules.js'

export interface PointsEntry {
  partyId: number
  zoneId: number | null
  zoneCode: string | null
  delta: number
  reason: string
  source: 'rule' | 'hand' | 'inspection'
  ruleId?: number | null
  ruleKey?: string | null
  inspectionId?: number | null
  byAccountId: number | null
  byLogin: string | null
  at?: Date
}

/**
 * Appends one entry to a merchant's points ledger inside the caller's transaction: the party's row
 * is locked first, so two entries for one merchant at once take turns and each balance follows
 * the one before it.
 */
export async function appendPoints(tx: DbOrTx, entry: PointsEntry): Promise<{ id: number; balance_after: number }> {
  await sql`SELECT id FROM party WHERE id = ${entry.partyId} FOR UPDATE`.execute(tx)
  const { rows } = await sql<{ balance_after: number }>`
    SELECT balance_after FROM credit_points WHERE party_id = ${entry.partyId} ORDER BY id DESC LIMIT 1`.execute(tx)
  const before = rows[0]?.balance_after ?? (await initialPoints(tx))
  const balance = before + entry.delta
  const inserted = await sql<{ id: string }>`
    INSERT INTO credit_points (party_id, zone_id, zone_code, delta, balance_after, reason, source, rule_id, rule_key, inspection_id, at, by_account_id, by_login)
    VALUES (${entry.partyId}, ${entry.zoneId}, ${entry.zoneCode}, ${entry.delta}, ${balance}, ${entry.reason.slice(0, 500)}, ${entry.source},
            ${entry.ruleId ?? null}, ${entry.ruleKey ?? null}, ${entry.inspectionId ?? null}, ${entry.at ?? new Date()}, ${entry.byAccountId}, ${entry.byLogin})
    RETURNING id`.execute(tx)
  return { id: Number(inserted.rows[0]!.id), balance_after: balance }
}

/** A merchant's balance: the last entry's balance, or the rule set's starting points. */
export async function balanceOf(db: DbOrTx, partyId: number): Promise<number> {
  const { rows } = await sql<{ balance_after: number }>`
    SELECT balance_after FROM credit_points WHERE party_id = ${partyId} ORDER BY id DESC LIMIT 1`.execute(db)
  return rows[0]?.balance_after ?? (await initialPoints(db))
}
