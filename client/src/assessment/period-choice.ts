/**
 * The ranking page's period picker as query parameters of the reports API: a month (default: the
 * last whole month in Beijing time), an ISO week, a quarter, or custom days (to inclusive on the
 * page, exclusive in the query). Pure.
 */
export type PeriodKind = 'month' | 'week' | 'quarter' | 'custom'

export interface PeriodChoice {
  kind: PeriodKind
  /** 2026-11 (month), 2026-W48 (week), 2026-Q4 (quarter). */
  value: string
  /** Custom: first and last day, YYYY-MM-DD, both inclusive. */
  fromDay: string
  toDay: string
}

const OFFSET_MS = 8 * 3600 * 1000
const DAY_MS = 86_400_000
const pad = (n: number) => String(n).padStart(2, '0')

function beijing(now: Date): { year: number; month: number; day: number } {
  const shifted = new Date(now.getTime() + OFFSET_MS)
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() }
}

export function lastWholeMonth(now: Date): string {
  const { year, month } = beijing(now)
  return month === 1 ? `${year - 1}-12` : `${year}-${pad(month - 1)}`
}

/** The ISO week (year and number) holding a calendar day. */
export function isoWeekOf(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day))
  const weekday = (date.getUTCDay() + 6) % 7
  // The Thursday of the same week decides the year (ISO 8601).
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS)
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4))
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / DAY_MS / 7 - (3 - ((firstThursday.getUTCDay() + 6) % 7)) / 7)
  return `${thursday.getUTCFullYear()}-W${pad(week)}`
}

export function lastWholeWeek(now: Date): string {
  const today = beijing(now)
  const lastWeek = new Date(Date.UTC(today.year, today.month - 1, today.day) - 7 * DAY_MS)
  return isoWeekOf(lastWeek.getUTCFullYear(), lastWeek.getUTCMonth() + 1, lastWeek.getUTCDate())
}

export function lastWholeQuarter(now: Date): string {
  const { year, month } = beijing(now)
  const quarter = Math.floor((month - 1) / 3) + 1
  return quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`
}

export function defaultChoice(now: Date): PeriodChoice {
  const month = lastWholeMonth(now)
  const [year, number] = month.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(year, number, 0)).getUTCDate()
  return { kind: 'month', value: month, fromDay: `${month}-01`, toDay: `${month}-${pad(last)}` }
}

/** The value a kind starts at when the picker switches to it. */
export function initialValue(kind: PeriodKind, now: Date): string {
  switch (kind) {
    case 'month':
      return lastWholeMonth(now)
    case 'week':
      return lastWholeWeek(now)
    case 'quarter':
      return lastWholeQuarter(now)
    case 'custom':
      return ''
  }
}

/** The query parameters of a choice: `period` for a month, week or quarter; `from`/`to` (exclusive) for custom days. */
export function periodParams(choice: PeriodChoice): { period?: string; from?: string; to?: string } {
  if (choice.kind !== 'custom') return { period: choice.value }
  const [year, month, day] = choice.toDay.split('-').map(Number) as [number, number, number]
  const next = new Date(Date.UTC(year, month - 1, day) + DAY_MS)
  return { from: choice.fromDay, to: `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}` }
}

/** The Beijing calendar day of an instant (YYYY-MM-DD); with `last`, the day of the last moment before it (an exclusive end). */
export function beijingDay(iso: string, options: { last?: boolean } = {}): string {
  return new Date(new Date(iso).getTime() + OFFSET_MS - (options.last ? 1 : 0)).toISOString().slice(0, 10)
}
