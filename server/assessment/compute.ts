import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { isAreaUnit } from './period.js'
import { requiredPatrols } from './required.js'
import { loadRules, type AssessmentRules } from './rules.js'
import { ratesOf, scoreOf } from './score.js'
import type { AssessmentCounts, AssessmentQuery, AssessmentReport, AssessmentRow } from './types.js'

/**
 * The assessment of a period by unit (docs/assessment.md "Indicators"): four aggregate
 * statements whatever the number of units — the cases' counts grouped by unit, the patrols done
 * grouped by unit, the patrols required (required.ts) and, for areas, the zone tree those are
 * summed up. Every rate and the score derive from the counts (score.ts).
 */

interface CaseCounts {
  unit: number
  received: number
  filed: number
  dispatched: number
  due: number
  closed: number
  closed_on_time: number
  reworked: number
  extended: number
  parked: number
  found_on_patrol: number
  reported_by_public: number
  handled: number
  handling_ms: number | null
  ratings: number
  rating_sum: number | null
}

const MAX_TREE_DEPTH = 32

const zeroCounts = (): AssessmentCounts => ({
  received: 0, filed: 0, dispatched: 0, due: 0, closed: 0, closed_on_time: 0, reworked: 0, extended: 0, parked: 0,
  found_on_patrol: 0, reported_by_public: 0, patrols: 0, patrols_required: 0, mean_handling_hours: null, ratings: 0, mean_rating: null,
})

/** `column` in [from, to), false when NULL. */
const within = (column: RawBuilder<unknown>, from: string, to: string) =>
  sql<boolean>`COALESCE(${column} >= ${from}::timestamptz AND ${column} < ${to}::timestamptz, false)`

async function caseCounts(db: DbOrTx, query: AssessmentQuery, rules: AssessmentRules, unitIds: number[] | null): Promise<CaseCounts[]> {
  const from = query.from.toISOString()
  const to = query.to.toISOString()
  const area = isAreaUnit(query.by)
  const scope = !area && query.scopeZoneIds ? sql`AND c.zone_ids && ${[...query.scopeZoneIds]}::int4[]` : sql``
  const [unitColumn, unitSource] = area
    ? [sql`u.unit`, sql`counted c CROSS JOIN LATERAL unnest(c.zone_ids) AS u (unit) WHERE u.unit = ANY(${unitIds ?? []}::int4[])`]
    : query.by === 'department'
      ? [sql`c.department_id`, sql`counted c WHERE c.department_id IS NOT NULL`]
      : [sql`c.assignee_party_id`, sql`counted c JOIN party p ON p.id = c.assignee_party_id WHERE p.type <> 'department'`]
  const excludeParked = sql.lit(rules.exclude_parked_from_due)
  const event = (action: string) => sql<boolean>`EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.action = ${action})`
  const { rows } = await sql<CaseCounts>`
    WITH facts AS (
      SELECT c.id, c.zone_ids, c.department_id, c.assignee_party_id,
        ${within(sql`c.created_at`, from, to)} AS received,
        ${event('filed')} AS filed,
        ${event('dispatched')} AS dispatched,
        ${within(sql`c.due_at`, from, to)} AS falls_due,
        ${event('parked')} AS parked,
        c.closed_at IS NOT NULL AS closed,
        c.closed_on_time IS TRUE AS on_time,
        c.rework_count > 0 AS reworked,
        c.extension_count > 0 AS extended,
        c.channel = ANY(${rules.patrol_channels}::text[]) AS on_patrol,
        c.channel = ANY(${rules.public_channels}::text[]) AS by_public,
        (${within(sql`c.handled_at`, from, to)} AND c.dispatched_at IS NOT NULL) AS handled_in,
        round(extract(epoch FROM c.handled_at - c.dispatched_at) * 1000) AS handling_ms,
        (${within(sql`c.closed_at`, from, to)} AND c.rating IS NOT NULL) AS rated_in,
        c.rating
      FROM case_file c
      WHERE (${within(sql`c.created_at`, from, to)} OR ${within(sql`c.due_at`, from, to)}
          OR ${within(sql`c.handled_at`, from, to)} OR ${within(sql`c.closed_at`, from, to)}) ${scope}
    ),
    counted AS (
      SELECT *, falls_due AND NOT (${excludeParked} AND parked) AS due FROM facts
    )
    SELECT ${unitColumn} AS unit,
      count(*) FILTER (WHERE received)::int AS received,
      count(*) FILTER (WHERE received AND filed)::int AS filed,
      count(*) FILTER (WHERE received AND filed AND dispatched)::int AS dispatched,
      count(*) FILTER (WHERE due)::int AS due,
      count(*) FILTER (WHERE due AND closed)::int AS closed,
      count(*) FILTER (WHERE due AND on_time)::int AS closed_on_time,
      count(*) FILTER (WHERE due AND reworked)::int AS reworked,
      count(*) FILTER (WHERE due AND extended)::int AS extended,
      count(*) FILTER (WHERE falls_due AND parked)::int AS parked,
      count(*) FILTER (WHERE received AND on_patrol)::int AS found_on_patrol,
      count(*) FILTER (WHERE received AND by_public)::int AS reported_by_public,
      count(*) FILTER (WHERE handled_in)::int AS handled,
      (sum(handling_ms) FILTER (WHERE handled_in))::float8 AS handling_ms,
      count(*) FILTER (WHERE rated_in)::int AS ratings,
      (sum(rating) FILTER (WHERE rated_in))::float8 AS rating_sum
    FROM ${unitSource}
    GROUP BY 1`.execute(db)
  return rows
}

