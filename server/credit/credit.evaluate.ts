import { sql, type RawBuilder } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { appendPoints } from './credit.ledger.js'
import { currentRuleSet, type CreditRule } from './credit.rules.js'
import { firings, type Fact } from './rule-window.js'

/**
 * Rule evaluation (docs/credit.md): for each enabled rule of the set in force, the facts of its
 * trigger on each merchant's frontage not yet used by that rule key, grouped by merchant and
 * frontage, fired by rule-window.ts, each firing giving its card and points and using up its
 * facts — all in one transaction.
 *
 * Idempotent: a fact is recorded as used (credit_rule_fact, primary key rule key + merchant +
 * fact) with the firing, so the same facts never give a card twice. Two evaluations at once (the
 * scheduled job in one process, `POST /api/credit/evaluate` in another) take turns on a
 * transaction-level advisory lock, and the second finds the facts used.
 */

export interface Firing {
  rule_key: string
  rule_name: string
  party_id: number
  zone_code: string
  facts: string[]
  card: { id: number; colour: string } | null
  points: { id: number; delta: number; balance_after: number } | null
}

interface FactRow {
  party_id: number
  zone_id: number
  zone_code: string
  fact: string
  label: string
  at: Date
}

/** Rules giving yellow cards run before the rules counting them, so one run gives both. */
const order = (rule: CreditRule) => (rule.trigger === 'yellow_card' ? 1 : 0)

const EVALUATION_LOCK = sql`hashtext('jiezhang.credit-evaluate')`

