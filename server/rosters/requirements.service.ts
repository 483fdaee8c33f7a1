import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { badRequest, DomainError, notFound } from '../errors.js'
import { isZoneKind, type ZoneKind } from '../kernel/zone-kinds.js'
import type { RequirementPeriod, StaffRole } from './roster-kinds.js'
import type { PutRequirementBody } from './rosters.schemas.js'
import type { ScopeCheck } from './staff.service.js'

/**
 * Required patrol frequencies (patrol_requirement, sql/015): per zone kind and role, and per zone,
 * where a zone's own row overrides its kind's row for that role. What a zone requires is what
 * assessment counts against (required.ts in server/assessment reads the same two tables).
 */

export interface RequirementView {
  id: number
  zone_kind: string | null
  zone: { id: number; kind: ZoneKind; code: string; name: string } | null
  role: StaffRole
  times: number
  per: RequirementPeriod
  version: number
}

interface RequirementRow {
  id: number
  zone_kind: string | null
  zone_id: number | null
  z_kind: ZoneKind | null
  z_code: string | null
  z_name: string | null
  role: StaffRole
  times: number
  per: RequirementPeriod
  version: number
}

const view = (row: RequirementRow): RequirementView => ({
  id: row.id,
  zone_kind: row.zone_kind,
  zone: row.zone_id === null ? null : { id: row.zone_id, kind: row.z_kind!, code: row.z_code!, name: row.z_name! },
  role: row.role,
  times: row.times,
  per: row.per,
  version: row.version,
})

const roleOrder = sql`array_position(ARRAY['chief','grid_worker','leader','department','volunteer','other'], r.role)`

/** The kinds' rows, and the zones' overrides (only those in `zonesInScope`, a subquery of ids, unless null). */
export async function listRequirements(db: DbOrTx, zonesInScope: ReturnType<typeof sql> | null): Promise<{ kinds: RequirementView[]; zones: RequirementView[] }> {
  const { rows } = await sql<RequirementRow>`
    SELECT r.id, r.zone_kind, r.zone_id, z.kind AS z_kind, z.code AS z_code, z.name AS z_name, r.role, r.times, r.per, r.version
    FROM patrol_requirement r LEFT JOIN zone z ON z.id = r.zone_id
    WHERE r.zone_id IS NULL ${zonesInScope ? sql`OR r.zone_id IN ${zonesInScope}` : sql`OR true`}
    ORDER BY r.zone_id NULLS FIRST, r.zone_kind, ${roleOrder}`.execute(db)
  return { kinds: rows.filter((r) => r.zone_id === null).map(view), zones: rows.filter((r) => r.zone_id !== null).map(view) }
}

export interface EffectiveRequirement {
  role: StaffRole
  times: number
  per: RequirementPeriod
  source: 'kind' | 'zone'
  requirement_id: number
}

/** What each role must patrol on each zone: its own row for the role, else its kind's. */
export async function effectiveRequirements(db: DbOrTx, zoneIds: readonly number[]): Promise<Map<number, EffectiveRequirement[]>> {
  const { rows } = await sql<{ zone_id: number; role: StaffRole; times: number; per: RequirementPeriod; source: 'kind' | 'zone'; requirement_id: number }>`
    SELECT DISTINCT ON (z.id, r.role) z.id AS zone_id, r.role, r.times, r.per,
           CASE WHEN r.zone_id IS NULL THEN 'kind' ELSE 'zone' END AS source, r.id AS requirement_id
    FROM zone z JOIN patrol_requirement r ON r.zone_id = z.id OR (r.zone_id IS NULL AND r.zone_kind = z.kind)
    WHERE z.id = ANY(${[...zoneIds]}::int4[])
    ORDER BY z.id, r.role, (r.zone_id IS NULL), ${roleOrder}`.execute(db)
  const byZone = new Map<number, EffectiveRequirement[]>(zoneIds.map((id) => [id, []]))
  const order = ['chief', 'grid_worker', 'leader', 'department', 'volunteer', 'other']
  for (const row of rows) byZone.get(row.zone_id)!.push({ role: row.role, times: row.times, per: row.per, source: row.source, requirement_id: row.requirement_id })
  for (const list of byZone.values()) list.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role))
  return byZone
}

