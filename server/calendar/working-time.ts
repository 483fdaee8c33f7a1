/**
 * Working time, the pure core (no database): the office's clock is China Standard Time (UTC+8,
 * no daylight saving), an ordinary working day is Monday to Friday with the same working periods
 * every day, and exception days override the weekly rule (statutory holidays: not working; the
 * 调休 Saturdays and Sundays worked in exchange: working).
 *
 * Rules (docs/cases-deadlines.md):
 * - `working_hours`: the limit is counted only inside working periods of working days; a start
 *   outside working time starts at the next working period. A limit that ends exactly at a
 *   period's end ends there (17:30), not at the next period's start.
 * - `working_days`: the start is first moved to working time (as above); the due instant is the
 *   same local time of day on the Nth following working day. Every working day has the same
 *   periods, so that time lies in a working period again.
 * - `hours` / `days`: calendar time (a day = 24 hours; China has no DST).
 * - The warning instant is start + warn_ratio × the limit measured in working time (calendar time
 *   for `hours` / `days`), rounded down to the second.
 */

export type LimitUnit = 'working_hours' | 'working_days' | 'hours' | 'days'
export interface Limit {
  value: number
  unit: LimitUnit
}
export const LIMIT_UNITS: readonly LimitUnit[] = ['working_hours', 'working_days', 'hours', 'days']

/** A working period of a day, local times "HH:MM". */
export type Period = [string, string]

export interface WorkCalendar {
  periods: Period[]
  /** ISO day (YYYY-MM-DD, local) → working or not; days not listed follow Monday–Friday. */
  exceptions: ReadonlyMap<string, boolean>
  warnRatio: number
}

export const OFFSET_MS = 8 * 3_600_000
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
/** Days looked at before giving up (a calendar with no working day in ten years is broken). */
const MAX_IDLE_DAYS = 3660

const periodPattern = /^([01]\d|2[0-3]):([0-5]\d)$/

/** "08:30" → minutes after midnight, or null. "24:00" is allowed as the end of a day. */
export function minutesOf(text: string): number | null {
  if (text === '24:00') return 1440
  const match = periodPattern.exec(text)
  return match ? Number(match[1]) * 60 + Number(match[2]) : null
}

/** Why a list of periods is not usable, or null: HH:MM, start before end, ascending, not overlapping. */
export function periodsProblem(periods: unknown): string | null {
  if (!Array.isArray(periods) || periods.length === 0) return 'must list at least one period'
  if (periods.length > 12) return 'at most 12 periods'
  let previousEnd = -1
  for (const [index, period] of periods.entries()) {
    if (!Array.isArray(period) || period.length !== 2 || typeof period[0] !== 'string' || typeof period[1] !== 'string') {
      return `period ${index} must be ["HH:MM","HH:MM"]`
    }
    const start = minutesOf(period[0])
    const end = minutesOf(period[1])
    if (start === null || start === 1440 || end === null) return `period ${index} must be ["HH:MM","HH:MM"] (00:00–24:00)`
    if (start >= end) return `period ${index} must start before it ends`
    if (start < previousEnd) return `period ${index} overlaps or precedes the one before it (periods ascend)`
    previousEnd = end
  }
  return null
}

/** The local day number (days since 1970-01-01 in UTC+8) of an instant. */
const localDayOf = (ms: number): number => Math.floor((ms + OFFSET_MS) / DAY_MS)
/** The instant a local day starts at (00:00 UTC+8). */
const dayStart = (day: number): number => day * DAY_MS - OFFSET_MS

/** YYYY-MM-DD of a local day number. */
export function isoDayOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** The local day (YYYY-MM-DD, UTC+8) an instant falls on. */
export function localIsoDay(instant: Date): string {
  return isoDayOf(localDayOf(instant.getTime()))
}

export function isWorkingDay(calendar: WorkCalendar, day: number): boolean {
  const exception = calendar.exceptions.get(isoDayOf(day))
  if (exception !== undefined) return exception
  const weekday = new Date(day * DAY_MS).getUTCDay() // 0 = Sunday
  return weekday >= 1 && weekday <= 5
}

/** A calendar's periods in milliseconds after local midnight. */
function periodMs(calendar: WorkCalendar): [number, number][] {
  return calendar.periods.map(([start, end]) => [minutesOf(start)! * 60_000, minutesOf(end)! * 60_000])
}

