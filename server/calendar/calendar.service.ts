import type { Db } from '../db/database.js'
import { DomainError, notFound } from '../errors.js'
import { parseInstant } from '../kernel/time.js'
import {
  bumpCalendarVersion,
  calendarDay,
  calendarDays,
  deleteCalendarDay,
  readCalendarHead,
  upsertCalendarDay,
  writeCalendarHead,
  type CalendarDay,
  type CalendarHead,
} from './calendar.repository.js'
import { categoryLimit, dueTimes, type Limit } from './due.js'
import { localIsoDay, periodsProblem, type Period } from './working-time.js'

export async function calendarOfYear(db: Db, year: number | undefined, now: Date = new Date()): Promise<CalendarHead & { days: CalendarDay[] }> {
  const chosen = year ?? Number(localIsoDay(now).slice(0, 4))
  const head = await readCalendarHead(db)
  return { ...head, days: await calendarDays(db, chosen) }
}

function versionConflict(sent: number, current: number): DomainError {
  return new DomainError('version_conflict', `The calendar was changed by someone else: you sent version ${sent}, it is now at ${current}`, {
    current_version: current,
  })
}

export async function updateCalendar(db: Db, input: { version: number; periods?: Period[]; warn_ratio?: number }): Promise<CalendarHead> {
  if (input.periods !== undefined) {
    const problem = periodsProblem(input.periods)
    if (problem) throw new DomainError('invalid_periods', `Invalid working periods: ${problem}`, [{ field: 'periods', reason: problem }])
  }
  return db.transaction().execute(async (tx) => {
    const head = await readCalendarHead(tx, { forUpdate: true })
    if (head.version !== input.version) throw versionConflict(input.version, head.version)
    await writeCalendarHead(tx, input.periods ?? head.periods, input.warn_ratio ?? head.warn_ratio)
    return readCalendarHead(tx)
  })
}

/** A real calendar day, YYYY-MM-DD, in the years the calendar edits (2000–2100). */
export function readDay(text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  const valid =
    match !== null &&
    Number(match[1]) >= 2000 &&
    Number(match[1]) <= 2100 &&
    new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text
  if (!valid) {
    throw new DomainError('invalid_day', `"${text}" is not a day YYYY-MM-DD between 2000 and 2100`, [{ field: 'params.day', reason: 'must be a day YYYY-MM-DD (2000–2100)' }])
  }
  return text
}

export async function setCalendarDay(db: Db, dayText: string, input: { working: boolean; note?: string | null }): Promise<CalendarDay> {
  const day = readDay(dayText)
  const note = input.note?.trim() ? input.note.trim() : null
  return db.transaction().execute(async (tx) => {
    await readCalendarHead(tx, { forUpdate: true })
    await upsertCalendarDay(tx, { day, working: input.working, note })
    await bumpCalendarVersion(tx)
    return (await calendarDay(tx, day))!
  })
}

export async function removeCalendarDay(db: Db, dayText: string): Promise<{ deleted: true; day: string }> {
  const day = readDay(dayText)
  return db.transaction().execute(async (tx) => {
    await readCalendarHead(tx, { forUpdate: true })
    if (!(await deleteCalendarDay(tx, day))) throw notFound(`Calendar day ${day}`)
    await bumpCalendarVersion(tx)
    return { deleted: true as const, day }
  })
}

export async function dueForCategory(
  db: Db,
  categoryId: number,
  fromText: string | undefined,
  now: Date = new Date(),
): Promise<{ limit: Limit | null; warn_at: string | null; due_at: string | null }> {
  const from = fromText === undefined ? now : parseInstant(fromText)
  if (!from) throw new DomainError('invalid_time', `"${fromText}" is not an ISO 8601 time`, [{ field: 'from', reason: 'must be an ISO 8601 time' }])
  const exists = await db.selectFrom('category').select('id').where('id', '=', categoryId).executeTakeFirst()
  if (!exists) throw new DomainError('not_found', `Category ${categoryId} not found`, [{ field: 'category_id', reason: 'no such category' }])
  const limit = await categoryLimit(db, categoryId)
  const { warnAt, dueAt } = await dueTimes(db, limit, from)
  return { limit, warn_at: warnAt?.toISOString() ?? null, due_at: dueAt?.toISOString() ?? null }
}
