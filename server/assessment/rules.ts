import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { badRequest, conflict, type ErrorDetail } from '../errors.js'
import type { AssessmentRates } from './types.js'

/**
 * The district's assessment rules (考核办法, docs/assessment.md "Rules"): per indicator a weight,
 * the threshold at which it earns its full part and the floor at which its part reaches 0, and
 * what counts as due, as a patrol and as found on patrol or reported by the public. One current
 * row in assessment_rules (sql/017), global, with an optimistic version.
 */

export type Indicator = keyof AssessmentRates

/**
 * Which way each indicator is good: `higher` (a rate at or above the threshold earns the full
 * part) or `lower` (返工率 and 延期率: at or below the threshold earns it). One row per indicator.
 */
export const indicatorTable: Record<Indicator, { direction: 'higher' | 'lower'; label: { zh: string; en: string } }> = {
  filing_rate: { direction: 'higher', label: { zh: '立案率', en: 'Filing rate' } },
  dispatch_rate: { direction: 'higher', label: { zh: '派遣率', en: 'Dispatch rate' } },
  closing_rate: { direction: 'higher', label: { zh: '结案率', en: 'Closing rate' } },
  on_time_rate: { direction: 'higher', label: { zh: '按期结案率', en: 'On-time closing rate' } },
  rework_rate: { direction: 'lower', label: { zh: '返工率', en: 'Rework rate' } },
  extension_rate: { direction: 'lower', label: { zh: '延期率', en: 'Extension rate' } },
  patrol_rate: { direction: 'higher', label: { zh: '巡查完成率', en: 'Patrols done ÷ required' } },
  satisfaction: { direction: 'higher', label: { zh: '满意度', en: 'Satisfaction' } },
}
export const indicators = Object.keys(indicatorTable) as Indicator[]

export interface IndicatorRule {
  weight: number
  threshold: number
  floor: number
}

export const caseChannels = ['qr', 'hotline', 'patrol', 'open311', 'app'] as const
export type CaseChannel = (typeof caseChannels)[number]

export interface AssessmentRules {
  indicators: Record<Indicator, IndicatorRule>
  /** Parked (挂账) cases are left out of `due` and of everything counted over it. */
  exclude_parked_from_due: boolean
  /** A patrol counts for a zone when its credit there reaches either minimum (metres walked, or minutes). */
  patrol_min_metres: number
  patrol_min_minutes: number
  /** The channels of cases found on patrol, and of cases reported by the public. */
  patrol_channels: CaseChannel[]
  public_channels: CaseChannel[]
}

export interface StoredRules extends AssessmentRules {
  version: number
  updated_at: string
}