/** The working intervals [start, end) of the working days from `fromDay` on, in order. */
function* workingIntervals(calendar: WorkCalendar, fromDay: number): Generator<[number, number]> {
  const periods = periodMs(calendar)
  let idle = 0
  for (let day = fromDay; ; day++) {
    if (!isWorkingDay(calendar, day)) {
      if (++idle > MAX_IDLE_DAYS) throw new Error('The working calendar has no working day in ten years')
      continue
    }
    idle = 0
    const base = dayStart(day)
    for (const [start, end] of periods) yield [base + start, base + end]
  }
}

/** The first instant at or after `from` that lies in working time (a period's start counts, its end not). */
export function nextWorkingInstant(calendar: WorkCalendar, from: Date): Date {
  const at = from.getTime()
  for (const [start, end] of workingIntervals(calendar, localDayOf(at))) {
    if (at < end) return new Date(Math.max(at, start))
  }
  throw new Error('unreachable')
}

/** `from` + `amountMs` of working time. A zero amount gives `from` unchanged. */
export function addWorkingTime(calendar: WorkCalendar, from: Date, amountMs: number): Date {
  const at = from.getTime()
  if (amountMs <= 0) return new Date(at)
  let remaining = amountMs
  for (const [start, end] of workingIntervals(calendar, localDayOf(at))) {
    if (at >= end) continue
    const begin = Math.max(at, start)
    const available = end - begin
    if (remaining <= available) return new Date(begin + remaining)
    remaining -= available
  }
  throw new Error('unreachable')
}

/** The same local time on the `count`th working day after `from` (moved into working time first). */
export function addWorkingDays(calendar: WorkCalendar, from: Date, count: number): Date {
  const start = nextWorkingInstant(calendar, from).getTime()
  let day = localDayOf(start)
  const timeOfDay = start - dayStart(day)
  let idle = 0
  for (let left = count; left > 0; ) {
    day++
    if (isWorkingDay(calendar, day)) {
      left--
      idle = 0
    } else if (++idle > MAX_IDLE_DAYS) {
      throw new Error('The working calendar has no working day in ten years')
    }
  }
  return new Date(dayStart(day) + timeOfDay)
}

/** The working time (ms) between two instants (0 when `to` is not after `from`). */
export function workingMsBetween(calendar: WorkCalendar, from: Date, to: Date): number {
  const a = from.getTime()
  const b = to.getTime()
  if (b <= a) return 0
  let total = 0
  for (const [start, end] of workingIntervals(calendar, localDayOf(a))) {
    if (start >= b) break
    const lo = Math.max(a, start)
    const hi = Math.min(b, end)
    if (hi > lo) total += hi - lo
  }
  return total
}

/** The instant a limit ends when counted from `from`. */
export function addLimit(calendar: WorkCalendar, from: Date, limit: Limit): Date {
  switch (limit.unit) {
    case 'working_hours':
      return addWorkingTime(calendar, nextWorkingInstant(calendar, from), limit.value * HOUR_MS)
    case 'working_days':
      return addWorkingDays(calendar, from, limit.value)
    case 'hours':
      return new Date(from.getTime() + limit.value * HOUR_MS)
    case 'days':
      return new Date(from.getTime() + limit.value * DAY_MS)
  }
}

const floorToSecond = (ms: number): number => Math.floor(ms / 1000) * 1000

/** The warning and due instants of a limit counted from `from`. */
export function computeDue(calendar: WorkCalendar, from: Date, limit: Limit): { warnAt: Date; dueAt: Date } {
  const dueAt = addLimit(calendar, from, limit)
  if (limit.unit === 'hours' || limit.unit === 'days') {
    const span = dueAt.getTime() - from.getTime()
    return { warnAt: new Date(floorToSecond(from.getTime() + calendar.warnRatio * span)), dueAt }
  }
  const start = nextWorkingInstant(calendar, from)
  const span = workingMsBetween(calendar, start, dueAt)
  return { warnAt: new Date(floorToSecond(addWorkingTime(calendar, start, calendar.warnRatio * span).getTime())), dueAt }
}

/** The instant of escalation level `level` (≥ 1): due_at + level × the limit, in the limit's own time. */
export function escalationAt(calendar: WorkCalendar, dueAt: Date, limit: Limit, level: number): Date {
  return addLimit(calendar, dueAt, { value: limit.value * level, unit: limit.unit })
}
