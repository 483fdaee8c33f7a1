import { sql } from 'kysely'
import type { DbOrTx, ZoneRef } from '../db/database.js'
import { assignmentInForce, type Contact } from '../db/holders.js'
import { ancestorsOf } from '../db/zone-tree.js'

/**
 * The queries of resolution other than finding zones (locator.ts): zones by id, fall-back
 * parties and category routes up the zone tree.
 */

/** A zone as resolution reads it: how answers name it, and its parent. */
export interface ResolvedZone extends ZoneRef {
  parent_id: number | null
}

/** A party as resolution names it: by name and phone, without its id. */
export interface PublicContact {
  name: string
  phone: string | null
}

/** The department a category is routed to, and the zone whose route it is. */
export interface CategoryRoute {
  department: Contact
  via: ResolvedZone
}

export async function zoneRefs(db: DbOrTx, ids: readonly number[]): Promise<Map<number, ResolvedZone>> {
  if (ids.length === 0) return new Map()
  const { rows } = await sql<ResolvedZone>`
    SELECT id, kind, code, name, parent_id FROM zone WHERE id = ANY(${[...ids]}::int4[])`.execute(db)
  return new Map(rows.map((row) => [row.id, row]))
}

/**
 * For each starting jurisdiction, the nearest zone up its parent chain (itself first) that has a
 * fall-back party at `at`. Starts with none up the chain are absent from the map.
 */
export async function fallbackHolders(db: DbOrTx, startIds: readonly number[], at: string): Promise<Map<number, number>> {
  if (startIds.length === 0) return new Map()
  const { rows } = await sql<{ start_id: number; holder_id: number }>`
    WITH RECURSIVE ${ancestorsOf('up', startIds)}
    SELECT DISTINCT ON (up.start_id) up.start_id, up.id AS holder_id
    FROM up
    WHERE EXISTS (SELECT 1 FROM assignment a WHERE a.zone_id = up.id AND a.duty = 'fallback' AND ${assignmentInForce(at)})
    ORDER BY up.start_id, up.depth`.execute(db)
  return new Map(rows.map((row) => [row.start_id, row.holder_id]))
}

export async function findCategoryId(db: DbOrTx, name: string): Promise<number | null> {
  const row = await db.selectFrom('category').select('id').where('name', '=', name).executeTakeFirst()
  return row?.id ?? null
}

interface RouteRow {
  zone_id: number
  party_id: number
  party_name: string
  party_phone: string | null
  via_kind: ResolvedZone['kind']
  via_code: string
  via_name: string
  via_parent_id: number | null
}

const routeOf = (row: RouteRow): CategoryRoute => ({
  department: { id: row.party_id, name: row.party_name, phone: row.party_phone },
  via: { id: row.zone_id, kind: row.via_kind, code: row.via_code, name: row.via_name, parent_id: row.via_parent_id },
})

/** The department each of the given zones routes the category to, where it routes it. */
export async function categoryRoutes(db: DbOrTx, categoryId: number, zoneIds: readonly number[]): Promise<Map<number, CategoryRoute>> {
  if (zoneIds.length === 0) return new Map()
  const { rows } = await sql<RouteRow>`
    SELECT route.zone_id, department.id AS party_id, department.name AS party_name, department.phone AS party_phone,
      via.kind AS via_kind, via.code AS via_code, via.name AS via_name, via.parent_id AS via_parent_id
    FROM category_route route
    JOIN party department ON department.id = route.department_id
    JOIN zone via ON via.id = route.zone_id
    WHERE route.category_id = ${categoryId} AND route.zone_id = ANY(${[...zoneIds]}::int4[])`.execute(db)
  return new Map(rows.map((row) => [row.zone_id, routeOf(row)]))
}

/**
 * Routes inherited down the tree: for each zone, the route set at the zone itself or at its nearest
 * ancestor (parent_id), with the zone that sets it. Used when no zone covering the point routes
 * the category, e.g. the outer half of a boundary street, which lies outside its sub-district's
 * polygon but answers to it.
 */
export async function inheritedCategoryRoutes(db: DbOrTx, categoryId: number, zoneIds: readonly number[]): Promise<Map<number, CategoryRoute>> {
  if (zoneIds.length === 0) return new Map()
  const { rows } = await sql<RouteRow & { start_id: number }>`
    WITH RECURSIVE ${ancestorsOf('up', zoneIds)}
    SELECT DISTINCT ON (up.start_id) up.start_id, up.id AS zone_id,
      department.id AS party_id, department.name AS party_name, department.phone AS party_phone,
      via.kind AS via_kind, via.code AS via_code, via.name AS via_name, via.parent_id AS via_parent_id
    FROM up
    JOIN category_route route ON route.zone_id = up.id AND route.category_id = ${categoryId}
    JOIN party department ON department.id = route.department_id
    JOIN zone via ON via.id = up.id
    ORDER BY up.start_id, up.depth`.execute(db)
  return new Map(rows.map((row) => [row.start_id, routeOf(row)]))
}

/**
 * PostgreSQL prices a join of thousands of points with ST_Covers high enough to JIT-compile it,
 * which costs 50–100 ms per statement and saves nothing: turned off for the open transaction.
 */
export async function withoutJit(tx: DbOrTx): Promise<void> {
  await sql`SET LOCAL jit = off`.execute(tx)
}
