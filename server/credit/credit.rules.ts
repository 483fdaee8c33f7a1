import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { Actor } from '../auth/actor.js'
import { DomainError, type ErrorDetail } from '../errors.js'
import { failIfAny } from '../cases/cases.intake.js'
import type { CardColour, RuleInput, RulesBody, RuleTrigger } from './credit.schemas.js'

/** One rule as stored (sql/018_credit.sql, credit_rule). */
export interface CreditRule {
  id: number
  key: string
  name: string
  trigger: RuleTrigger
  count: number
  window_days: number | null
  card: CardColour | null
  card_days: number | null
  points: number | null
  effective_from: string
  enabled: boolean
}

export interface RuleSet {
  version: number
  initial_points: number
  note: string | null
  created_at: string
  created_by_login: string | null
  rules: CreditRule[]
}

const iso = (value: Date | string) => new Date(value).toISOString()

/** The rule set in force: the highest version. */
export async function currentRuleSet(db: DbOrTx): Promise<RuleSet> {
  const { rows: sets } = await sql<{ version: number; initial_points: number; note: string | null; created_at: Date; created_by_login: string | null }>`
    SELECT version, initial_points, note, created_at, created_by_login FROM credit_rule_set ORDER BY version DESC LIMIT 1`.execute(db)
  const set = sets[0]
  if (!set) return { version: 0, initial_points: 100, note: null, created_at: new Date(0).toISOString(), created_by_login: null, rules: [] }
  const { rows } = await sql<CreditRule & { effective_from: Date }>`
    SELECT id, key, name, trigger, count, window_days, card, card_days, points, effective_from, enabled
    FROM credit_rule WHERE rule_set_version = ${set.version} ORDER BY id`.execute(db)
  return {
    version: set.version, initial_points: set.initial_points, note: set.note, created_at: iso(set.created_at), created_by_login: set.created_by_login,
    rules: rows.map((rule) => ({ ...rule, effective_from: iso(rule.effective_from) })),
  }
}

export async function initialPoints(db: DbOrTx): Promise<number> {
  const { rows } = await sql<{ initial_points: number }>`SELECT initial_points FROM credit_rule_set ORDER BY version DESC LIMIT 1`.execute(db)
  return rows[0]?.initial_points ?? 100
}

/** An ISO 8601 time with its offset (or Z), or null; a problem goes into `details` under `field`. */
export function readTime(value: string | null | undefined, field: string, details: ErrorDetail[]): Date | null {
  if (value === undefined || value === null) return null
  const valid = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))
  if (!valid) {
    details.push({ field, reason: 'must be an ISO 8601 time with an offset, e.g. 2026-12-01T09:00:00+08:00' })
    return null
  }
  return new Date(value)
}

interface CheckedRule {
  key: string
  name: string
  trigger: RuleTrigger
  count: number
  windowDays: number | null
  card: CardColour | null
  cardDays: number | null
  points: number | null
  effectiveFrom: Date | null
  enabled: boolean
}

/** Checks every rule of a PUT, naming `rules[i].field`; throws 400 with them all, or answers the rules. */
export function checkRules(rules: readonly RuleInput[]): CheckedRule[] {
  const details: ErrorDetail[] = []
  const keys = new Set<string>()
  const checked = rules.map((rule, index) => {
    const at = (field: string) => `rules[${index}].${field}`
    if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(rule.key)) details.push({ index, field: at('key'), reason: 'must be lower-case letters, digits, - or _ (up to 40)' })
    else if (keys.has(rule.key)) details.push({ index, field: at('key'), reason: `"${rule.key}" is given twice` })
    keys.add(rule.key)
    if (rule.name.trim() === '') details.push({ index, field: at('name'), reason: 'must not be blank' })
    const count = rule.count ?? 1
    const windowDays = rule.window_days ?? null
    const card = rule.card ?? null
    const points = rule.points ?? null
    const cardDays = rule.card_days ?? null
    if (count > 1 && windowDays === null) details.push({ index, field: at('window_days'), reason: 'is required when count is more than 1' })
    if (card === null && points === null) details.push({ index, field: at('card'), reason: 'a rule gives a card, points, or both' })
    if (points === 0) details.push({ index, field: at('points'), reason: 'must not be 0' })
    if (card === null && cardDays !== null) details.push({ index, field: at('card_days'), reason: 'only a rule that gives a card has card_days' })
    if (card !== null && (rule.trigger === 'quiet_month' || rule.trigger === 'passed_inspection')) {
      details.push({ index, field: at('card'), reason: `a ${rule.trigger} rule rewards: it gives points, not a card` })
    }
    if (rule.trigger === 'yellow_card' && card === 'yellow') details.push({ index, field: at('card'), reason: 'yellow cards giving a yellow card would feed on themselves' })
    const effectiveFrom = readTime(rule.effective_from, at('effective_from'), details)
    return { key: rule.key, name: rule.name.trim(), trigger: rule.trigger, count, windowDays, card, cardDays, points, effectiveFrom, enabled: rule.enabled ?? true }
  })
  failIfAny(details, 'credit rules')
  return checked
}

/**
 * Writes a new rule set (the version after `body.version`, which must be the current one) in the
 * caller's transaction. A rule keeps its key's effective_from unless it is given one, so editing
 * a threshold does not reach back over facts it did not apply to before.
 */
export async function writeRuleSet(tx: DbOrTx, actor: Actor, body: RulesBody): Promise<number> {
  const rules = checkRules(body.rules)
  await sql`LOCK TABLE credit_rule_set IN EXCLUSIVE MODE`.execute(tx)
  const current = await currentRuleSet(tx)
  if (body.version !== current.version) {
    throw new DomainError('version_conflict', `The credit rules were changed by someone else: you sent version ${body.version}, they are at version ${current.version}`, {
      current_version: current.version,
    })
  }
  const version = current.version + 1
  const since = new Map(current.rules.map((rule) => [rule.key, rule.effective_from]))
  await sql`
    INSERT INTO credit_rule_set (version, initial_points, note, created_by, created_by_login)
    VALUES (${version}, ${body.initial_points ?? current.initial_points}, ${body.note?.trim() || null}, ${actor.accountId}, ${actor.login})`.execute(tx)
  for (const rule of rules) {
    const effectiveFrom = rule.effectiveFrom ?? (since.has(rule.key) ? new Date(since.get(rule.key)!) : new Date())
    await sql`
      INSERT INTO credit_rule (rule_set_version, key, name, trigger, count, window_days, card, card_days, points, effective_from, enabled)
      VALUES (${version}, ${rule.key}, ${rule.name}, ${rule.trigger}, ${rule.count}, ${rule.windowDays}, ${rule.card}, ${rule.cardDays},
              ${rule.points}, ${effectiveFrom}, ${rule.enabled})`.execute(tx)
  }
  return version
}
