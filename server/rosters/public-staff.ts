import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { ZoneKind } from '../kernel/zone-kinds.js'
import { publicRoleOf } from './roster-kinds.js'
import { listStaff, todayInChina } from './staff.service.js'

/**
 * What the public sees of a zone's roster: the staff marked shown_publicly and valid today, as the
 * /r/{code} page lists them and, where the city switched it on (staff_on_signboard, sql/016), the
 * printed signboard. Phones are the party's; the caller masks private ones as for every public
 * contact (auth/scope.ts, maskPrivatePhonesIn with no actor).
 */
export interface PublicStaff {
  name: string
  /** 城管执法队员, 网格员, …: the 六员 kind when sent by a department, else the role. */
  role: string
  /** 早班 07:00–12:20, or null without fixed hours. */
  shift: string | null
  phone: string | null
}

export async function publicStaffOf(db: DbOrTx, zoneId: number, now = new Date()): Promise<PublicStaff[]> {
  const staff = await listStaff(db, [zoneId], { at: todayInChina(now), publicOnly: true })
  return staff.map((row) => ({
    name: row.party.name,
    role: publicRoleOf(row.role, row.department_kind),
    shift: row.shift ? `${row.shift.label ? `${row.shift.label} ` : ''}${row.shift.start}–${row.shift.end}` : null,
    phone: row.party.phone,
  }))
}

/**
 * Whether the signboard of a zone lists its staff: the most specific switch of the zone's
 * jurisdictions (nearest first) and kind wins, then the jurisdiction's switch for any kind, then
 * the kind's switch anywhere; with none, no.
 */
export async function staffOnSignboard(db: DbOrTx, zone: { id: number; kind: ZoneKind }): Promise<boolean> {
  const { rows } = await sql<{ shown: boolean }>`
    WITH RECURSIVE up (id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM zone WHERE id = ${zone.id}
      UNION ALL SELECT z.id, z.parent_id, u.depth + 1 FROM zone z JOIN up u ON z.id = u.parent_id WHERE u.depth < 16)
    SELECT s.shown FROM staff_on_signboard s LEFT JOIN up ON up.id = s.jurisdiction_id
    WHERE (s.jurisdiction_id IS NULL OR up.id IS NOT NULL) AND (s.zone_kind IS NULL OR s.zone_kind = ${zone.kind})
    ORDER BY (s.jurisdiction_id IS NULL), up.depth, (s.zone_kind IS NULL)
    LIMIT 1`.execute(db)
  return rows[0]?.shown ?? false
}
