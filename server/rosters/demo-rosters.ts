import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import type { DepartmentKind, RequirementPeriod, StaffRole } from './roster-kinds.js'
import { splitDay } from './shifts.js'

/**
 * The demo district's rosters (data/demo/rosters.json, docs/rosters.md), loaded after its zones.
 * Idempotent: a row already there (same zone, person, role, kind and shift start) is not added
 * again, a requirement already set is left as it is, so loading twice changes nothing.
 */
export const DEMO_ROSTERS = fileURLToPath(new URL('../../data/demo/rosters.json', import.meta.url))

interface Person { name: string; phone: string; title?: string }
interface StaffEntry {
  person: Person
  role: StaffRole
  department_kind?: DepartmentKind
  shift?: { label: string; start: string; end: string }
  duties?: string
  standards?: string
  shown_publicly?: boolean
}
interface DemoRosters {
  since: string
  grid_workers: { shift: { label: string; start: string; end: string }; duties: string; standards: string; shown_publicly: boolean }
  streets: {
    code: string
    shifts?: { role: StaffRole; department_kind: DepartmentKind; start: string; end: string; count: number; people: Person[]; duties: string; standards: string; shown_publicly: boolean }
    staff?: StaffEntry[]
  }[]
  requirements: { zone_kind?: string; zone?: string; role: StaffRole; times: number; per: RequirementPeriod }[]
}

/** A person of the demo as a party: the one of that name and phone (a chief already named), or a new one. */
async function personParty(tx: DbOrTx, person: Person): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    SELECT id FROM party WHERE name = ${person.name} AND phone = ${person.phone} AND type <> 'department' ORDER BY id LIMIT 1`.execute(tx)
  if (rows[0]) return rows[0].id
  const inserted = await sql<{ id: number }>`
    INSERT INTO party (type, name, phone, title) VALUES ('chief', ${person.name}, ${person.phone}, ${person.title ?? null}) RETURNING id`.execute(tx)
  return inserted.rows[0]!.id
}

async function addStaff(tx: DbOrTx, zoneId: number, partyId: number, since: string, entry: Omit<StaffEntry, 'person'>): Promise<boolean> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO zone_staff (zone_id, party_id, role, department_kind, shift_label, shift_start, shift_end, duties, standards, shown_publicly, valid_from)
    SELECT ${zoneId}, ${partyId}, ${entry.role}, ${entry.department_kind ?? null}, ${entry.shift?.label ?? null}, ${entry.shift?.start ?? null}::time,
           ${entry.shift?.end ?? null}::time, ${entry.duties ?? null}, ${entry.standards ?? null}, ${entry.shown_publicly ?? false}, ${since}::date
    WHERE NOT EXISTS (
      SELECT 1 FROM zone_staff WHERE zone_id = ${zoneId} AND party_id = ${partyId} AND role = ${entry.role}
        AND department_kind IS NOT DISTINCT FROM ${entry.department_kind ?? null}
        AND shift_start IS NOT DISTINCT FROM ${entry.shift?.start ?? null}::time)
    RETURNING id`.execute(tx)
  return rows.length > 0
}

async function zoneIdOf(tx: DbOrTx, kind: string, code: string): Promise<number | undefined> {
  const { rows } = await sql<{ id: number }>`SELECT id FROM zone WHERE kind = ${kind} AND code = ${code} ORDER BY id LIMIT 1`.execute(tx)
  return rows[0]?.id
}

/** Loads the demo rosters; answers how many staff rows and requirements it added. */
export async function loadDemoRosters(db: Db): Promise<{ staff: number; requirements: number }> {
  const demo = JSON.parse(await readFile(DEMO_ROSTERS, 'utf8')) as DemoRosters
  return db.transaction().execute(async (tx) => {
    let staff = 0
    let requirements = 0
    // Every grid's current 网格长 is on duty on it as its grid worker (the demo grid worker's party among them).
    const { rows: grids } = await sql<{ zone_id: number; party_id: number }>`
      SELECT a.zone_id, a.party_id FROM assignment a JOIN zone z ON z.id = a.zone_id
      WHERE z.kind = 'grid' AND a.duty = 'chief' AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())
      ORDER BY z.code`.execute(tx)
    for (const grid of grids) {
      if (await addStaff(tx, grid.zone_id, grid.party_id, demo.since, { role: 'grid_worker', ...demo.grid_workers })) staff++
    }
    for (const street of demo.streets) {
      const zoneId = await zoneIdOf(tx, 'street', street.code)
      if (zoneId === undefined) continue
      if (street.shifts) {
        const plan = street.shifts
        const shifts = splitDay(plan.start, plan.end, plan.count)
        for (const [index, shift] of shifts.entries()) {
          const partyId = await personParty(tx, plan.people[index]!)
          const entry = { role: plan.role, department_kind: plan.department_kind, shift, duties: plan.duties, standards: plan.standards, shown_publicly: plan.shown_publicly }
          if (await addStaff(tx, zoneId, partyId, demo.since, entry)) staff++
        }
      }
      for (const entry of street.staff ?? []) {
        if (await addStaff(tx, zoneId, await personParty(tx, entry.person), demo.since, entry)) staff++
      }
    }
    for (const requirement of demo.requirements) {
      const zoneId = requirement.zone ? await zoneIdOf(tx, 'street', requirement.zone) : null
      if (requirement.zone && zoneId === undefined) continue
      const { rows } = await sql`
        INSERT INTO patrol_requirement (zone_kind, zone_id, role, times, per)
        SELECT ${requirement.zone_kind ?? null}, ${zoneId}::int4, ${requirement.role}, ${requirement.times}, ${requirement.per}
        WHERE NOT EXISTS (
          SELECT 1 FROM patrol_requirement WHERE role = ${requirement.role}
            AND ${zoneId === null ? sql`zone_id IS NULL AND zone_kind = ${requirement.zone_kind ?? null}` : sql`zone_id = ${zoneId}`})
        RETURNING id`.execute(tx)
      requirements += rows.length
    }
    return { staff, requirements }
  })
}
