import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { beijingDaysOf } from './period.js'

/**
 * Patrols required in a period (docs/assessment.md "Patrols required"), from the rosters
 * (zone_staff), the chiefs' assignments and patrol_requirement (sql/015). For each zone Z and
 * each role r with a requirement applicable to Z — Z's own row for r, else the row of Z's kind
 * for r — and each holder of r on Z:
 *
 *   required = round(times × units), over the Beijing days of [from, to) the holder is valid,
 *   day → the number of those days; week → that number ÷ 7;
 *   month → Σ over those days of 1 ÷ (the days of that day's month): a whole month is exactly 1.
 *
 * A holder of role `chief` is Z's chief by assignment (duty chief) holding it at 12:00 of the
 * day (one chief a day on a handover day); any other role is a zone_staff row of that role whose
 * valid_from ≤ day ≤ valid_to (dates, both inclusive; valid_to NULL: open).
 */

export type RequirementPer = 'day' | 'week' | 'month'

export interface RequiredRow {
  zone_id: number
  party_id: number
  role: string
  required: number
}

/** A holder's valid days in one calendar month: `days` of that month's `daysInMonth`. */
export interface MonthDays {
  days: number
  daysInMonth: number
}

/** The units a requirement counts over (pure; the unit test checks it by hand). */
export function requirementUnits(per: RequirementPer, months: readonly MonthDays[]): number {
  const days = months.reduce((sum, month) => sum + month.days, 0)
  if (per === 'day') return days
  if (per === 'week') return days / 7
  return months.reduce((sum, month) => sum + month.days / month.daysInMonth, 0)
}

export const requiredOf = (times: number, per: RequirementPer, months: readonly MonthDays[]): number => Math.round(times * requirementUnits(per, months))

const daysInMonth = (month: string): number => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate()

export async function requiredPatrols(
  db: DbOrTx,
  query: { from: Date; to: Date; zoneIds?: readonly number[] | undefined; partyIds?: readonly number[] | undefined },
): Promise<RequiredRow[]> {
  const days = beijingDaysOf(query.from, query.to)
  if (days.length === 0) return []
  const zoneFilter = query.zoneIds ? sql`AND h.zone_id = ANY(${[...query.zoneIds]}::int4[])` : sql``
  const partyFilter = query.partyIds ? sql`AND h.party_id = ANY(${[...query.partyIds]}::int4[])` : sql``
  const { rows } = await sql<{ zone_id: number; party_id: number; role: string; times: number; per: RequirementPer; month: string; days: number }>`
    WITH day AS (SELECT unnest(${days}::date[]) AS day),
    holder AS (
      SELECT a.zone_id, a.party_id, 'chief'::text AS role, day.day
      FROM assignment a JOIN day
        ON a.valid_from <= ((day.day + time '12:00') AT TIME ZONE 'Asia/Shanghai')
       AND (a.valid_to IS NULL OR a.valid_to > ((day.day + time '12:00') AT TIME ZONE 'Asia/Shanghai'))
      WHERE a.duty = 'chief'
      UNION
      SELECT s.zone_id, s.party_id, s.role, day.day
      FROM zone_staff s JOIN day ON s.valid_from <= day.day AND (s.valid_to IS NULL OR s.valid_to >= day.day)
      WHERE s.role <> 'chief'
    )
    SELECT h.zone_id, h.party_id, h.role, COALESCE(own.times, kind.times) AS times, COALESCE(own.per, kind.per) AS per,
           to_char(h.day, 'YYYY-MM') AS month, count(*)::int AS days
    FROM holder h
    JOIN zone z ON z.id = h.zone_id
    LEFT JOIN patrol_requirement own ON own.zone_id = h.zone_id AND own.role = h.role
    LEFT JOIN patrol_requirement kind ON kind.zone_id IS NULL AND kind.zone_kind = z.kind AND kind.role = h.role
    WHERE (own.id IS NOT NULL OR kind.id IS NOT NULL) ${zoneFilter} ${partyFilter}
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 6`.execute(db)
  const grouped = new Map<string, { zone_id: number; party_id: number; role: string; times: number; per: RequirementPer; months: MonthDays[] }>()
  for (const row of rows) {
    const key = `${row.zone_id}/${row.party_id}/${row.role}`
    let entry = grouped.get(key)
    if (!entry) grouped.set(key, (entry = { zone_id: row.zone_id, party_id: row.party_id, role: row.role, times: row.times, per: row.per, months: [] }))
    entry.months.push({ days: Number(row.days), daysInMonth: daysInMonth(row.month) })
  }
  return [...grouped.values()].map((entry) => ({ zone_id: entry.zone_id, party_id: entry.party_id, role: entry.role, required: requiredOf(entry.times, entry.per, entry.months) }))
}