/** A credit counts for its zone when it reaches either minimum of the rules. */
const creditQualifies = (rules: AssessmentRules) =>
  sql<boolean>`(pc.metres >= ${rules.patrol_min_metres}::float8 OR pc.seconds >= ${rules.patrol_min_minutes * 60}::float8)`

/**
 * Done patrols started in the period, by unit: for an area, the patrols with a qualifying credit
 * on the unit's zone or a zone under it (zone tree); for a person, the patrols they walked with a
 * qualifying credit somewhere (in scope). Departments are assessed on cases only.
 */
async function patrolCounts(db: DbOrTx, query: AssessmentQuery, rules: AssessmentRules, unitIds: number[] | null): Promise<Map<number, number>> {
  if (query.by === 'department') return new Map()
  const from = query.from.toISOString()
  const to = query.to.toISOString()
  const done = sql`p.state = 'done' AND p.started_at >= ${from}::timestamptz AND p.started_at < ${to}::timestamptz`
  const { rows } = isAreaUnit(query.by)
    ? await sql<{ unit: number; patrols: number }>`
        WITH RECURSIVE credited AS (
          SELECT DISTINCT p.id AS patrol_id, pc.zone_id
          FROM patrol p JOIN patrol_credit pc ON pc.patrol_id = p.id
          WHERE ${done} AND ${creditQualifies(rules)}
        ),
        up (patrol_id, zone_id, depth) AS (
          SELECT patrol_id, zone_id, 0 FROM credited
          UNION ALL SELECT up.patrol_id, z.parent_id, up.depth + 1 FROM up JOIN zone z ON z.id = up.zone_id
          WHERE z.parent_id IS NOT NULL AND up.depth < ${sql.lit(MAX_TREE_DEPTH)}
        )
        SELECT zone_id AS unit, count(DISTINCT patrol_id)::int AS patrols FROM up
        WHERE zone_id = ANY(${unitIds ?? []}::int4[]) GROUP BY 1`.execute(db)
    : await sql<{ unit: number; patrols: number }>`
        SELECT p.party_id AS unit, count(*)::int AS patrols FROM patrol p
        WHERE ${done} AND p.party_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM patrol_credit pc WHERE pc.patrol_id = p.id AND ${creditQualifies(rules)}
          ${query.scopeZoneIds ? sql`AND pc.zone_id = ANY(${[...query.scopeZoneIds]}::int4[])` : sql``})
        GROUP BY 1`.execute(db)
  return new Map(rows.map((row) => [row.unit, row.patrols]))
}

