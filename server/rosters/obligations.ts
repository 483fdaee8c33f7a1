import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { RequirementPeriod, StaffRole } from './roster-kinds.js'

/**
 * Patrols owed in a period, from the rosters as they stand (docs/rosters.md): for each zone and
 * each role with a requirement (a zone's own row overriding its kind's), each holder owes
 * round(times × units) patrols, units being the period's length in the requirement's days, weeks
 * or calendar months. Holders: for role `chief` the zone's chief assignments overlapping the
 * period; for any other role the zone_staff rows of that role valid on a day of it. This is the
 * definition server/assessment/required.ts counts `patrols_required` by.
 */

export interface OwedPatrols {
  zone_id: number
  zone_kind: string
  zone_code: string
  role: StaffRole
  party_id: number
  times: number
  per: RequirementPeriod
  source: 'kind' | 'zone'
  owed: number
}

const DAY_MS = 86_400_000
const CHINA_MS = 8 * 3600_000

/**
 * The period [from, to) in units of `per`: days, weeks of seven days, or calendar months (China
 * Standard Time) each counted by the share of its days the period covers.
 */
export function periodUnits(from: Date, to: Date, per: RequirementPeriod): number {
  const span = Math.max(0, to.getTime() - from.getTime())
  if (per === 'day') return span / DAY_MS
  if (per === 'week') return span / (7 * DAY_MS)
  let units = 0
  // Walk the calendar months the period touches, in China's local time.
  const start = new Date(from.getTime() + CHINA_MS)
  let year = start.getUTCFullYear()
  let month = start.getUTCMonth()
  for (;;) {
    const monthStart = Date.UTC(year, month, 1) - CHINA_MS
    const monthEnd = Date.UTC(year, month + 1, 1) - CHINA_MS
    if (monthStart >= to.getTime()) break
    const covered = Math.min(monthEnd, to.getTime()) - Math.max(monthStart, from.getTime())
    if (covered > 0) units += covered / (monthEnd - monthStart)
    month += 1
    if (month === 12) {
      month = 0
      year += 1
    }
  }
  return units
}

/** Round half up, on a value already near an integer from the unit arithmetic (so 4 × 1.0000000001 is 4). */
const roundOwed = (value: number) => Math.round(Number(value.toFixed(9)))

/** The patrols owed in [from, to) by every holder of every zone with a requirement (optionally only `zoneIds`). */
export async function owedPatrols(db: DbOrTx, from: Date, to: Date, options: { zoneIds?: readonly number[] } = {}): Promise<OwedPatrols[]> {
  if (to.getTime() <= from.getTime()) return []
  // The period's first and last days in China, for the staff rows' validity dates.
  const firstDay = new Date(from.getTime() + CHINA_MS).toISOString().slice(0, 10)
  const lastDay = new Date(to.getTime() - 1 + CHINA_MS).toISOString().slice(0, 10)
  const zoneFilter = options.zoneIds ? sql`AND z.id = ANY(${[...options.zoneIds]}::int4[])` : sql``
  const { rows } = await sql<Omit<OwedPatrols, 'owed'>>`
    WITH effective AS (
      SELECT DISTINCT ON (z.id, r.role) z.id AS zone_id, z.kind AS zone_kind, z.code AS zone_code, r.role, r.times, r.per,
             CASE WHEN r.zone_id IS NULL THEN 'kind' ELSE 'zone' END AS source
      FROM zone z JOIN patrol_requirement r ON r.zone_id = z.id OR (r.zone_id IS NULL AND r.zone_kind = z.kind)
      WHERE true ${zoneFilter}
      ORDER BY z.id, r.role, (r.zone_id IS NULL)),
    holder AS (
      SELECT a.zone_id, 'chief'::text AS role, a.party_id FROM assignment a
      WHERE a.duty = 'chief' AND a.valid_from < ${to} AND (a.valid_to IS NULL OR a.valid_to > ${from})
      UNION
      SELECT s.zone_id, s.role, s.party_id FROM zone_staff s
      WHERE s.role <> 'chief' AND s.valid_from <= ${lastDay}::date AND (s.valid_to IS NULL OR s.valid_to >= ${firstDay}::date))
    SELECT e.zone_id, e.zone_kind, e.zone_code, e.role, h.party_id, e.times, e.per, e.source
    FROM effective e JOIN holder h ON h.zone_id = e.zone_id AND h.role = e.role
    ORDER BY e.zone_id, e.role, h.party_id`.execute(db)
  return rows.map((row) => ({ ...row, owed: roundOwed(row.times * periodUnits(from, to, row.per)) }))
}
