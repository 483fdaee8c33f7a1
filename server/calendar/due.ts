import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { computeDue, workingMsBetween, type Limit, type LimitUnit, type Period, type WorkCalendar } from './working-time.js'

export type { Limit, LimitUnit, WorkCalendar }

/**
 * Due times against the stored working calendar (sql/009: work_calendar and work_calendar_day).
 * The case workflow calls these at dispatch (dueTimes), on an extension, and on unparking
 * (workingTimeBetween: the paused working time moves due_at on).
 */

export interface StoredCalendar extends WorkCalendar {
  timeZone: string
  version: number
}

/** The working calendar as stored: periods, warn ratio and every exception day. */
export async function loadCalendar(db: DbOrTx): Promise<StoredCalendar> {
  const { rows } = await sql<{ time_zone: string; periods: Period[] | string; warn_ratio: number; version: number }>`
    SELECT time_zone, periods, warn_ratio, version FROM work_calendar WHERE id`.execute(db)
  const head = rows[0]
  const days = await sql<{ day: string; working: boolean }>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, working FROM work_calendar_day`.execute(db)
  const periods = typeof head?.periods === 'string' ? (JSON.parse(head.periods) as Period[]) : head?.periods
  return {
    timeZone: head?.time_zone ?? 'Asia/Shanghai',
    periods: periods ?? [
      ['08:30', '12:00'],
      ['13:30', '17:30'],
    ],
    warnRatio: Number(head?.warn_ratio ?? 0.75),
    version: head?.version ?? 1,
    exceptions: new Map(days.rows.map((row) => [row.day, row.working])),
  }
}

/** The warning and due instants of a limit counted from `from` (both null without a limit). */
export async function dueTimes(db: DbOrTx, limit: Limit | null, from: Date): Promise<{ warnAt: Date | null; dueAt: Date | null }> {
  if (!limit) return { warnAt: null, dueAt: null }
  return computeDue(await loadCalendar(db), from, limit)
}

/** A category's time limit (处置时限), or null when it has none or does not exist. */
export async function categoryLimit(db: DbOrTx, categoryId: number): Promise<Limit | null> {
  const { rows } = await sql<{ limit_value: number | null; limit_unit: LimitUnit | null }>`
    SELECT limit_value, limit_unit FROM category WHERE id = ${categoryId}`.execute(db)
  const row = rows[0]
  return row && row.limit_value !== null && row.limit_unit !== null ? { value: row.limit_value, unit: row.limit_unit } : null
}

/** The working time, in milliseconds, between two instants (parking: the paused working time). */
export async function workingTimeBetween(db: DbOrTx, from: Date, to: Date): Promise<number> {
  return workingMsBetween(await loadCalendar(db), from, to)
}