/** Patrols required by unit: an area sums the rows of its zone and every zone under it; a person the rows with their party. */
async function requiredCounts(db: DbOrTx, query: AssessmentQuery, unitIds: number[] | null): Promise<Map<number, number>> {
  if (query.by === 'department') return new Map()
  const area = isAreaUnit(query.by)
  const rows = await requiredPatrols(db, { from: query.from, to: query.to, zoneIds: area ? undefined : (query.scopeZoneIds ?? undefined) })
  const totals = new Map<number, number>()
  if (!area) {
    for (const row of rows) totals.set(row.party_id, (totals.get(row.party_id) ?? 0) + row.required)
    return totals
  }
  const zoneIds = [...new Set(rows.map((row) => row.zone_id))]
  if (zoneIds.length === 0) return totals
  const { rows: links } = await sql<{ zone_id: number; unit: number }>`
    WITH RECURSIVE up (zone_id, ancestor_id, depth) AS (
      SELECT id, id, 0 FROM zone WHERE id = ANY(${zoneIds}::int4[])
      UNION ALL SELECT up.zone_id, z.parent_id, up.depth + 1 FROM up JOIN zone z ON z.id = up.ancestor_id
      WHERE z.parent_id IS NOT NULL AND up.depth < ${sql.lit(MAX_TREE_DEPTH)}
    )
    SELECT zone_id, ancestor_id AS unit FROM up WHERE ancestor_id = ANY(${unitIds ?? []}::int4[])`.execute(db)
  const unitsOf = new Map<number, number[]>()
  for (const link of links) unitsOf.set(link.zone_id, [...(unitsOf.get(link.zone_id) ?? []), link.unit])
  for (const row of rows) for (const unit of unitsOf.get(row.zone_id) ?? []) totals.set(unit, (totals.get(unit) ?? 0) + row.required)
  return totals
}

interface UnitHead {
  id: number
  code: string
  name: string
}

/** The assessment of `query` under `rules` (default: the rules in force). */
export async function computeAssessment(db: DbOrTx, query: AssessmentQuery, rules?: AssessmentRules & { version?: number }): Promise<AssessmentReport> {
  const inForce = rules ?? (await loadRules(db))
  const area = isAreaUnit(query.by)
  let heads: UnitHead[] = []
  if (area) {
    const scope = query.scopeZoneIds ? sql`AND id = ANY(${[...query.scopeZoneIds]}::int4[])` : sql``
    heads = (await sql<UnitHead>`SELECT id, code, name FROM zone WHERE kind = ${query.by} ${scope} ORDER BY code, id`.execute(db)).rows
  }
  const unitIds = area ? heads.map((head) => head.id) : null
  const [cases, patrols, required] = [
    await caseCounts(db, query, inForce, unitIds),
    await patrolCounts(db, query, inForce, unitIds),
    await requiredCounts(db, query, unitIds),
  ]
  if (!area) {
    const ids = [...new Set([...cases.map((row) => row.unit), ...patrols.keys(), ...[...required].filter(([, n]) => n > 0).map(([id]) => id)])]
    const typeFilter = query.by === 'department' ? sql`type = 'department'` : sql`type <> 'department'`
    heads = ids.length === 0
      ? []
      : (await sql<{ id: number; name: string }>`SELECT id, name FROM party WHERE id = ANY(${ids}::int4[]) AND ${typeFilter} ORDER BY id`.execute(db)).rows
          .map((party) => ({ id: party.id, code: String(party.id), name: party.name }))
  }
  const byUnit = new Map(cases.map((row) => [row.unit, row]))
  const rows: AssessmentRow[] = heads.map((head) => {
    const counts = zeroCounts()
    const found = byUnit.get(head.id)
    if (found) {
      for (const key of ['received', 'filed', 'dispatched', 'due', 'closed', 'closed_on_time', 'reworked', 'extended', 'parked', 'found_on_patrol', 'reported_by_public', 'ratings'] as const) {
        counts[key] = Number(found[key])
      }
      counts.mean_handling_hours = found.handled > 0 ? Math.round(Number(found.handling_ms) / found.handled / 36_000) / 100 : null
      counts.mean_rating = found.ratings > 0 ? Number(found.rating_sum) / found.ratings : null
    }
    counts.patrols = patrols.get(head.id) ?? 0
    counts.patrols_required = required.get(head.id) ?? 0
    const rates = ratesOf(counts)
    return {
      code: head.code,
      name: head.name,
      zone_id: area ? head.id : null,
      party_id: area ? null : head.id,
      ...counts,
      rates,
      ...scoreOf(rates, inForce),
    }
  })
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    by: query.by,
    rules_version: 'version' in inForce && typeof inForce.version === 'number' ? inForce.version : 0,
    rows,
  }
}
