import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { queueCaseNotices } from '../notify/notices.js'
import { loadCalendar } from './due.js'
import { escalationAt, type Limit, type LimitUnit, type WorkCalendar } from './working-time.js'

/**
 * The deadline sweep (docs/cases-deadlines.md), run every minute by the scheduler: for each open
 * case on the clock (dispatched or accepted; parked, handled and closed cases are not):
 * - warning: once, when warn_at has passed and due_at has not (warned_at, event `warned`,
 *   notices `warning`); a case found already overdue gets no separate warning;
 * - overdue: once, when due_at has passed (overdue_at = due_at, event `overdue`, notices `overdue`);
 * - escalation: level k at due_at + k × the case's limit (in the limit's own time; a case without
 *   a limit is never escalated): escalation_level = k, event `escalated` {level, party_id,
 *   party_name}, notices `escalated` to that party: the holder one step further up the case's
 *   stored routing chain per level (segment chief → street chief → district chief); past the
 *   top of the chain the top holder again.
 * Each case is handled in a transaction of its own, locked and re-read, so a sweep run twice at
 * the same `now` (or by two processes) adds nothing; the notices' dedupe keys make a retried
 * step harmless too. The sweep does not change the case's version: it does not edit what a
 * person edits, and a dispatcher's step is not refused because a warning went out meanwhile.
 */

export interface SweepResult {
  warned: number[]
  overdue: number[]
  escalated: { caseId: number; level: number; partyId: number | null }[]
}

interface OpenCase {
  id: number
  state: string
  warn_at: Date | null
  due_at: Date
  warned_at: Date | null
  overdue_at: Date | null
  escalation_level: number
  limit_value: number | null
  limit_unit: LimitUnit | null
  owner_party_id: number | null
  owner_zone_id: number | null
  assignee_party_id: number | null
  routing: unknown
}

const OPEN_ON_THE_CLOCK = ['dispatched', 'accepted']

interface ChainLink {
  zone?: { id?: number }
  holders?: { chief?: { id?: number; name?: string } | null }
}

/** The parties escalation goes to, in order: the chiefs of the chain's links above the owner's. */
export function escalationTargets(routing: unknown, ownerZoneId: number | null, exclude: (number | null)[]): { id: number; name: string }[] {
  const chain = (routing as { chain?: ChainLink[] } | null)?.chain
  if (!Array.isArray(chain)) return []
  const ownerIndex = chain.findIndex((link) => link?.zone?.id === ownerZoneId)
  const skip = new Set(exclude.filter((id): id is number => id !== null))
  const targets: { id: number; name: string }[] = []
  for (const link of chain.slice(ownerIndex + 1)) {
    const chief = link?.holders?.chief
    if (!chief || typeof chief.id !== 'number' || skip.has(chief.id)) continue
    skip.add(chief.id)
    targets.push({ id: chief.id, name: typeof chief.name === 'string' ? chief.name : `#${chief.id}` })
  }
  return targets
}

async function appendSystemEvent(tx: DbOrTx, caseId: number, now: Date, action: string, note: string, details: Record<string, unknown>): Promise<void> {
  await sql`
    INSERT INTO case_event (case_id, at, action, by_system, note, details)
    VALUES (${caseId}, ${now.toISOString()}::timestamptz, ${action}, true, ${note}, ${JSON.stringify(details)}::jsonb)`.execute(tx)
}

async function sweepCase(db: Db, calendar: WorkCalendar, caseId: number, now: Date, result: SweepResult): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const { rows } = await sql<OpenCase>`
      SELECT id, state, warn_at, due_at, warned_at, overdue_at, escalation_level, limit_value, limit_unit,
             owner_party_id, owner_zone_id, assignee_party_id, routing
        FROM case_file WHERE id = ${caseId} FOR UPDATE`.execute(tx)
    const row = rows[0]
    if (!row || !OPEN_ON_THE_CLOCK.includes(row.state) || row.due_at === null) return
    const dueAt = new Date(row.due_at)
    const at = now.getTime()

    if (row.warned_at === null && row.warn_at !== null && new Date(row.warn_at).getTime() <= at && at < dueAt.getTime()) {
      await sql`UPDATE case_file SET warned_at = ${now.toISOString()}::timestamptz WHERE id = ${caseId}`.execute(tx)
      await appendSystemEvent(tx, caseId, now, 'warned', '临近处置时限', { warn_at: new Date(row.warn_at).toISOString(), due_at: dueAt.toISOString() })
      await queueCaseNotices(tx, caseId, 'warning')
      result.warned.push(caseId)
    }

    if (dueAt.getTime() > at) return
    if (row.overdue_at === null) {
      await sql`UPDATE case_file SET overdue_at = ${dueAt.toISOString()}::timestamptz WHERE id = ${caseId}`.execute(tx)
      await appendSystemEvent(tx, caseId, now, 'overdue', '已超过处置时限', { due_at: dueAt.toISOString() })
      await queueCaseNotices(tx, caseId, 'overdue')
      result.overdue.push(caseId)
    }

    if (row.limit_value === null || row.limit_unit === null) return
    const limit: Limit = { value: row.limit_value, unit: row.limit_unit }
    const targets = escalationTargets(row.routing, row.owner_zone_id, [row.owner_party_id, row.assignee_party_id])
    for (let level = row.escalation_level + 1; escalationAt(calendar, dueAt, limit, level).getTime() <= at; level++) {
      const target = targets[Math.min(level, targets.length) - 1] ?? null
      const party = target ? ((await sql<{ name: string }>`SELECT name FROM party WHERE id = ${target.id}`.execute(tx)).rows[0]?.name ?? target.name) : null
      await sql`UPDATE case_file SET escalation_level = ${level}, escalated_at = ${now.toISOString()}::timestamptz WHERE id = ${caseId}`.execute(tx)
      const due = escalationAt(calendar, dueAt, limit, level)
      await appendSystemEvent(tx, caseId, now, 'escalated', party ? `超时升级督办（第${level}级）：${party}` : `超时升级督办（第${level}级）`, {
        level,
        party_id: target?.id ?? null,
        party_name: party,
        escalation_at: due.toISOString(),
      })
      await queueCaseNotices(tx, caseId, 'escalated', target ? { partyId: target.id } : {})
      result.escalated.push({ caseId, level, partyId: target?.id ?? null })
    }
  })
}

/** One pass over the open cases whose warning or due time has passed at `now`. */
export async function sweepDeadlines(db: Db, now: Date): Promise<SweepResult> {
  const result: SweepResult = { warned: [], overdue: [], escalated: [] }
  // Two index range scans (case_file_state_due_idx; the partial case_file_warn_pending_idx, whose
  // predicate these literals match), not a scan of every open case.
  const at = now.toISOString()
  const { rows } = await sql<{ id: number }>`
    SELECT id FROM (
      SELECT id, due_at FROM case_file WHERE state IN ('dispatched', 'accepted') AND due_at <= ${at}::timestamptz
      UNION
      SELECT id, due_at FROM case_file WHERE warned_at IS NULL AND state IN ('dispatched', 'accepted') AND warn_at <= ${at}::timestamptz AND due_at IS NOT NULL
    ) due ORDER BY due_at, id`.execute(db)
  if (rows.length === 0) return result
  const calendar = await loadCalendar(db)
  for (const { id } of rows) await sweepCase(db, calendar, id, now, result)
  return result
}