/** The shipped 考核办法, an example a district replaces with its own (docs/assessment.md). */
export const defaultRules: AssessmentRules = {
  indicators: {
    filing_rate: { weight: 5, threshold: 0.8, floor: 0.5 },
    dispatch_rate: { weight: 5, threshold: 0.95, floor: 0.7 },
    closing_rate: { weight: 20, threshold: 0.9, floor: 0.6 },
    on_time_rate: { weight: 30, threshold: 0.7, floor: 0.4 },
    rework_rate: { weight: 10, threshold: 0.1, floor: 0.4 },
    extension_rate: { weight: 5, threshold: 0.1, floor: 0.4 },
    patrol_rate: { weight: 15, threshold: 1, floor: 0.5 },
    satisfaction: { weight: 10, threshold: 0.9, floor: 0.6 },
  },
  exclude_parked_from_due: true,
  patrol_min_metres: 100,
  patrol_min_minutes: 5,
  patrol_channels: ['patrol'],
  public_channels: ['qr', 'hotline', 'open311'],
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/**
 * The rules a PUT body describes, on top of `base` (a body names only what it changes; an
 * indicator it names replaces that indicator's rule in part), or every problem by field.
 */
export function readRules(body: unknown, base: AssessmentRules): { rules: AssessmentRules; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = []
  const rules: AssessmentRules = structuredClone(base)
  if (!isObject(body)) return { rules, problems: [{ field: 'rules', reason: 'must be an object' }] }
  const known = new Set(['version', 'indicators', 'exclude_parked_from_due', 'patrol_min_metres', 'patrol_min_minutes', 'patrol_channels', 'public_channels'])
  for (const key of Object.keys(body)) if (!known.has(key)) problems.push({ field: key, reason: 'is not a rule' })

  if (body.indicators !== undefined) {
    if (!isObject(body.indicators)) problems.push({ field: 'indicators', reason: 'must be an object of indicator → {weight, threshold, floor}' })
    else {
      for (const [name, value] of Object.entries(body.indicators)) {
        const field = `indicators.${name}`
        if (!(indicators as string[]).includes(name)) {
          problems.push({ field, reason: `is not an indicator (${indicators.join(', ')})` })
          continue
        }
        if (!isObject(value)) {
          problems.push({ field, reason: 'must be an object {weight, threshold, floor}' })
          continue
        }
        const rule = rules.indicators[name as Indicator]
        for (const key of Object.keys(value)) if (!['weight', 'threshold', 'floor'].includes(key)) problems.push({ field: `${field}.${key}`, reason: 'is not weight, threshold or floor' })
        for (const key of ['weight', 'threshold', 'floor'] as const) {
          if (value[key] === undefined) continue
          if (!isNumber(value[key])) problems.push({ field: `${field}.${key}`, reason: 'must be a number' })
          else rule[key] = value[key]
        }
      }
    }
  }
  for (const name of indicators) {
    const rule = rules.indicators[name]
    const field = `indicators.${name}`
    if (rule.weight < 0 || rule.weight > 1000) problems.push({ field: `${field}.weight`, reason: 'must be from 0 to 1000' })
    if (!(rule.threshold > 0 && rule.threshold <= 1)) problems.push({ field: `${field}.threshold`, reason: 'must be in (0, 1]' })
    else if (indicatorTable[name].direction === 'higher' && !(rule.floor >= 0 && rule.floor < rule.threshold)) {
      problems.push({ field: `${field}.floor`, reason: `must be at least 0 and below the threshold ${rule.threshold} (the part falls to 0 there)` })
    } else if (indicatorTable[name].direction === 'lower' && !(rule.floor > rule.threshold && rule.floor <= 1)) {
      problems.push({ field: `${field}.floor`, reason: `must be above the threshold ${rule.threshold} and at most 1 (a lower rate is better: the part falls to 0 there)` })
    }
  }
  if (indicators.reduce((sum, name) => sum + Math.max(0, rules.indicators[name].weight), 0) <= 0) {
    problems.push({ field: 'indicators', reason: 'the weights must sum to more than 0' })
  }

  if (body.exclude_parked_from_due !== undefined) {
    if (typeof body.exclude_parked_from_due !== 'boolean') problems.push({ field: 'exclude_parked_from_due', reason: 'must be true or false' })
    else rules.exclude_parked_from_due = body.exclude_parked_from_due
  }
  for (const [key, max] of [['patrol_min_metres', 100_000], ['patrol_min_minutes', 1440]] as const) {
    if (body[key] === undefined) continue
    const value = body[key]
    if (!isNumber(value) || value < 0 || value > max) problems.push({ field: key, reason: `must be a number from 0 to ${max}` })
    else rules[key] = value
  }
  for (const key of ['patrol_channels', 'public_channels'] as const) {
    if (body[key] === undefined) continue
    const value = body[key]
    if (!Array.isArray(value) || value.some((channel) => !(caseChannels as readonly unknown[]).includes(channel))) {
      problems.push({ field: key, reason: `must be a list of channels from ${caseChannels.join(', ')}` })
    } else rules[key] = [...new Set(value as CaseChannel[])]
  }
  const both = rules.patrol_channels.filter((channel) => rules.public_channels.includes(channel))
  if (both.length > 0) problems.push({ field: 'public_channels', reason: `must not share channels with patrol_channels (${both.join(', ')})` })
  return { rules, problems }
}

interface RulesRow {
  rules: Record<string, unknown> | string
  version: number
  updated_at: Date
}

/** The rules in force: the stored row over the defaults (an empty row is the defaults). */
export async function loadRules(db: DbOrTx, options: { forUpdate?: boolean } = {}): Promise<StoredRules> {
  const { rows } = options.forUpdate
    ? await sql<RulesRow>`SELECT rules, version, updated_at FROM assessment_rules WHERE id FOR UPDATE`.execute(db)
    : await sql<RulesRow>`SELECT rules, version, updated_at FROM assessment_rules WHERE id`.execute(db)
  const row = rows[0]
  const stored = row ? (typeof row.rules === 'string' ? (JSON.parse(row.rules) as Record<string, unknown>) : row.rules) : {}
  // What was stored passed readRules when it was written; reading it again keeps later-added rules at their defaults.
  const { rules } = readRules(stored, defaultRules)
  return { ...rules, version: row?.version ?? 1, updated_at: new Date(row?.updated_at ?? 0).toISOString() }
}

/** PUT /api/assessment/rules: the body's changes checked, the version compared, written in one transaction. */
export async function updateRules(db: Db, body: Record<string, unknown>): Promise<StoredRules> {
  const version = body.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw badRequest('invalid_request', 'Invalid rules: version must be the version you read (a whole number)', [{ field: 'version', reason: 'is required: the version you read' }])
  }
  return db.transaction().execute(async (tx) => {
    const current = await loadRules(tx, { forUpdate: true })
    const { rules, problems } = readRules(body, current)
    if (problems.length > 0) {
      throw badRequest('invalid_request', `Invalid rules: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`, problems)
    }
    if (current.version !== version) {
      throw conflict('version_conflict', `The assessment rules were changed by someone else: you sent version ${version}, they are at ${current.version}`, {
        current_version: current.version,
      })
    }
    await sql`UPDATE assessment_rules SET rules = ${JSON.stringify(rules)}::jsonb, version = version + 1, updated_at = now() WHERE id`.execute(tx)
    return loadRules(tx)
  })
}
