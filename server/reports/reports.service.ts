import { sql } from 'kysely'
import type { Actor } from '../auth/actor.js'
import { grantsWith } from '../auth/actor.js'
import { zonesInScopeSql } from '../auth/scope.js'
import type { DbOrTx } from '../db/database.js'
import { badRequest, type ErrorDetail } from '../errors.js'
import { computeAssessment } from '../assessment/compute.js'
import { readPeriodQuery } from '../assessment/period.js'
import { indicatorTable, loadRules, type StoredRules } from '../assessment/rules.js'
import type { AssessmentUnit } from '../assessment/types.js'
import { assessmentUnits, isIndicatorKey, indicatorKeys, type IndicatorKey } from './indicators.js'
import { periodLabel, previousPeriod, type Period } from './period.js'
import { buildRanking, type Ranking } from './ranking.js'
import type { RankedSection, ReportContext, RuleLine } from './report-context.js'

/**
 * Rankings from the assessment (server/assessment/compute.ts): the period as GET /api/assessment
 * reads it, the same units in the period before, both computed under the rules in force and
 * within the caller's scope, then ranked.
 */
export interface ReportQuery {
  period: Period
  units: AssessmentUnit[]
  sort: IndicatorKey
}

const fail = (what: string, details: ErrorDetail[]) =>
  badRequest('invalid_request', `Invalid ${what}: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`, details)

/**
 * The query read, or a 400 naming every field at fault. `by` is one unit kind, or with `several`
 * a comma-separated list (a sheet or a table each), defaulting to `defaultUnits`.
 */
export function readReportQuery(
  query: { from?: string | undefined; to?: string | undefined; period?: string | undefined; by?: string | undefined; sort?: string | undefined },
  options: { several?: boolean; defaultUnits?: AssessmentUnit[]; what: string },
): ReportQuery {
  const details: ErrorDetail[] = []
  const names = query.by === undefined ? (options.defaultUnits ?? []) : query.by.split(',').map((unit) => unit.trim())
  if (names.length === 0) details.push({ field: 'by', reason: `is required: one of ${assessmentUnits.join(', ')}` })
  if (!options.several && names.length > 1) details.push({ field: 'by', reason: 'name one unit kind' })
  names.forEach((unit) => {
    if (!(assessmentUnits as string[]).includes(unit)) details.push({ field: 'by', reason: `${JSON.stringify(unit.slice(0, 40))} is not one of ${assessmentUnits.join(', ')}` })
  })
  if (new Set(names).size !== names.length) details.push({ field: 'by', reason: 'names a unit kind twice' })
  const read = readPeriodQuery({ from: query.from, to: query.to, period: query.period, by: names[0] ?? 'grid' })
  if ('problems' in read) details.push(...read.problems.filter((problem) => problem.field !== 'by'))
  const sort = query.sort ?? 'score'
  if (!isIndicatorKey(sort)) details.push({ field: 'sort', reason: `must be score or one of ${indicatorKeys.filter((key) => key !== 'score').join(', ')}` })
  if (details.length > 0 || 'problems' in read) throw fail(options.what, details)
  return { period: { from: read.from, to: read.to }, units: names as AssessmentUnit[], sort: sort as IndicatorKey }
}

/** The zone ids the actor's assessment.read covers (null: all), as GET /api/assessment passes them. */
export async function scopeZoneIdsOf(db: DbOrTx, actor: Actor | null): Promise<number[] | null> {
  if (actor === null) return null
  const inScope = zonesInScopeSql(actor, 'assessment.read')
  return inScope === null ? null : (await sql<{ id: number }>`SELECT id FROM zone WHERE id IN ${inScope}`.execute(db)).rows.map((row) => row.id)
}

