import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx as Db } from '../db/database.js'
import type { Duty, ZoneKind } from '../kernel/zone-kinds.js'
import { asGeoJson, simplest, type Geometry } from '../db/geo-sql.js'
import { subtreeOf } from '../db/zone-tree.js'
import { chunks } from './transfer.repository.js'

/** The queries behind GET /api/export. `zoneIds` null means every zone. */

export async function findRootZones(db: Db, code: string, kind: ZoneKind | undefined): Promise<{ id: number; kind: ZoneKind }[]> {
  let query = db.selectFrom('zone').select(['id', 'kind']).where('code', '=', code)
  if (kind) query = query.where('kind', '=', kind)
  return query.execute()
}

export interface ExportZoneRow {
  id: number
  kind: ZoneKind
  code: string
  name: string
  parent_code: string | null
  parent_kind: ZoneKind | null
  street_class: string | null
  width_m: number | null
  geometry: Geometry
}

/** Zones with their native geometry: the centre line of a line, else the area (one polygon as a Polygon). */
export async function findExportZones(db: Db, rootId: number | null, within: RawBuilder<unknown> | null = null): Promise<ExportZoneRow[]> {
  const subtree = rootId === null
    ? sql`WHERE true`
    : sql`WHERE z.id IN (WITH RECURSIVE ${subtreeOf('tree', rootId)} SELECT id FROM tree)`
  const scoped = within === null ? sql`` : sql`AND z.id IN ${within}`
  const { rows } = await sql<ExportZoneRow>`
    SELECT z.id, z.kind, z.code, z.name, p.code AS parent_code, p.kind AS parent_kind, z.street_class, z.width_m,
           ${asGeoJson(sql`coalesce(z.centerline, ${simplest(sql.ref('z.area'))})`)} AS geometry
    FROM zone z
    LEFT JOIN zone p ON p.id = z.parent_id
    ${subtree} ${scoped}
    ORDER BY z.id`.execute(db)
  return rows
}

export interface ExportAssignmentRow {
  zone_id: number
  duty: Duty
  valid_from: Date
  valid_to: Date | null
  name: string
  phone: string | null
  title: string | null
  role: string | null
}

/** Assignments in start order, so that the last open one of a duty is its current holder. */
export async function findExportAssignments(db: Db, zoneIds: number[] | null): Promise<ExportAssignmentRow[]> {
  const base = db
    .selectFrom('assignment as a')
    .innerJoin('party as p', 'p.id', 'a.party_id')
    .select(['a.zone_id', 'a.duty', 'a.valid_from', 'a.valid_to', 'p.name', 'p.phone', 'p.title', 'p.role'])
    .orderBy('a.zone_id')
    .orderBy('a.valid_from')
    .orderBy('a.id')
  if (zoneIds === null) return toDates(await base.execute())
  const rows: ExportAssignmentRow[] = []
  for (const batch of chunks(zoneIds, 5000)) rows.push(...toDates(await base.where('a.zone_id', 'in', batch).execute()))
  return rows
}

// Both drivers return timestamptz as Date; a string (another driver setting) is parsed the same way.
function toDates<T extends { valid_from: Date | string; valid_to: Date | string | null }>(rows: T[]): (T & { valid_from: Date; valid_to: Date | null })[] {
  return rows.map((row) => ({
    ...row,
    valid_from: new Date(row.valid_from),
    valid_to: row.valid_to === null ? null : new Date(row.valid_to),
  }))
}

export interface ExportRouteRow {
  zone_id: number
  category: string
  department: string
}

export async function findExportRoutes(db: Db, zoneIds: number[] | null): Promise<ExportRouteRow[]> {
  const base = db
    .selectFrom('category_route as r')
    .innerJoin('category as c', 'c.id', 'r.category_id')
    .innerJoin('party as d', 'd.id', 'r.department_id')
    .select(['r.zone_id', 'c.name as category', 'd.name as department'])
  if (zoneIds === null) return base.execute()
  const rows: ExportRouteRow[] = []
  for (const batch of chunks(zoneIds, 5000)) rows.push(...(await base.where('r.zone_id', 'in', batch).execute()))
  return rows
}

export async function listDepartments(db: Db): Promise<{ name: string; phone: string | null }[]> {
  return db.selectFrom('party').select(['name', 'phone']).where('type', '=', 'department').execute()
}

export async function listCategoryNames(db: Db): Promise<string[]> {
  return (await db.selectFrom('category').select('name').execute()).map((row) => row.name)
}
