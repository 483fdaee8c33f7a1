import { parseInstant } from '../kernel/time.js'
import type { ErrorDetail } from '../errors.js'
import type { AssessmentUnit } from './types.js'

/**
 * The period and unit of GET /api/assessment (docs/assessment.md "Asking"): `from`/`to` as
 * Beijing days (YYYY-MM-DD, `to` exclusive) or ISO instants, or `period` as a shorthand — a day
 * (2026-11-05), an ISO week (2026-W48, Monday to Monday), a month (2026-11) or a quarter
 * (2026-Q4). Pure: no database.
 */

export const assessmentUnits: readonly AssessmentUnit[] = ['grid', 'street', 'community', 'subdistrict', 'department', 'person']
export const areaUnits = ['grid', 'street', 'community', 'subdistrict'] as const
export type AreaUnit = (typeof areaUnits)[number]
export const isAreaUnit = (unit: AssessmentUnit): unit is AreaUnit => (areaUnits as readonly string[]).includes(unit)

/** The longest period asked at once: two years and a day (a leap year's comparison). */
export const MAX_PERIOD_DAYS = 732
const DAY_MS = 86_400_000

/** Midnight Beijing time of a calendar day given as UTC date parts. */
const beijingMidnight = (year: number, month: number, day: number): Date => new Date(Date.UTC(year, month - 1, day) - 8 * 3_600_000)

/** The [from, to) a period shorthand names, or null. */
export function periodBounds(text: string): { from: Date; to: Date } | null {
  let match = /^(\d{4})-(\d{2})$/.exec(text)
  if (match) {
    const [year, month] = [Number(match[1]), Number(match[2])]
    if (month < 1 || month > 12) return null
    return { from: beijingMidnight(year, month, 1), to: beijingMidnight(year, month + 1, 1) }
  }
  match = /^(\d{4})-Q([1-4])$/i.exec(text)
  if (match) {
    const [year, quarter] = [Number(match[1]), Number(match[2])]
    return { from: beijingMidnight(year, quarter * 3 - 2, 1), to: beijingMidnight(year, quarter * 3 + 1, 1) }
  }
  match = /^(\d{4})-W(\d{2})$/i.exec(text)
  if (match) {
    const [year, week] = [Number(match[1]), Number(match[2])]
    // ISO 8601: week 1 holds 4 January; weeks start on Monday. A year has 52 or 53 weeks.
    const jan4 = new Date(Date.UTC(year, 0, 4))
    const mondayOfWeek1 = Date.UTC(year, 0, 4) - ((jan4.getUTCDay() + 6) % 7) * DAY_MS
    const weeksInYear = new Date(Date.UTC(year, 11, 28)).getUTCDay() === 4 || new Date(Date.UTC(year, 0, 1)).getUTCDay() === 4 ? 53 : 52
    if (week < 1 || week > weeksInYear) return null
    const monday = new Date(mondayOfWeek1 + (week - 1) * 7 * DAY_MS)
    const from = beijingMidnight(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate())
    return { from, to: new Date(from.getTime() + 7 * DAY_MS) }
  }
  match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match) {
    const from = parseInstant(text)
    return from ? { from, to: new Date(from.getTime() + DAY_MS) } : null
  }
  return null
}

export interface PeriodQuery {
  from?: string | undefined
  to?: string | undefined
  period?: string | undefined
  by?: string | undefined
}

/** The query read, or every problem by field. */
export function readPeriodQuery(query: PeriodQuery): { from: Date; to: Date; by: AssessmentUnit } | { problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = []
  let from: Date | null = null
  let to: Date | null = null
  if (query.period !== undefined) {
    if (query.from !== undefined || query.to !== undefined) problems.push({ field: 'period', reason: 'give either period or from and to, not both' })
    const bounds = periodBounds(query.period.trim())
    if (!bounds) problems.push({ field: 'period', reason: 'must be a day 2026-11-05, a week 2026-W48, a month 2026-11 or a quarter 2026-Q4' })
    else ({ from, to } = bounds)
  } else {
    for (const key of ['from', 'to'] as const) {
      const text = query[key]
      if (text === undefined || text.trim() === '') {
        problems.push({ field: key, reason: 'is required (or give period)' })
        continue
      }
      const instant = parseInstant(text)
      if (!instant) problems.push({ field: key, reason: 'must be a day YYYY-MM-DD (Beijing time) or an ISO 8601 instant' })
      else if (key === 'from') from = instant
      else to = instant
    }
    if (from && to && from.getTime() >= to.getTime()) problems.push({ field: 'to', reason: 'must be after from (to is exclusive)' })
  }
  if (from && to && to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    problems.push({ field: query.period !== undefined ? 'period' : 'to', reason: `the period may span at most ${MAX_PERIOD_DAYS} days` })
  }
  const by = query.by
  if (by === undefined || !(assessmentUnits as readonly string[]).includes(by)) {
    problems.push({ field: 'by', reason: `must be one of ${assessmentUnits.join(', ')}` })
  }
  if (problems.length > 0) return { problems }
  return { from: from!, to: to!, by: by as AssessmentUnit }
}

/**
 * The Beijing calendar days whose start (00:00 UTC+8) lies in [from, to), as YYYY-MM-DD: the days
 * a patrol requirement is counted over.
 */
export function beijingDaysOf(from: Date, to: Date): string[] {
  const offset = 8 * 3_600_000
  const first = Math.ceil((from.getTime() + offset) / DAY_MS)
  const days: string[] = []
  for (let day = first; day * DAY_MS - offset < to.getTime(); day++) days.push(new Date(day * DAY_MS).toISOString().slice(0, 10))
  return days
}