/** One unit kind ranked over the period, against the period before, under the same rules. */
export async function rankingOf(db: DbOrTx, period: Period, by: AssessmentUnit, sort: IndicatorKey, scopeZoneIds: number[] | null, rules: StoredRules): Promise<Ranking> {
  const before = previousPeriod(period)
  const current = await computeAssessment(db, { from: period.from, to: period.to, by, scopeZoneIds }, rules)
  const previous = await computeAssessment(db, { from: before.from, to: before.to, by, scopeZoneIds }, rules)
  return buildRanking(current, previous, sort)
}

export async function sectionsOf(db: DbOrTx, actor: Actor | null, query: ReportQuery, rules?: StoredRules): Promise<RankedSection[]> {
  const inForce = rules ?? (await loadRules(db))
  const scope = await scopeZoneIdsOf(db, actor)
  const sections: RankedSection[] = []
  for (const by of query.units) sections.push({ by, ranking: await rankingOf(db, query.period, by, query.sort, scope, inForce) })
  return sections
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`

/** The rules in words: for each weighted indicator, its weight and the values earning the full part and none. */
export function ruleLines(rules: StoredRules): RuleLine[] {
  const lines: RuleLine[] = []
  for (const [key, facts] of Object.entries(indicatorTable) as [keyof typeof indicatorTable, (typeof indicatorTable)[keyof typeof indicatorTable]][]) {
    const rule = rules.indicators[key]
    if (!rule || rule.weight <= 0) continue
    const [full, none] = facts.direction === 'higher' ? ['≥', '≤'] : ['≤', '≥']
    lines.push({ indicator: facts.label.zh, weight: rule.weight, threshold: `${full} ${percent(rule.threshold)} 得满分，${none} ${percent(rule.floor)} 得 0 分，其间按比例` })
  }
  lines.push({ indicator: '应结案件', weight: null, threshold: rules.exclude_parked_from_due ? '挂账（暂缓办理）案件不计入应结案件' : '挂账（暂缓办理）案件计入应结案件' })
  lines.push({ indicator: '巡查计次', weight: null, threshold: `一次巡查在单元内行走满 ${rules.patrol_min_metres} 米或 ${rules.patrol_min_minutes} 分钟方计入` })
  return lines
}

/**
 * The name a report carries (「XX街道」): the zones of the caller's jurisdiction grants; for a
 * city-wide caller the one sub-district when there is one, else the top of the tree.
 */
export async function jurisdictionNameOf(db: DbOrTx, actor: Actor | null): Promise<string> {
  const zoneIds = actor ? grantsWith(actor, 'assessment.read').flatMap((grant) => (grant.scope.kind === 'jurisdiction' ? [grant.scope.zoneId] : [])) : []
  const all = actor ? grantsWith(actor, 'assessment.read').some((grant) => grant.scope.kind === 'all') : true
  if (!all && zoneIds.length > 0) {
    const { rows } = await sql<{ name: string }>`SELECT name FROM zone WHERE id = ANY(${zoneIds}::int4[]) ORDER BY id`.execute(db)
    if (rows.length > 0) return rows.map((row) => row.name).join('、')
  }
  const subdistricts = (await sql<{ name: string }>`SELECT name FROM zone WHERE kind = 'subdistrict' ORDER BY id LIMIT 2`.execute(db)).rows
  if (subdistricts.length === 1) return subdistricts[0]!.name
  const roots = (await sql<{ name: string }>`SELECT name FROM zone WHERE parent_id IS NULL ORDER BY id LIMIT 3`.execute(db)).rows
  return roots.map((row) => row.name).join('、') || '本辖区'
}

export async function contextOf(db: DbOrTx, actor: Actor | null, period: Period, rules: StoredRules, name?: string | null): Promise<ReportContext> {
  return {
    jurisdictionName: name ?? (await jurisdictionNameOf(db, actor)),
    periodLabel: periodLabel(period),
    previousPeriodLabel: periodLabel(previousPeriod(period)),
    rules: ruleLines(rules),
    rulesVersion: rules.version,
    generatedAt: new Date(),
  }
}
