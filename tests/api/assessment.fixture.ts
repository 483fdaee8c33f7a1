import { sql } from 'kysely'
import type { AssessmentCounts } from '../../server/assessment/types.js'
import type { Db } from '../../server/db/database.js'

/**
 * A second implementation of the assessment (docs/assessment.md), for the tests to match the API
 * against: the raw rows read whole (case_file, case_event, patrol, patrol_credit, zone_staff,
 * assignment, patrol_requirement, zone, party) and every indicator counted in plain TypeScript,
 * one case and one day at a time. It shares no code with server/assessment/.
 */

export interface RawRows {
  cases: {
    id: number
    number: string
    channel: string
    zone_ids: number[]
    department_id: number | null
    assignee_party_id: number | null
    created_at: Date
    dispatched_at: Date | null
    due_at: Date | null
    handled_at: Date | null
    closed_at: Date | null
    closed_on_time: boolean | null
    rework_count: number
    extension_count: number
    rating: number | null
  }[]
  events: Map<number, Set<string>>
  zones: { id: number; kind: string; code: string; name: string; parent_id: number | null }[]
  parties: Map<number, { id: number; type: string; name: string }>
  patrols: { id: number; party_id: number | null; state: string; started_at: Date }[]
  credits: { patrol_id: number; zone_id: number; metres: number; seconds: number }[]
  staff: { zone_id: number; party_id: number; role: string; valid_from: string; valid_to: string | null }[]
  chiefs: { zone_id: number; party_id: number; valid_from: Date; valid_to: Date | null }[]
  requirements: { zone_kind: string | null; zone_id: number | null; role: string; times: number; per: string }[]
}

export async function readRawRows(db: Db): Promise<RawRows> {
  const cases = (await sql<RawRows['cases'][number]>`
    SELECT id, number, channel, zone_ids, department_id, assignee_party_id, created_at, dispatched_at, due_at, handled_at, closed_at,
           closed_on_time, rework_count, extension_count, rating FROM case_file ORDER BY id`.execute(db)).rows
  const events = new Map<number, Set<string>>()
  for (const event of (await sql<{ case_id: number; action: string }>`SELECT case_id, action FROM case_event`.execute(db)).rows) {
    if (!events.has(event.case_id)) events.set(event.case_id, new Set())
    events.get(event.case_id)!.add(event.action)
  }
  return {
    cases: cases.map((c) => ({ ...c, created_at: new Date(c.created_at), dispatched_at: d(c.dispatched_at), due_at: d(c.due_at), handled_at: d(c.handled_at), closed_at: d(c.closed_at) })),
    events,
    zones: (await sql<RawRows['zones'][number]>`SELECT id, kind, code, name, parent_id FROM zone`.execute(db)).rows,
    parties: new Map((await sql<{ id: number; type: string; name: string }>`SELECT id, type, name FROM party`.execute(db)).rows.map((p) => [p.id, p])),
    patrols: (await sql<RawRows['patrols'][number]>`SELECT id, party_id, state, started_at FROM patrol`.execute(db)).rows.map((p) => ({ ...p, started_at: new Date(p.started_at) })),
    credits: (await sql<RawRows['credits'][number]>`SELECT patrol_id, zone_id, metres, seconds FROM patrol_credit`.execute(db)).rows,
    staff: (await sql<RawRows['staff'][number]>`
      SELECT zone_id, party_id, role, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to FROM zone_staff`.execute(db)).rows,
    chiefs: (await sql<RawRows['chiefs'][number]>`SELECT zone_id, party_id, valid_from, valid_to FROM assignment WHERE duty = 'chief'`.execute(db)).rows
      .map((a) => ({ ...a, valid_from: new Date(a.valid_from), valid_to: d(a.valid_to) })),
    requirements: (await sql<RawRows['requirements'][number]>`SELECT zone_kind, zone_id, role, times, per FROM patrol_requirement`.execute(db)).rows,
  }
}

const d = (value: Date | string | null) => (value === null ? null : new Date(value))

export interface ModelRules {
  indicators: Record<string, { weight: number; threshold: number; floor: number }>
  exclude_parked_from_due: boolean
  patrol_min_metres: number
  patrol_min_minutes: number
  patrol_channels: string[]
  public_channels: string[]
}

/** A unit's counts as the test derives them from the raw rows, with its code and score. */
export interface ModelRow extends AssessmentCounts {
  code: string
  score: number
}

const inPeriod = (at: Date | null, from: Date, to: Date) => at !== null && at >= from && at < to

