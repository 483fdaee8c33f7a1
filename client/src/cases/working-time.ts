/**
 * Working time between two instants under the office's calendar (Asia/Shanghai, UTC+8 without
 * daylight saving): the working periods of a working day, Monday–Friday working unless a day of
 * the calendar says otherwise (statutory holidays off, 调休 weekend days on). The desk shows the
 * working time left before a case's due time with it; the server's own clock (server/calendar)
 * decides the deadlines.
 */
export interface OfficeCalendar {
  periods: [string, string][]
  days: { day: string; working: boolean }[]
}

const OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number)
  return (h ?? 0) * 60 + (m ?? 0)
}

/** Milliseconds of working time in [from, to); 0 when to is not after from. */
export function workingTimeBetween(calendar: OfficeCalendar, from: Date, to: Date): number {
  const start = from.getTime()
  const end = to.getTime()
  if (!(end > start)) return 0
  const overrides = new Map(calendar.days.map((d) => [d.day, d.working]))
  const periods = calendar.periods.map(([a, b]) => [minutesOf(a) * 60_000, minutesOf(b) * 60_000] as const)
  let total = 0
  // Local midnight (UTC+8) of the day holding `from`, as a UTC instant.
  let dayStart = Math.floor((start + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS
  for (let guard = 0; dayStart < end && guard < 3660; guard++, dayStart += DAY_MS) {
    const local = new Date(dayStart + OFFSET_MS)
    const key = local.toISOString().slice(0, 10)
    const weekday = local.getUTCDay()
    const working = overrides.get(key) ?? (weekday >= 1 && weekday <= 5)
    if (!working) continue
    for (const [a, b] of periods) {
      const lo = Math.max(start, dayStart + a)
      const hi = Math.min(end, dayStart + b)
      if (hi > lo) total += hi - lo
    }
  }
  return total
}
