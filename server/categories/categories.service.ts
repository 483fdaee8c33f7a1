import { placeOf, withAuditEffect } from '../coverage/audit-effect.js'
import type { AuditEffect } from '../coverage/coverage.schemas.js'
import type { Db, DbOrTx } from '../db/database.js'
import { DomainError, notFound } from '../errors.js'
import type { AuditOption } from '../zones/zones.service.js'
import { findZoneById } from '../zones/zones.repository.js'
import { findDepartmentByName, findPartyById } from '../parties/parties.repository.js'
import {
  deleteRoute,
  findCategoryByName,
  insertCategory,
  routesForZone,
  setRoute,
  type CategoryRow,
  type ZoneCategoryRoute,
} from './categories.repository.js'

function readCategoryName(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length === 0 || trimmed.length > 100) {
    throw new DomainError('invalid_name', 'A category name has 1 to 100 characters', [{ field: 'name', reason: 'must have 1 to 100 characters' }])
  }
  return trimmed
}

export async function createCategory(db: Db, name: string): Promise<CategoryRow> {
  const trimmed = readCategoryName(name)
  return db.transaction().execute(async (tx) => {
    const existing = await findCategoryByName(tx, trimmed)
    if (existing) {
      throw new DomainError('duplicate_category', `The category ${trimmed} already exists (id ${existing.id})`, [
        { field: 'name', reason: 'already exists' },
      ])
    }
    return insertCategory(tx, trimmed)
  })
}

export async function zoneCategoryRoutes(db: Db, zoneId: number): Promise<ZoneCategoryRoute[]> {
  if (!(await findZoneById(db, zoneId))) throw notFound(`Zone ${zoneId}`)
  return routesForZone(db, zoneId)
}

async function requireCategory(db: DbOrTx, name: string): Promise<CategoryRow> {
  const category = await findCategoryByName(db, name)
  if (!category) {
    throw new DomainError('unknown_category', `No category ${name}; create it first with POST /api/categories`, [
      { field: 'params.category', reason: 'no such category' },
    ])
  }
  return category
}

export async function setZoneCategoryRoute(
  db: Db,
  zoneId: number,
  categoryName: string,
  input: { department?: string; department_id?: number },
  options: AuditOption = {},
): Promise<{ route: ZoneCategoryRoute; audit?: AuditEffect }> {
  if ((input.department === undefined) === (input.department_id === undefined)) {
    throw new DomainError('invalid_department', 'Give either department (a name) or department_id', [
      { field: 'department', reason: 'give either department (its name) or department_id' },
    ])
  }
  return db.transaction().execute(async (tx) => {
    const zone = await findZoneById(tx, zoneId, { forUpdate: true })
    if (!zone) throw notFound(`Zone ${zoneId}`)
    await options.checkScope?.(tx)
    const category = await requireCategory(tx, categoryName)
    const department =
      input.department_id !== undefined ? await findPartyById(tx, input.department_id) : await findDepartmentByName(tx, input.department!.trim())
    const field = input.department_id !== undefined ? 'department_id' : 'department'
    if (!department) {
      throw new DomainError('unknown_department', `No department ${input.department ?? `with id ${input.department_id}`}`, [
        { field, reason: 'no such department; create it with POST /api/parties {type: "department", …}' },
      ])
    }
    if (department.type !== 'department') {
      throw new DomainError('party_type_mismatch', `${department.name} is a ${department.type}, not a department`, [
        { field, reason: 'must name a department' },
      ])
    }
    const { result, audit } = await withAuditEffect(tx, options.audit ?? true, [placeOf(zone)], async () => {
      await setRoute(tx, zoneId, category.id, department.id)
      return { result: (await routesForZone(tx, zoneId)).find((route) => route.category === category.name)! }
    })
    return { route: result, ...(audit ? { audit } : {}) }
  })
}

export async function deleteZoneCategoryRoute(
  db: Db,
  zoneId: number,
  categoryName: string,
  options: AuditOption = {},
): Promise<{ audit?: AuditEffect }> {
  return db.transaction().execute(async (tx) => {
    const zone = await findZoneById(tx, zoneId)
    if (!zone) throw notFound(`Zone ${zoneId}`)
    await options.checkScope?.(tx)
    const category = await requireCategory(tx, categoryName)
    const own = await tx
      .selectFrom('category_route')
      .select('zone_id')
      .where('zone_id', '=', zoneId)
      .where('category_id', '=', category.id)
      .executeTakeFirst()
    if (!own) throw new DomainError('not_found', `Zone ${zoneId} sets no route of its own for ${categoryName}`)
    const { audit } = await withAuditEffect(tx, options.audit ?? true, [placeOf(zone)], async () => {
      await deleteRoute(tx, zoneId, category.id)
      return { result: null }
    })
    return audit ? { audit } : {}
  })
}