/** The Beijing days of [from, to): a day is in when its 00:00 (UTC+8) is. */
function daysOf(from: Date, to: Date): { iso: string; noon: Date; month: string; monthDays: number }[] {
  const days = []
  const first = new Date(from.getTime() + 8 * 3_600_000)
  // Start at the first Beijing midnight at or after `from`.
  let midnight = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate()) - 8 * 3_600_000
  if (midnight < from.getTime()) midnight += 86_400_000
  for (; midnight < to.getTime(); midnight += 86_400_000) {
    const local = new Date(midnight + 8 * 3_600_000)
    const iso = local.toISOString().slice(0, 10)
    const monthDays = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate()
    days.push({ iso, noon: new Date(midnight + 12 * 3_600_000), month: iso.slice(0, 7), monthDays })
  }
  return days
}

/** Required patrols per (zone, party), by walking every day of the period. */
export function modelRequired(raw: RawRows, from: Date, to: Date): { zone_id: number; party_id: number; role: string; required: number }[] {
  const kindOf = new Map(raw.zones.map((z) => [z.id, z.kind]))
  const requirement = (zoneId: number, role: string) =>
    raw.requirements.find((r) => r.zone_id === zoneId && r.role === role) ?? raw.requirements.find((r) => r.zone_id === null && r.zone_kind === kindOf.get(zoneId) && r.role === role)
  const held = new Map<string, { zone_id: number; party_id: number; role: string; days: { month: string; monthDays: number }[] }>()
  for (const day of daysOf(from, to)) {
    const holders = new Set<string>()
    for (const a of raw.chiefs) if (a.valid_from <= day.noon && (a.valid_to === null || a.valid_to > day.noon)) holders.add(`${a.zone_id}/${a.party_id}/chief`)
    for (const s of raw.staff) if (s.role !== 'chief' && s.valid_from <= day.iso && (s.valid_to === null || s.valid_to >= day.iso)) holders.add(`${s.zone_id}/${s.party_id}/${s.role}`)
    for (const key of holders) {
      const [zone, party, role] = key.split('/') as [string, string, string]
      if (!requirement(Number(zone), role)) continue
      if (!held.has(key)) held.set(key, { zone_id: Number(zone), party_id: Number(party), role, days: [] })
      held.get(key)!.days.push(day)
    }
  }
  return [...held.values()].map((h) => {
    const r = requirement(h.zone_id, h.role)!
    const units = r.per === 'day' ? h.days.length : r.per === 'week' ? h.days.length / 7 : h.days.reduce((sum, day) => sum + 1 / day.monthDays, 0)
    return { zone_id: h.zone_id, party_id: h.party_id, role: h.role, required: Math.round(r.times * units) }
  })
}

const higherIsBetter: Record<string, boolean> = {
  filing_rate: true, dispatch_rate: true, closing_rate: true, on_time_rate: true, rework_rate: false, extension_rate: false, patrol_rate: true, satisfaction: true,
}

export function modelScore(row: Omit<ModelRow, 'score'>, rules: ModelRules): number {
  const rate = (n: number, of: number) => (of > 0 ? n / of : null)
  const rates: Record<string, number | null> = {
    filing_rate: rate(row.filed, row.received),
    dispatch_rate: rate(row.dispatched, row.filed),
    closing_rate: rate(row.closed, row.due),
    on_time_rate: rate(row.closed_on_time, row.due),
    rework_rate: rate(row.reworked, row.due),
    extension_rate: rate(row.extended, row.due),
    patrol_rate: rate(row.patrols, row.patrols_required),
    satisfaction: row.mean_rating === null ? null : row.mean_rating / 5,
  }
  let weights = 0
  let points = 0
  for (const [name, value] of Object.entries(rates)) {
    const { weight, threshold, floor } = rules.indicators[name]!
    if (value === null || weight <= 0) continue
    let part: number
    if (higherIsBetter[name]) part = value >= threshold ? 1 : value <= floor ? 0 : (value - floor) / (threshold - floor)
    else part = value <= threshold ? 1 : value >= floor ? 0 : (floor - value) / (floor - threshold)
    weights += weight
    points += weight * part
  }
  return weights === 0 ? 0 : Math.round((points / weights) * 100 * 100) / 100
}

/**
 * Every unit's counts and score. Areas: a case is the unit's when the unit's zone is in its
 * zone_ids; a patrol when it has a qualifying credit on the unit's zone or a zone under it; the
 * required sum runs over the unit's zone and every zone under it. Departments: department_id,
 * no patrols. People: assignee_party_id (not departments), their own patrols, their rows of
 * required. `scope`: only units and cases and credits inside these zones.
 */
