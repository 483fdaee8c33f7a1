import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { DomainError } from '../errors.js'
import type { ZoneKind } from '../kernel/zone-kinds.js'
import { departmentKindLabels, departmentKinds, type DepartmentKind } from './roster-kinds.js'
import { listStaff } from './staff.service.js'

/**
 * 下沉六员: the staff each of the six departments (环卫、执法、交警、食药、工商、网格) sends to a street.
 * A kind is staffed on a day when a zone_staff row of the street with that department_kind is
 * valid that day.
 */

interface ZoneFacts {
  id: number
  kind: ZoneKind
  code: string
  name: string
}

export async function sixStaffReport(db: DbOrTx, zone: ZoneFacts, at: string) {
  if (zone.kind !== 'street') {
    throw new DomainError('unsupported_kind', `下沉六员 are sent to streets; zone ${zone.code} (${zone.name}) is a ${zone.kind}`, [
      { field: 'id', reason: 'must be a street' },
    ])
  }
  const staff = (await listStaff(db, [zone.id], { at })).filter((row) => row.department_kind !== null)
  const kinds = departmentKinds.map((kind) => {
    const people = staff.filter((row) => row.department_kind === kind)
    return {
      kind,
      label: departmentKindLabels[kind].zh,
      staffed: people.length > 0,
      staff: people.map((row) => ({
        id: row.id,
        name: row.party.name,
        shift: row.shift ? `${row.shift.label ? `${row.shift.label} ` : ''}${row.shift.start}–${row.shift.end}` : null,
      })),
    }
  })
  const staffed = kinds.filter((k) => k.staffed).map((k) => k.kind)
  const missing = kinds.filter((k) => !k.staffed).map((k) => k.kind)
  return { zone: { id: zone.id, kind: zone.kind, code: zone.code, name: zone.name }, at, kinds, staffed, missing, complete: missing.length === 0 }
}

/**
 * The streets (in `readable`, a subquery of zone ids, when given; under `withinId` when given)
 * missing any of the six on `at`, by code; and how many streets were looked at.
 */
export async function sixStaffGaps(db: DbOrTx, at: string, options: { readable: RawBuilder<unknown> | null; withinId: number | null }) {
  const { rows } = await sql<{ id: number; code: string; name: string; kinds: DepartmentKind[] }>`
    WITH RECURSIVE under (id, depth) AS (
      SELECT id, 0 FROM zone WHERE id = ${options.withinId ?? -1}
      UNION ALL SELECT z.id, u.depth + 1 FROM zone z JOIN under u ON z.parent_id = u.id WHERE u.depth < 16)
    SELECT z.id, z.code, z.name,
      coalesce(array_agg(DISTINCT s.department_kind) FILTER (WHERE s.department_kind IS NOT NULL), '{}') AS kinds
    FROM zone z
    LEFT JOIN zone_staff s ON s.zone_id = z.id AND s.valid_from <= ${at}::date AND (s.valid_to IS NULL OR s.valid_to >= ${at}::date)
    WHERE z.kind = 'street'
      ${options.readable ? sql`AND z.id IN ${options.readable}` : sql``}
      ${options.withinId !== null ? sql`AND z.id IN (SELECT id FROM under)` : sql``}
    GROUP BY z.id, z.code, z.name
    ORDER BY z.code, z.id`.execute(db)
  const gaps = rows.flatMap((row) => {
    const present = new Set(parseKinds(row.kinds))
    const missing = departmentKinds.filter((kind) => !present.has(kind))
    if (missing.length === 0) return []
    return [{ zone: { id: row.id, kind: 'street' as const, code: row.code, name: row.name }, staffed: departmentKinds.filter((kind) => present.has(kind)), missing }]
  })
  return { at, streets: rows.length, gaps }
}

/** A text[] comes back as an array from pg and as '{a,b}' from some drivers: read both. */
function parseKinds(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[]
  if (typeof value === 'string') return value.replace(/^\{|\}$/g, '').split(',').filter(Boolean)
  return []
}
