import type { AssessmentReport, AssessmentRow } from '../assessment/types.js'
import { indicators, type IndicatorKey } from './indicators.js'

/** One row of a ranked table (排行榜), with where the same unit stood in the period before. */
export interface RankedRow {
  /** 1 for the best; units with the same value share a rank (1, 2, 2, 4); null when the unit has no value (a rate without a denominator). */
  rank: number | null
  code: string
  name: string
  zone_id: number | null
  party_id: number | null
  /** The value of the indicator sorted by (the score, a rate 0–1, a count or hours). */
  value: number | null
  score: number
  previous: {
    rank: number | null
    value: number | null
    score: number
  } | null
  /** Places gained since the period before (+2 moved up two places, −1 down one); null without both ranks. */
  rank_change: number | null
  /** value − previous value; null without both. */
  value_change: number | null
  row: AssessmentRow
}

export interface Ranking {
  from: string
  to: string
  previous_from: string
  previous_to: string
  by: AssessmentReport['by']
  sort: IndicatorKey
  higher_is_better: boolean
  rules_version: number
  rows: RankedRow[]
}

/** A rate or score differing only in floating-point noise is the same value (ties share a rank). */
const EPSILON = 1e-9
const same = (a: number, b: number) => Math.abs(a - b) <= EPSILON * Math.max(1, Math.abs(a), Math.abs(b))

/**
 * The rows in ranking order with their ranks: best first by `sort` (higher or lower is better as
 * the indicator says), units without a value last and unranked, equal values sharing the rank of
 * the first of them (standard competition ranking), and within a tie by code, so the order is
 * the same on every call.
 */
export function rankRows(rows: readonly AssessmentRow[], sort: IndicatorKey): { row: AssessmentRow; value: number | null; rank: number | null }[] {
  const indicator = indicators[sort]
  const valued = rows.map((row) => ({ row, value: finite(indicator.value(row)) }))
  valued.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? byCode(a.row, b.row) : 1) : -1
    if (same(a.value, b.value)) return byCode(a.row, b.row)
    return indicator.higherIsBetter ? b.value - a.value : a.value - b.value
  })
  let rank = 0
  return valued.map((entry, index) => {
    if (entry.value === null) return { ...entry, rank: null }
    const before = valued[index - 1]
    if (index === 0 || before?.value == null || !same(before.value, entry.value)) rank = index + 1
    return { ...entry, rank }
  })
}

const finite = (value: number | null): number | null => (value === null || !Number.isFinite(value) ? null : value)
const byCode = (a: AssessmentRow, b: AssessmentRow) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)

/**
 * The ranking of `current` with each unit's place in `previous` (the same units, by code; a unit
 * new in this period has no previous row).
 */
export function buildRanking(current: AssessmentReport, previous: AssessmentReport, sort: IndicatorKey): Ranking {
  const before = new Map(rankRows(previous.rows, sort).map((entry) => [entry.row.code, entry]))
  const rows = rankRows(current.rows, sort).map(({ row, value, rank }): RankedRow => {
    const was = before.get(row.code)
    return {
      rank,
      code: row.code,
      name: row.name,
      zone_id: row.zone_id,
      party_id: row.party_id,
      value,
      score: row.score,
      previous: was ? { rank: was.rank, value: was.value, score: was.row.score } : null,
      rank_change: was?.rank != null && rank !== null ? was.rank - rank : null,
      value_change: was?.value != null && value !== null ? round(value - was.value) : null,
      row,
    }
  })
  return {
    from: current.from,
    to: current.to,
    previous_from: previous.from,
    previous_to: previous.to,
    by: current.by,
    sort,
    higher_is_better: indicators[sort].higherIsBetter,
    rules_version: current.rules_version,
    rows,
  }
}

/** Differences of rates carry floating-point noise (0.7 − 0.6 = 0.09999…); twelve places are plenty. */
const round = (value: number) => Math.round(value * 1e12) / 1e12

/** ↑2, ↓1, — (no change), 新 (no previous place). */
export function rankChangeText(row: Pick<RankedRow, 'rank_change' | 'previous'>): string {
  if (!row.previous) return '新'
  if (row.rank_change === null) return '—'
  if (row.rank_change > 0) return `↑${row.rank_change}`
  if (row.rank_change < 0) return `↓${-row.rank_change}`
  return '—'
}