export async function evaluateCredit(db: Db, options: { now?: Date; zones?: RawBuilder<unknown> | null } = {}): Promise<Firing[]> {
  const now = options.now ?? new Date()
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${EVALUATION_LOCK})`.execute(tx)
    const set = await currentRuleSet(tx)
    const rules = set.rules.filter((rule) => rule.enabled).sort((a, b) => order(a) - order(b) || a.id - b.id)
    const fired: Firing[] = []
    for (const rule of rules) {
      const facts = await factsOf(tx, rule, now, options.zones ?? null)
      const groups = new Map<string, FactRow[]>()
      for (const fact of facts) {
        const key = `${fact.party_id}|${fact.zone_id}`
        groups.set(key, [...(groups.get(key) ?? []), fact])
      }
      for (const group of groups.values()) {
        const byKey = new Map(group.map((fact) => [fact.fact, fact]))
        const window = { count: rule.count, windowDays: rule.window_days }
        const asFacts: Fact[] = group.map((fact) => ({ key: fact.fact, at: new Date(fact.at) }))
        for (const used of firings(window, asFacts)) {
          fired.push(await fire(tx, rule, used.map((fact) => byKey.get(fact.key)!), now))
        }
      }
    }
    return fired
  })
}

async function fire(tx: DbOrTx, rule: CreditRule, facts: FactRow[], now: Date): Promise<Firing> {
  const { party_id: partyId, zone_id: zoneId, zone_code: zoneCode } = facts[0]!
  const reason = `规则「${rule.name}」：${facts.map((fact) => fact.label).join('、')}`.slice(0, 500)
  let card: Firing['card'] = null
  if (rule.card) {
    const expires = rule.card_days === null ? null : new Date(now.getTime() + rule.card_days * 86_400_000)
    const { rows } = await sql<{ id: number }>`
      INSERT INTO credit_card (party_id, zone_id, zone_code, colour, reason, source, rule_id, rule_key, given_at, expires_at)
      VALUES (${partyId}, ${zoneId}, ${zoneCode}, ${rule.card}, ${reason}, 'rule', ${rule.id}, ${rule.key}, ${now}, ${expires})
      RETURNING id`.execute(tx)
    card = { id: rows[0]!.id, colour: rule.card }
  }
  let points: Firing['points'] = null
  if (rule.points !== null) {
    const entry = await appendPoints(tx, {
      partyId, zoneId, zoneCode, delta: rule.points, reason, source: 'rule', ruleId: rule.id, ruleKey: rule.key, byAccountId: null, byLogin: null, at: now,
    })
    points = { id: entry.id, delta: rule.points, balance_after: entry.balance_after }
  }
  const keys = facts.map((fact) => fact.fact)
  const { rows } = await sql<{ id: number }>`
    INSERT INTO credit_rule_firing (rule_id, rule_key, party_id, zone_id, facts, card_id, points_id, at)
    VALUES (${rule.id}, ${rule.key}, ${partyId}, ${zoneId}, ${keys}::text[], ${card?.id ?? null}, ${points?.id ?? null}, ${now})
    RETURNING id`.execute(tx)
  await sql`
    INSERT INTO credit_rule_fact (rule_key, party_id, fact, firing_id)
    SELECT ${rule.key}, ${partyId}, fact, ${rows[0]!.id} FROM unnest(${keys}::text[]) AS fact`.execute(tx)
  return { rule_key: rule.key, rule_name: rule.name, party_id: partyId, zone_code: zoneCode, facts: keys, card, points }
}

/** The facts of a rule's trigger not yet used by its key, from its effective time to now. */
async function factsOf(tx: DbOrTx, rule: CreditRule, now: Date, zones: RawBuilder<unknown> | null): Promise<FactRow[]> {
  const since = new Date(rule.effective_from)
  const inZones = (column: RawBuilder<unknown>) => (zones === null ? sql`true` : sql`${column} IN ${zones}`)
  const unused = (party: RawBuilder<unknown>, fact: RawBuilder<unknown>) =>
    sql`NOT EXISTS (SELECT 1 FROM credit_rule_fact used WHERE used.rule_key = ${rule.key} AND used.party_id = ${party} AND used.fact = ${fact})`
  // A case on the strip: routed at intake to the merchant answering for the frontage, and filed
  // (a report not yet filed may still be voided).
  const onStrip = sql`c.owner_duty = 'merchant' AND c.owner_party_id IS NOT NULL AND c.owner_zone_id IS NOT NULL`
  let query: RawBuilder<FactRow>
  switch (rule.trigger) {
    case 'case':
      query = sql<FactRow>`
        SELECT c.owner_party_id AS party_id, c.owner_zone_id AS zone_id, z.code AS zone_code, 'case:' || c.id AS fact, '案件' || c.number AS label, c.created_at AS at
        FROM case_file c JOIN zone z ON z.id = c.owner_zone_id
        WHERE ${onStrip} AND c.state NOT IN ('reported', 'voided', 'duplicate') AND c.created_at >= ${since} AND c.created_at <= ${now}
          AND ${inZones(sql`c.owner_zone_id`)} AND ${unused(sql`c.owner_party_id`, sql`'case:' || c.id`)}`
      break
    case 'overdue_case':
      // Not closed by its due time: still open when it fell due, or closed after. A parked case
      // (挂账, approved) is not the merchant's delay.
      query = sql<FactRow>`
        SELECT c.owner_party_id AS party_id, c.owner_zone_id AS zone_id, z.code AS zone_code, 'case:' || c.id AS fact, '案件' || c.number || '超期' AS label, c.due_at AS at
        FROM case_file c JOIN zone z ON z.id = c.owner_zone_id
        WHERE ${onStrip} AND c.state NOT IN ('voided', 'duplicate', 'parked') AND c.due_at IS NOT NULL
          AND c.due_at >= ${since} AND c.due_at <= ${now} AND (c.closed_at IS NULL OR c.closed_at > c.due_at)
          AND ${inZones(sql`c.owner_zone_id`)} AND ${unused(sql`c.owner_party_id`, sql`'case:' || c.id`)}`
      break
    case 'failed_inspection':
    case 'passed_inspection':
      query = sql<FactRow>`
        SELECT i.party_id, i.zone_id, i.zone_code, 'inspection:' || i.id AS fact,
               to_char(i.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || '检查' || CASE WHEN i.passed THEN '合格' ELSE '不合格' END AS label, i.at
        FROM credit_inspection i
        WHERE i.zone_id IS NOT NULL AND i.passed = ${rule.trigger === 'passed_inspection'} AND i.at >= ${since} AND i.at <= ${now}
          AND ${inZones(sql`i.zone_id`)} AND ${unused(sql`i.party_id`, sql`'inspection:' || i.id`)}`
      break
    case 'yellow_card':
      query = sql<FactRow>`
        SELECT k.party_id, k.zone_id, k.zone_code, 'card:' || k.id AS fact, to_char(k.given_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || '黄牌' AS label, k.given_at AS at
        FROM credit_card k
        WHERE k.colour = 'yellow' AND k.revoked_at IS NULL AND k.zone_id IS NOT NULL AND k.given_at >= ${since} AND k.given_at <= ${now}
          AND ${inZones(sql`k.zone_id`)} AND ${unused(sql`k.party_id`, sql`'card:' || k.id`)}`
      break
    case 'quiet_month':
      // Whole calendar months (Beijing time) from the rule's start, held by the merchant for the
      // whole month, with no case on the strip created in it.
      query = sql<FactRow>`
        WITH held AS (
          SELECT a.party_id, a.zone_id, z.code AS zone_code,
                 greatest(a.valid_from, ${since}::timestamptz) AS start, least(coalesce(a.valid_to, ${now}::timestamptz), ${now}::timestamptz) AS stop
          FROM assignment a JOIN zone z ON z.id = a.zone_id
          WHERE a.duty = 'merchant' AND z.kind = 'frontage' AND coalesce(a.valid_to, ${now}::timestamptz) > ${since}::timestamptz
            AND ${inZones(sql`a.zone_id`)}),
        month AS (
          SELECT held.*, m AS local_start,
                 m AT TIME ZONE 'Asia/Shanghai' AS month_start, (m + interval '1 month') AT TIME ZONE 'Asia/Shanghai' AS month_end
          FROM held, generate_series(date_trunc('month', held.start AT TIME ZONE 'Asia/Shanghai'),
                                     date_trunc('month', held.stop AT TIME ZONE 'Asia/Shanghai'), interval '1 month') AS m
          WHERE held.start < held.stop)
        SELECT party_id, zone_id, zone_code, 'month:' || to_char(local_start, 'YYYY-MM') || '@' || zone_id AS fact,
               to_char(local_start, 'YYYY-MM') || '无案件' AS label, month_end AS at
        FROM month
        WHERE month_start >= start AND month_end <= stop
          AND NOT EXISTS (SELECT 1 FROM case_file c WHERE c.owner_duty = 'merchant' AND c.owner_zone_id = month.zone_id
                            AND c.state NOT IN ('voided', 'duplicate') AND c.created_at >= month.month_start AND c.created_at < month.month_end)
          AND ${unused(sql`month.party_id`, sql`'month:' || to_char(local_start, 'YYYY-MM') || '@' || zone_id`)}`
      break
  }
  const { rows } = await query.execute(tx)
  return rows
}
