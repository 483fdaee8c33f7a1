import { sql, type RawBuilder } from 'kysely'
import { zoneRowColumns, type DbOrTx, type ZoneRef, type ZoneRow } from '../db/database.js'
import { isLineKind, type ZoneKind } from '../kernel/zone-kinds.js'
import { areaOnGround, asGeoJson, asMulti, emptyArea, simplest, envelope, intersects, lengthM, type Geometry } from '../db/geo-sql.js'
import { kindRank } from '../db/kind-sql.js'
import { subtreeOf } from '../db/zone-tree.js'
import { emptyHolders, holdersAt } from '../db/holders.js'
import { containsPattern, idsIn } from '../db/sql-lists.js'
import type { Geometry as GeoJsonGeometry } from '../kernel/schemas.js'
import { cleanGeometry } from './zone-checks.js'
import type { ZoneFeature, ZoneProperties } from './zones.schemas.js'

export type { ZoneFeature, ZoneProperties }

export interface ZoneFilters {
  kinds?: readonly ZoneKind[]
  /** west, south, east, north in degrees: zones whose owned area meets the box. */
  bbox?: readonly [number, number, number, number]
  /** Zones whose parent has this code (of whatever kind). */
  parentCode?: string
  ids?: readonly number[]
  /** Only zones whose id is in this subquery (the caller's scope, server/auth/scope.ts). */
  within?: RawBuilder<unknown> | null
  /** Part of the name or code, case-insensitive. */
  q?: string
  /** Keyset paging: only zones with a greater id, listed in id order instead of kind order. */
  afterId?: number
  limit?: number
  /** `native`: centre line for lines, polygon otherwise; `area`: the area the zone owns. */
  geometry?: 'native' | 'area'
  at?: Date
}

export async function findZoneById(db: DbOrTx, id: number, options: { forUpdate?: boolean } = {}): Promise<ZoneRow | undefined> {
  let query = db.selectFrom('zone').select(zoneRowColumns).where('id', '=', id)
  if (options.forUpdate) query = query.forUpdate()
  return query.executeTakeFirst()
}

export async function findZoneByCode(db: DbOrTx, kind: ZoneKind, code: string): Promise<ZoneRow | undefined> {
  return db.selectFrom('zone').select(zoneRowColumns).where('kind', '=', kind).where('code', '=', code).executeTakeFirst()
}

/** Zones of any of `kinds` with this code: a parent named by code alone may be of several kinds. */
export async function findZonesByCode(db: DbOrTx, kinds: readonly ZoneKind[], code: string): Promise<ZoneRow[]> {
  if (kinds.length === 0) return []
  return db.selectFrom('zone').select(zoneRowColumns).where('kind', 'in', kinds).where('code', '=', code).orderBy('id').execute()
}

/** A polygon when the area has one part (what editors expect), the multipolygon otherwise. */
function simplestArea(): RawBuilder<unknown> {
  return simplest(sql.ref('z.area'))
}

interface FeatureRow extends ZoneRow {
  parent_code: string | null
  geometry: GeoJsonGeometry
  area_m2: number
  length_m: number | null
  updated_at: Date | string
  children_count?: number
}

/** The zones the filters select (every filter but paging), with their parents joined as `p`. */
function matchingZones(db: DbOrTx, filters: ZoneFilters) {
  let query = db.selectFrom('zone as z').leftJoin('zone as p', 'p.id', 'z.parent_id')
  if (filters.kinds && filters.kinds.length > 0) query = query.where('z.kind', 'in', filters.kinds)
  if (filters.ids) query = query.where(sql<boolean>`z.id IN ${idsIn(filters.ids)}`)
  if (filters.within) query = query.where(sql<boolean>`z.id IN ${filters.within}`)
  if (filters.bbox) {
    const [west, south, east, north] = filters.bbox
    query = query.where(intersects(sql.ref('z.area'), envelope(west, south, east, north)))
  }
  if (filters.parentCode !== undefined) query = query.where('p.code', '=', filters.parentCode)
  if (filters.q) {
    const pattern = containsPattern(filters.q)
    query = query.where((eb) => eb.or([eb('z.name', 'ilike', pattern), eb('z.code', 'ilike', pattern)]))
  }
  return query
}

export async function listZoneFeatures(db: DbOrTx, filters: ZoneFilters = {}): Promise<ZoneFeature[]> {
  if (filters.ids?.length === 0) return []
  const geometry =
    filters.geometry === 'area' ? simplestArea() : sql`COALESCE(z.centerline, ${simplestArea()})`
  let query = matchingZones(db, filters).select([
    'z.id', 'z.kind', 'z.code', 'z.name', 'z.parent_id', 'z.street_class', 'z.width_m', 'z.version', 'z.updated_at',
    'p.code as parent_code',
    asGeoJson(geometry).as('geometry'),
    areaOnGround(sql.ref('z.area')).as('area_m2'),
    sql<number | null>`CASE WHEN z.centerline IS NULL THEN NULL ELSE ${lengthM(sql.ref('z.centerline'))} END`.as('length_m'),
  ])
  if (filters.afterId !== undefined) {
    // Keyset paging walks the primary key, so that a page costs the same however deep it is and
    // a zone written meanwhile cannot shift the pages after it.
    query = query.where('z.id', '>', filters.afterId).orderBy('z.id')
  } else {
    // Least specific first, so that a map draws jurisdictions under grids under streets.
    query = query.orderBy(kindRank(sql.ref('z.kind'))).orderBy('z.code')
  }
  if (filters.limit !== undefined) query = query.limit(filters.limit)
  const rows = (await query.execute()) as FeatureRow[]
  return toFeatures(db, rows, filters.at)
}