/** The zone a requirement body is of (null: a kind's row), checked: one of zone_kind and zone_id, a kind that exists. */
export function requirementTarget(body: { zone_kind?: string | null | undefined; zone_id?: number | null | undefined }): { zoneKind: ZoneKind | null; zoneId: number | null } {
  const hasKind = body.zone_kind !== undefined && body.zone_kind !== null
  const hasZone = body.zone_id !== undefined && body.zone_id !== null
  if (hasKind === hasZone) {
    throw badRequest('invalid_request', 'Give either zone_kind (a kind’s requirement) or zone_id (one zone’s override), not both or neither', [
      { field: 'zone_id', reason: 'give exactly one of zone_kind and zone_id' },
    ])
  }
  if (hasKind && !isZoneKind(body.zone_kind!)) {
    throw badRequest('unknown_kind', `zone_kind: "${body.zone_kind}" is not a zone kind`, [{ field: 'zone_kind', reason: 'is not a zone kind' }])
  }
  return { zoneKind: hasKind ? (body.zone_kind as ZoneKind) : null, zoneId: hasZone ? body.zone_id! : null }
}

/** Sets one role's frequency for a kind or a zone: creates the row, or changes it at the version given. */
export async function putRequirement(db: Db, body: PutRequirementBody, options: ScopeCheck): Promise<{ created: boolean; requirement: RequirementView }> {
  const { zoneKind, zoneId } = requirementTarget(body)
  return db.transaction().execute(async (tx) => {
    if (zoneId !== null) {
      const { rows } = await sql`SELECT id FROM zone WHERE id = ${zoneId} FOR UPDATE`.execute(tx)
      if (rows.length === 0) throw notFound(`Zone ${zoneId}`)
    }
    await options.checkScope(tx)
    // The row of this target and role, locked; a concurrent first write of the same row waits on the unique index.
    const { rows: existing } = await sql<{ id: number; version: number }>`
      SELECT id, version FROM patrol_requirement
      WHERE role = ${body.role} AND ${zoneId === null ? sql`zone_id IS NULL AND zone_kind = ${zoneKind}` : sql`zone_id = ${zoneId}`}
      FOR UPDATE`.execute(tx)
    const row = existing[0]
    let id: number
    if (row) {
      if (body.version !== row.version) {
        throw new DomainError('version_conflict', `This requirement is at version ${row.version}${body.version === undefined ? '; send it as version' : `, not ${body.version}`}`, {
          current_version: row.version,
          current: await requirementById(tx, row.id),
        })
      }
      await sql`UPDATE patrol_requirement SET times = ${body.times}, per = ${body.per}, version = version + 1 WHERE id = ${row.id}`.execute(tx)
      id = row.id
    } else {
      const { rows } = await sql<{ id: number }>`
        INSERT INTO patrol_requirement (zone_kind, zone_id, role, times, per) VALUES (${zoneKind}, ${zoneId}, ${body.role}, ${body.times}, ${body.per})
        RETURNING id`.execute(tx)
      id = rows[0]!.id
    }
    return { created: !row, requirement: (await requirementById(tx, id))! }
  })
}

export async function requirementById(db: DbOrTx, id: number): Promise<RequirementView | undefined> {
  const { rows } = await sql<RequirementRow>`
    SELECT r.id, r.zone_kind, r.zone_id, z.kind AS z_kind, z.code AS z_code, z.name AS z_name, r.role, r.times, r.per, r.version
    FROM patrol_requirement r LEFT JOIN zone z ON z.id = r.zone_id WHERE r.id = ${id}`.execute(db)
  return rows[0] ? view(rows[0]) : undefined
}

/** Removes a requirement (a zone's override: the kind's row applies again) at the version given. */
export async function deleteRequirement(db: Db, id: number, version: number, options: ScopeCheck): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ version: number }>`SELECT version FROM patrol_requirement WHERE id = ${id} FOR UPDATE`.execute(tx)
    if (!rows[0]) throw notFound(`Requirement ${id}`)
    await options.checkScope(tx)
    if (rows[0].version !== version) {
      throw new DomainError('version_conflict', `This requirement is at version ${rows[0].version}, not ${version}`, {
        current_version: rows[0].version,
        current: await requirementById(tx, id),
      })
    }
    await sql`DELETE FROM patrol_requirement WHERE id = ${id}`.execute(tx)
  })
}