export function modelAssessment(raw: RawRows, from: Date, to: Date, by: string, rules: ModelRules, scope: Set<number> | null = null): Map<string, ModelRow> {
  const area = ['grid', 'street', 'community', 'subdistrict'].includes(by)
  const parentOf = new Map(raw.zones.map((z) => [z.id, z.parent_id]))
  const selfAndAbove = (zoneId: number) => {
    const chain: number[] = []
    for (let id: number | null | undefined = zoneId; id !== null && id !== undefined; id = parentOf.get(id)) chain.push(id)
    return chain
  }
  const qualifies = (c: { metres: number; seconds: number }) => c.metres >= rules.patrol_min_metres || c.seconds >= rules.patrol_min_minutes * 60

  // The unit keys of a case, of a patrol, of a required row.
  const caseUnits = (c: RawRows['cases'][number]): number[] => {
    if (area) return c.zone_ids
    if (scope && !c.zone_ids.some((z) => scope.has(z))) return []
    if (by === 'department') return c.department_id === null ? [] : [c.department_id]
    return c.assignee_party_id !== null && raw.parties.get(c.assignee_party_id)?.type !== 'department' ? [c.assignee_party_id] : []
  }
  const rows = new Map<number, Omit<ModelRow, 'score' | 'code'> & { handledMs: number; handled: number; ratingSum: number; listed: boolean }>()
  const row = (unit: number) => {
    if (!rows.has(unit)) {
      rows.set(unit, {
        received: 0, filed: 0, dispatched: 0, due: 0, closed: 0, closed_on_time: 0, reworked: 0, extended: 0, parked: 0, found_on_patrol: 0,
        reported_by_public: 0, patrols: 0, patrols_required: 0, mean_handling_hours: null, ratings: 0, mean_rating: null, handledMs: 0, handled: 0, ratingSum: 0, listed: false,
      })
    }
    return rows.get(unit)!
  }
  for (const c of raw.cases) {
    const events = raw.events.get(c.id) ?? new Set()
    const received = inPeriod(c.created_at, from, to)
    const fallsDue = inPeriod(c.due_at, from, to)
    const handled = inPeriod(c.handled_at, from, to) && c.dispatched_at !== null
    const rated = inPeriod(c.closed_at, from, to) && c.rating !== null
    if (!received && !fallsDue && !inPeriod(c.handled_at, from, to) && !inPeriod(c.closed_at, from, to)) continue
    const parked = events.has('parked')
    const due = fallsDue && !(rules.exclude_parked_from_due && parked)
    for (const unit of caseUnits(c)) {
      const r = row(unit)
      r.listed = true
      if (received) {
        r.received++
        if (events.has('filed')) {
          r.filed++
          if (events.has('dispatched')) r.dispatched++
        }
        if (rules.patrol_channels.includes(c.channel)) r.found_on_patrol++
        if (rules.public_channels.includes(c.channel)) r.reported_by_public++
      }
      if (fallsDue && parked) r.parked++
      if (due) {
        r.due++
        if (c.closed_at !== null) r.closed++
        if (c.closed_on_time === true) r.closed_on_time++
        if (c.rework_count > 0) r.reworked++
        if (c.extension_count > 0) r.extended++
      }
      if (handled) {
        r.handled++
        r.handledMs += c.handled_at!.getTime() - c.dispatched_at!.getTime()
      }
      if (rated) {
        r.ratings++
        r.ratingSum += c.rating!
      }
    }
  }
  if (by !== 'department') {
    const done = new Map(raw.patrols.filter((p) => p.state === 'done' && inPeriod(p.started_at, from, to)).map((p) => [p.id, p]))
    const counted = new Map<number, Set<number>>()
    for (const credit of raw.credits) {
      const patrol = done.get(credit.patrol_id)
      if (!patrol || !qualifies(credit)) continue
      const units = area ? selfAndAbove(credit.zone_id) : scope && !scope.has(credit.zone_id) ? [] : patrol.party_id === null ? [] : [patrol.party_id]
      for (const unit of units) {
        if (!counted.has(unit)) counted.set(unit, new Set())
        counted.get(unit)!.add(patrol.id)
      }
    }
    for (const [unit, patrols] of counted) {
      const r = row(unit)
      r.patrols = patrols.size
      if (patrols.size > 0) r.listed = true
    }
    for (const required of modelRequired(raw, from, to)) {
      if (!area && scope && !scope.has(required.zone_id)) continue
      for (const unit of area ? selfAndAbove(required.zone_id) : [required.party_id]) {
        const r = row(unit)
        r.patrols_required += required.required
        if (r.patrols_required > 0) r.listed = true
      }
    }
  }
  const units = area
    ? raw.zones.filter((z) => z.kind === by && (!scope || scope.has(z.id))).map((z) => ({ id: z.id, code: z.code }))
    : [...rows.entries()].filter(([id, r]) => r.listed && (by === 'department') === (raw.parties.get(id)?.type === 'department')).map(([id]) => ({ id, code: String(id) }))
  const result = new Map<string, ModelRow>()
  for (const unit of units) {
    const { handledMs, handled, ratingSum, listed: _listed, ...counts } = row(unit.id)
    counts.mean_handling_hours = handled > 0 ? Math.round(handledMs / handled / 36_000) / 100 : null
    counts.mean_rating = counts.ratings > 0 ? ratingSum / counts.ratings : null
    const withCode = { code: unit.code, ...counts }
    result.set(unit.code, { ...withCode, score: modelScore(withCode, rules) })
  }
  return result
}
