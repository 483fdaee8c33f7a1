import { placeOf, withAuditEffect } from '../coverage/audit-effect.js'
import type { AuditEffect } from '../coverage/coverage.schemas.js'
import type { Db, DbOrTx } from '../db/database.js'
import { sql } from 'kysely'
import { DomainError, notFound, type ErrorDetail } from '../errors.js'
import type { AuditOption } from '../zones/zones.service.js'
import { findZoneById } from '../zones/zones.repository.js'
import { findDepartmentByName, findPartyById } from '../parties/parties.repository.js'
import type { PatchCategoryBody } from './categories.schemas.js'
import {
  deleteRoute,
  listCategoryDetails,
  updateCategoryDetail,
  type CategoryDetailRow,
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

// Issue 10 (deadlines): a category's code, filing and closing conditions, time limit and public flag.

const LIMIT_UNITS = ['working_hours', 'working_days', 'hours', 'days'] as const
type LimitUnitName = (typeof LIMIT_UNITS)[number]

function readLimit(limit: { value?: number; unit?: string } | null): CategoryDetailRow['limit'] {
  if (limit === null) return null
  const details: ErrorDetail[] = []
  if ((limit.value === undefined) !== (limit.unit === undefined)) details.push({ field: limit.value === undefined ? 'limit.value' : 'limit.unit', reason: 'give both value and unit, or limit: null' })
  if (limit.value === undefined && limit.unit === undefined) details.push({ field: 'limit', reason: 'give both value and unit, or limit: null' })
  if (limit.value !== undefined && (!Number.isInteger(limit.value) || limit.value < 1 || limit.value > 10_000)) details.push({ field: 'limit.value', reason: 'must be a whole number from 1 to 10000' })
  if (limit.unit !== undefined && !(LIMIT_UNITS as readonly string[]).includes(limit.unit)) details.push({ field: 'limit.unit', reason: `must be one of ${LIMIT_UNITS.join(', ')}` })
  if (details.length) throw new DomainError('invalid_limit', `Invalid time limit: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`, details)
  return { value: limit.value!, unit: limit.unit as LimitUnitName }
}

const optionalText = (value: string | null | undefined, current: string | null): string | null =>
  value === undefined ? current : value === null || value.trim() === '' ? null : value.trim()

export async function updateCategory(db: Db, id: number, input: PatchCategoryBody): Promise<CategoryDetailRow> {
  const limit = input.limit === undefined ? undefined : readLimit(input.limit)
  const code = input.code === undefined ? undefined : input.code === null || input.code.trim() === '' ? null : input.code.trim()
  if (code !== undefined && code !== null && !/^[A-Za-z0-9._-]{1,32}$/.test(code)) {
    throw new DomainError('invalid_code', `A category code has 1 to 32 letters, digits, ".", "_" or "-"`, [{ field: 'code', reason: 'must match [A-Za-z0-9._-]{1,32}' }])
  }
  return db.transaction().execute(async (tx) => {
    const current = (await listCategoryDetails(tx, id, { forUpdate: true }))[0]
    if (!current) throw notFound(`Category ${id}`)
    if (current.version !== input.version) {
      throw new DomainError('version_conflict', `The category was changed by someone else: you sent version ${input.version}, it is now at ${current.version}`, {
        current_version: current.version,
        current,
      })
    }
    if (code) {
      const other = await tx.selectFrom('category').select('id').where(sql<boolean>`code = ${code} AND id <> ${id}`).executeTakeFirst()
      if (other) throw new DomainError('duplicate_category', `Category ${other.id} already has the code ${code}`, [{ field: 'code', reason: 'already used' }])
    }
    await updateCategoryDetail(tx, id, {
      code: code === undefined ? current.code : code,
      filing_condition: optionalText(input.filing_condition, current.filing_condition),
      closing_condition: optionalText(input.closing_condition, current.closing_condition),
      limit: limit === undefined ? current.limit : limit,
      public: input.public ?? current.public,
    })
    return (await listCategoryDetails(tx, id))[0]!
  })
}
