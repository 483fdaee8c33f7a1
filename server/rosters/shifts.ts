/**
 * Shifts as local times of day (HH:MM, China Standard Time), pure: the server's checks and the
 * zone panel's three-shift helper use the same functions. A shift lies inside one day (it may end
 * at 24:00, never past midnight): Lanzhou's street staff work 07:00–23:00 in three shifts.
 */

export interface Shift {
  label: string
  start: string
  end: string
}

const timePattern = /^([01]\d|2[0-4]):([0-5]\d)$/

/** Minutes since midnight of `HH:MM` (00:00–24:00), or null when it is not such a time. */
export function minutesOf(text: string): number | null {
  const match = timePattern.exec(text)
  if (!match) return null
  const minutes = Number(match[1]) * 60 + Number(match[2])
  return minutes > 24 * 60 ? null : minutes
}

export function timeText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

/** Whether two shifts on the same day share a minute (touching ends, 12:00–12:00, do not). */
export function shiftsOverlap(a: { start: string; end: string }, b: { start: string; end: string }): boolean {
  return minutesOf(a.start)! < minutesOf(b.end)! && minutesOf(b.start)! < minutesOf(a.end)!
}

/** The names an office gives its shifts: 早班/中班/晚班 for three, 白班/夜班 for two, 第N班 otherwise. */
export function shiftLabels(count: number): string[] {
  if (count === 1) return ['全天']
  if (count === 2) return ['早班', '晚班']
  if (count === 3) return ['早班', '中班', '晚班']
  return Array.from({ length: count }, (_, i) => `第${i + 1}班`)
}

export const MAX_SHIFTS_A_DAY = 12

/**
 * The day from `start` to `end` cut into `count` shifts of equal length, to the minute (any minutes
 * left over go to the first shifts): 07:00–23:00 in three is 07:00–12:20, 12:20–17:40, 17:40–23:00.
 * Throws a RangeError naming the argument at fault.
 */
export function splitDay(start: string, end: string, count: number): Shift[] {
  const from = minutesOf(start)
  const to = minutesOf(end)
  if (from === null || from >= 24 * 60) throw new RangeError('start: must be a time HH:MM from 00:00 to 23:59')
  if (to === null) throw new RangeError('end: must be a time HH:MM from 00:01 to 24:00')
  if (to <= from) throw new RangeError('end: must be after start (a shift does not cross midnight)')
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHIFTS_A_DAY) throw new RangeError(`count: must be a whole number from 1 to ${MAX_SHIFTS_A_DAY}`)
  if (to - from < count) throw new RangeError('count: more shifts than minutes between start and end')
  const length = Math.floor((to - from) / count)
  const extra = (to - from) % count
  const labels = shiftLabels(count)
  const shifts: Shift[] = []
  let at = from
  for (let i = 0; i < count; i++) {
    const next = at + length + (i < extra ? 1 : 0)
    shifts.push({ label: labels[i]!, start: timeText(at), end: timeText(next) })
    at = next
  }
  return shifts
}
