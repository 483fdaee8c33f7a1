/**
 * Periods of an assessment, in Beijing time (UTC+8, no daylight saving): a day, an ISO week, a
 * month, a quarter or a custom half-open range [from, to). Pure: no database or HTTP.
 */
const OFFSET_MS = 8 * 3600 * 1000
const DAY_MS = 24 * 3600 * 1000

export interface Period {
  from: Date
  to: Date
}

/** Midnight in Beijing of a calendar date (month may overflow: month 13 is January next year). */
export const beijingMidnight = (year: number, month: number, day: number): Date => new Date(Date.UTC(year, month - 1, day) - OFFSET_MS)

/** The calendar fields of an instant in Beijing. */
export function beijingParts(at: Date): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  const shifted = new Date(at.getTime() + OFFSET_MS)
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    // ISO: Monday 1 … Sunday 7.
    weekday: ((shifted.getUTCDay() + 6) % 7) + 1,
  }
}

const isMidnight = (at: Date) => (at.getTime() + OFFSET_MS) % DAY_MS === 0

/** Whether [from, to) is exactly one calendar month, or one quarter, in Beijing. */
export function calendarSpan(period: Period): 'month' | 'quarter' | null {
  if (!isMidnight(period.from) || !isMidnight(period.to)) return null
  const start = beijingParts(period.from)
  if (start.day !== 1) return null
  if (beijingMidnight(start.year, start.month + 1, 1).getTime() === period.to.getTime()) return 'month'
  if ((start.month - 1) % 3 === 0 && beijingMidnight(start.year, start.month + 3, 1).getTime() === period.to.getTime()) return 'quarter'
  return null
}

/**
 * The period before, to compare a ranking with: the month before a month (whatever its length),
 * the quarter before a quarter, and otherwise the range of the same length ending where this one
 * starts (the week before a week, the day before a day).
 */
export function previousPeriod(period: Period): Period {
  const span = calendarSpan(period)
  if (span) {
    const start = beijingParts(period.from)
    const months = span === 'month' ? 1 : 3
    return { from: beijingMidnight(start.year, start.month - months, 1), to: period.from }
  }
  const length = period.to.getTime() - period.from.getTime()
  return { from: new Date(period.from.getTime() - length), to: period.from }
}

/** The last whole month before `now`: what a 月度通报 reports by default. */
export function lastWholeMonth(now: Date): Period {
  const today = beijingParts(now)
  return { from: beijingMidnight(today.year, today.month - 1, 1), to: beijingMidnight(today.year, today.month, 1) }
}

/** `2026-11` for a month, `2026年第四季度`-style labels are the writers' business; this names a period plainly. */
export function periodLabel(period: Period): string {
  const start = beijingParts(period.from)
  const pad = (n: number) => String(n).padStart(2, '0')
  const span = calendarSpan(period)
  if (span === 'month') return `${start.year}年${start.month}月`
  if (span === 'quarter') return `${start.year}年第${'一二三四'[(start.month - 1) / 3]}季度`
  const last = beijingParts(new Date(period.to.getTime() - 1))
  const day = (p: { year: number; month: number; day: number }) => `${p.year}-${pad(p.month)}-${pad(p.day)}`
  return isMidnight(period.from) && isMidnight(period.to)
    ? day(start) === day(last) ? day(start) : `${day(start)} 至 ${day(last)}`
    : `${day(start)} ${pad(start.hour)}:${pad(start.minute)} 至 ${day(beijingParts(period.to))} ${pad(beijingParts(period.to).hour)}:${pad(beijingParts(period.to).minute)}`
}
