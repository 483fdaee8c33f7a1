import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { Period } from './working-time.js'

/** The working calendar's tables (sql/009): work_calendar (one row) and work_calendar_day. */

export interface CalendarHead {
  time_zone: string
  periods: Period[]
  warn_ratio: number
  version: number
}

export interface CalendarDay {
  day: string
  working: boolean
  note: string | null
}

const parsePeriods = (value: unknown): Period[] => (typeof value === 'string' ? (JSON.parse(value) as Period[]) : (value as Period[]))

export async function readCalendarHead(db: DbOrTx, options: { forUpdate?: boolean } = {}): Promise<CalendarHead> {
  const lock = options.forUpdate ? sql` FOR UPDATE` : sql``
  const { rows } = await sql<CalendarHead>`SELECT time_zone, periods, warn_ratio, version FROM work_calendar WHERE id${lock}`.execute(db)
  const row = rows[0]
  if (!row) throw new Error('work_calendar has no row (sql/009 inserts it)')
  return { ...row, periods: parsePeriods(row.periods), warn_ratio: Number(row.warn_ratio) }
}

export async function writeCalendarHead(db: DbOrTx, periods: Period[], warnRatio: number): Promise<void> {
  await sql`UPDATE work_calendar SET periods = ${JSON.stringify(periods)}::jsonb, warn_ratio = ${warnRatio}, version = version + 1 WHERE id`.execute(db)
}

export async function bumpCalendarVersion(db: DbOrTx): Promise<void> {
  await sql`UPDATE work_calendar SET version = version + 1 WHERE id`.execute(db)
}

export async function calendarDays(db: DbOrTx, year: number): Promise<CalendarDay[]> {
  const { rows } = await sql<CalendarDay>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, working, note FROM work_calendar_day
     WHERE day >= make_date(${year}::int, 1, 1) AND day < make_date(${year + 1}::int, 1, 1)
     ORDER BY day`.execute(db)
  return rows
}

export async function calendarDay(db: DbOrTx, day: string): Promise<CalendarDay | undefined> {
  const { rows } = await sql<CalendarDay>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, working, note FROM work_calendar_day WHERE day = ${day}::date`.execute(db)
  return rows[0]
}

export async function upsertCalendarDay(db: DbOrTx, day: CalendarDay): Promise<void> {
  await sql`
    INSERT INTO work_calendar_day (day, working, note) VALUES (${day.day}::date, ${day.working}, ${day.note})
    ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working, note = EXCLUDED.note`.execute(db)
}

export async function deleteCalendarDay(db: DbOrTx, day: string): Promise<boolean> {
  const { rows } = await sql<{ day: string }>`DELETE FROM work_calendar_day WHERE day = ${day}::date RETURNING day`.execute(db)
  return rows.length > 0
}

/** data/calendar/cn-YYYY.json: the State Council's holiday arrangement of a year. */
export const HOLIDAY_DIR = fileURLToPath(new URL('../../data/calendar/', import.meta.url))

export interface HolidayFile {
  year: number
  days: CalendarDay[]
}

export function holidayFiles(dir: string = HOLIDAY_DIR): HolidayFile[] {
  return readdirSync(dir)
    .filter((name) => /^cn-\d{4}\.json$/.test(name))
    .sort()
    .map((name) => {
      const parsed = JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')) as { days: { day: string; working: boolean; note?: string }[] }
      return { year: Number(name.slice(3, 7)), days: parsed.days.map((d) => ({ day: d.day, working: d.working, note: d.note ?? null })) }
    })
}

/**
 * Loads each year's holiday file into work_calendar_day when that year has no day there yet
 * (first start, or a new year's file): a year someone has already edited is left alone, so an
 * edit or a deletion survives a restart. Answers the years loaded.
 */
export async function seedHolidays(db: DbOrTx, files: HolidayFile[] = holidayFiles()): Promise<number[]> {
  const loaded: number[] = []
  for (const file of files) {
    const existing = await calendarDays(db, file.year)
    if (existing.length > 0) continue
    for (const day of file.days) {
      await sql`INSERT INTO work_calendar_day (day, working, note) VALUES (${day.day}::date, ${day.working}, ${day.note}) ON CONFLICT (day) DO NOTHING`.execute(db)
    }
    loaded.push(file.year)
  }
  return loaded
}