/** How many zones the filters select, ignoring `afterId` and `limit`. */
export async function countZones(db: DbOrTx, filters: ZoneFilters = {}): Promise<number> {
  if (filters.ids?.length === 0) return 0
  const row = await matchingZones(db, filters).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  return Number(row.count)
}

export async function zoneFeatureById(
  db: DbOrTx,
  id: number,
  options: { geometry?: 'native' | 'area'; at?: Date } = {},
): Promise<ZoneFeature | undefined> {
  const [feature] = await listZoneFeatures(db, {
    ids: [id],
    ...(options.geometry ? { geometry: options.geometry } : {}),
    ...(options.at ? { at: options.at } : {}),
  })
  if (!feature) return undefined
  const children = await db
    .selectFrom('zone')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('parent_id', '=', id)
    .executeTakeFirstOrThrow()
  feature.properties.children_count = Number(children.count)
  return feature
}

async function toFeatures(db: DbOrTx, rows: FeatureRow[], at?: Date): Promise<ZoneFeature[]> {
  const holders = await holdersAt(
    db,
    rows.map((row) => row.id),
    at,
  )
  return rows.map((row) => ({
    type: 'Feature',
    id: row.id,
    geometry: row.geometry,
    properties: {
      id: row.id,
      kind: row.kind,
      code: row.code,
      name: row.name,
      parent_id: row.parent_id,
      parent_code: row.parent_code,
      street_class: row.street_class,
      width_m: row.width_m,
      version: row.version,
      area_m2: Number(row.area_m2),
      length_m: row.length_m === null ? null : Number(row.length_m),
      updated_at: new Date(row.updated_at).toISOString(),
      ...(holders.get(row.id) ?? emptyHolders()),
    },
  }))
}

export interface ZoneWrite extends Omit<ZoneRow, 'id' | 'version'> {
  geometry: Geometry
}

/** Lines are written as their centre line; the schema's trigger derives the area they own. */
function geometryColumns(kind: ZoneKind, geometry: Geometry) {
  return isLineKind(kind)
    ? { centerline: cleanGeometry(geometry), area: emptyArea() }
    : { centerline: null, area: asMulti(cleanGeometry(geometry)) }
}

export async function insertZone(db: DbOrTx, zone: ZoneWrite): Promise<number> {
  const row = await db
    .insertInto('zone')
    .values({
      kind: zone.kind,
      code: zone.code,
      name: zone.name,
      parent_id: zone.parent_id,
      street_class: zone.street_class,
      width_m: zone.width_m,
      ...geometryColumns(zone.kind, zone.geometry),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export type ZonePatch = Partial<Omit<ZoneWrite, 'kind'>>

/** Applies the patch and bumps the version; the caller has locked the row and checked its version. */
export async function updateZoneRow(db: DbOrTx, id: number, kind: ZoneKind, patch: ZonePatch): Promise<void> {
  const { geometry, ...fields } = patch
  await db
    .updateTable('zone')
    .set({
      ...fields,
      ...(geometry ? geometryColumns(kind, geometry) : {}),
      version: sql<number>`version + 1`,
    })
    .where('id', '=', id)
    .execute()
}

export async function listChildren(db: DbOrTx, id: number, limit: number): Promise<{ total: number; children: ZoneRef[] }> {
  const children = await db
    .selectFrom('zone')
    .select(['id', 'kind', 'code', 'name'])
    .where('parent_id', '=', id)
    .orderBy('kind')
    .orderBy('code')
    .limit(limit)
    .execute()
  const total = await db
    .selectFrom('zone')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('parent_id', '=', id)
    .executeTakeFirstOrThrow()
  return { total: Number(total.count), children }
}

/** Deletes the zone and everything below it, deepest first (parent links restrict deletion). */
export async function deleteSubtree(db: DbOrTx, id: number): Promise<number> {
  const { rows } = await sql<{ id: number; depth: number }>`
    WITH RECURSIVE ${subtreeOf('subtree', id)}
    SELECT id, depth FROM subtree ORDER BY depth DESC`.execute(db)
  const byDepth = new Map<number, number[]>()
  for (const row of rows) byDepth.set(row.depth, [...(byDepth.get(row.depth) ?? []), row.id])
  for (const depth of [...byDepth.keys()].sort((a, b) => b - a)) {
    await db.deleteFrom('zone').where(sql<boolean>`id IN ${idsIn(byDepth.get(depth)!)}`).execute()
  }
  return rows.length
}
