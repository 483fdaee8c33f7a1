import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { ancestorsOf } from '../db/zone-tree.js'
import type { ZoneKind } from '../kernel/zone-kinds.js'

export interface CategoryRow {
  id: number
  name: string
}

export interface ZoneCategoryRoute {
  category: string
  department: { id: number; name: string; phone: string | null }
  /** The zone that sets this route: the zone itself, or the nearest ancestor that does. */
  via: { id: number; code: string; kind: ZoneKind }
  inherited: boolean
}

export async function listCategories(db: DbOrTx): Promise<CategoryRow[]> {
  return db.selectFrom('category').select(['id', 'name']).orderBy('name').execute()
}

/** Issue 10: a category with its code, conditions, time limit, public flag and version (sql/009). */
export interface CategoryDetailRow {
  id: number
  name: string
  code: string | null
  filing_condition: string | null
  closing_condition: string | null
  limit: { value: number; unit: 'working_hours' | 'working_days' | 'hours' | 'days' } | null
  public: boolean
  version: number
}

interface DetailColumns extends Omit<CategoryDetailRow, 'limit'> {
  limit_value: number | null
  limit_unit: 'working_hours' | 'working_days' | 'hours' | 'days' | null
}

const detailOf = ({ limit_value, limit_unit, ...row }: DetailColumns): CategoryDetailRow => ({
  ...row,
  limit: limit_value !== null && limit_unit !== null ? { value: limit_value, unit: limit_unit } : null,
})

export async function listCategoryDetails(db: DbOrTx, id?: number, options: { forUpdate?: boolean } = {}): Promise<CategoryDetailRow[]> {
  const { rows } = await sql<DetailColumns>`
    SELECT id, name, code, filing_condition, closing_condition, limit_value, limit_unit, public, version
      FROM category ${id === undefined ? sql`` : sql`WHERE id = ${id}`} ORDER BY name ${options.forUpdate ? sql`FOR UPDATE` : sql``}`.execute(db)
  return rows.map(detailOf)
}

export async function updateCategoryDetail(
  db: DbOrTx,
  id: number,
  fields: Omit<CategoryDetailRow, 'id' | 'name' | 'version'>,
): Promise<void> {
  await sql`
    UPDATE category SET code = ${fields.code}, filing_condition = ${fields.filing_condition}, closing_condition = ${fields.closing_condition},
           limit_value = ${fields.limit?.value ?? null}, limit_unit = ${fields.limit?.unit ?? null}, public = ${fields.public}, version = version + 1
     WHERE id = ${id}`.execute(db)
}

export async function findCategoryByName(db: DbOrTx, name: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('category').select(['id', 'name']).where('name', '=', name).executeTakeFirst()
}

export async function insertCategory(db: DbOrTx, name: string): Promise<CategoryRow> {
  return db.insertInto('category').values({ name }).returning(['id', 'name']).executeTakeFirstOrThrow()
}

/**
 * Each category's route as seen from a zone: set on the zone itself, or inherited from the nearest
 * ancestor (by parent links) that sets it.
 */
export async function routesForZone(db: DbOrTx, zoneId: number): Promise<ZoneCategoryRoute[]> {
  const { rows } = await sql<{
    category: string
    department_id: number
    department_name: string
    department_phone: string | null
    via_id: number
    via_code: string
    via_kind: ZoneKind
    depth: number
  }>`
    WITH RECURSIVE ${ancestorsOf('ancestry', [zoneId])}
    SELECT DISTINCT ON (c.name) c.name AS category, d.id AS department_id, d.name AS department_name,
           d.phone AS department_phone, z.id AS via_id, z.code AS via_code, z.kind AS via_kind, ancestry.depth
    FROM ancestry
    JOIN category_route r ON r.zone_id = ancestry.id
    JOIN category c ON c.id = r.category_id
    JOIN party d ON d.id = r.department_id
    JOIN zone z ON z.id = ancestry.id
    ORDER BY c.name, ancestry.depth`.execute(db)
  return rows.map((row) => ({
    category: row.category,
    department: { id: row.department_id, name: row.department_name, phone: row.department_phone },
    via: { id: row.via_id, code: row.via_code, kind: row.via_kind },
    inherited: row.depth > 0,
  }))
}

export async function setRoute(db: DbOrTx, zoneId: number, categoryId: number, departmentId: number): Promise<void> {
  await db
    .insertInto('category_route')
    .values({ zone_id: zoneId, category_id: categoryId, department_id: departmentId })
    .onConflict((oc) => oc.columns(['zone_id', 'category_id']).doUpdateSet({ department_id: departmentId }))
    .execute()
}

export async function deleteRoute(db: DbOrTx, zoneId: number, categoryId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('category_route')
    .where('zone_id', '=', zoneId)
    .where('category_id', '=', categoryId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
