import { sql } from 'kysely'
import type { DbOrTx, PartyRow as StoredPartyRow, PartyType } from '../db/database.js'
import { jurisdictionKinds, type Duty, type ZoneKind } from '../kernel/zone-kinds.js'
import { asMulti, bufferM, emptyArea, geomFromGeoJsonText, interiorsMeet, type Geometry } from '../db/geo-sql.js'
import { kindIn } from '../db/kind-sql.js'
import { isDatabaseFailure } from '../db/postgres-pool.js'
import type { ErrorDetail } from '../errors.js'
import { cleanGeometry, sqlGeometryProblemsBatch } from '../zones/zone-checks.js'

/** Statements stay well under PostgreSQL's 65,535 parameters and keep memory flat on big files. */
export const BATCH_SIZE = 500

export function chunks<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export interface StoredZone {
  id: number
  kind: ZoneKind
  code: string
  width_m: number | null
}

/** Stored zones whose code is one of `codes`, of any kind (callers match on kind and code). */
export async function findZonesByCode(db: DbOrTx, codes: readonly string[]): Promise<StoredZone[]> {
  const found: StoredZone[] = []
  for (const batch of chunks([...new Set(codes)], 5000)) {
    found.push(
      ...(await db.selectFrom('zone').select(['id', 'kind', 'code', 'width_m']).where('code', 'in', batch).execute()),
    )
  }
  return found
}

export interface GeometryProblem {
  index: number
  field: string
  reason: string
}

/**
 * PostGIS's own verdict on each geometry (self-intersections, rings that touch), with the place,
 * so that the file is refused with the feature named before any row is written. `between` runs
 * between two statements (on the embedded database: stepping aside for other requests).
 */
export async function findInvalidGeometries(
  db: DbOrTx,
  geometries: { index: number; geometry: Geometry }[],
  between?: () => Promise<void>,
): Promise<GeometryProblem[]> {
  const problems: GeometryProblem[] = []
  const add = (details: ErrorDetail[]) => {
    for (const { index, field, reason } of details) problems.push({ index: index!, field: field ?? 'geometry', reason })
  }
  for (const [number, batch] of chunks(geometries, 1000).entries()) {
    if (number > 0) await between?.()
    try {
      add(await sqlGeometryProblemsBatch(db, batch))
    } catch (error) {
      // The database away is no fault of the file's (503), and would fail each one-by-one retry too.
      if (isDatabaseFailure(error)) throw error
      // A geometry PostGIS cannot even read fails the whole statement: find it one by one.
      for (const one of batch) {
        try {
          add(await sqlGeometryProblemsBatch(db, [one]))
        } catch (error) {
          if (isDatabaseFailure(error)) throw error
          problems.push({ index: one.index, field: 'geometry', reason: `PostGIS cannot read it: ${firstLine(error)}` })
        }
      }
    }
  }
  return problems
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0]!.slice(0, 200)
}

export interface NewZone {
  kind: ZoneKind
  code: string
  name: string
  parentId: number | null
  streetClass: string | null
  widthM: number | null
  geometry: Geometry
}

/** Inserts zones of one kind; returns their ids by code. */
export async function insertZones(db: DbOrTx, zones: NewZone[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  for (const batch of chunks(zones)) {
    const rows = await db
      .insertInto('zone')
      .values(
        batch.map((zone) => {
          const line = zone.widthM !== null
          // 2D: GeoJSON may carry altitudes, the columns take none.
          const geometry = cleanGeometry(zone.geometry)
          return {
            kind: zone.kind,
            code: zone.code,
            name: zone.name,
            parent_id: zone.parentId,
            street_class: zone.streetClass,
            width_m: zone.widthM,
            centerline: line ? geometry : null,
            // The trigger derives a line's area from its centre line and width.
            area: line ? emptyArea() : asMulti(geometry),
          }
        }),
      )
      .returning(['id', 'code'])
      .execute()
    for (const row of rows) ids.set(row.code, row.id)
  }
  return ids
}

/** A party as the importer matches it: without the version it never reads. */
export type PartyRow = Omit<StoredPartyRow, 'version' | 'phone_private'>
const partyColumns = ['id', 'type', 'name', 'phone', 'title', 'role'] as const satisfies readonly (keyof PartyRow)[]

export async function findParties(db: DbOrTx, type: PartyType, names: readonly string[]): Promise<PartyRow[]> {
  const found: PartyRow[] = []
  for (const batch of chunks([...new Set(names)], 5000)) {
    found.push(
      ...(await db
        .selectFrom('party')
        .select(partyColumns)
        .where('type', '=', type)
        .where('name', 'in', batch)
        .orderBy('id')
        .execute()),
    )
  }
  return found
}

export async function insertParties(db: DbOrTx, parties: Omit<PartyRow, 'id'>[]): Promise<PartyRow[]> {
  const rows: PartyRow[] = []
  for (const batch of chunks(parties)) {
    rows.push(
      ...(await db
        .insertInto('party')
        .values(batch)
        .returning(partyColumns)
        .execute()),
    )
  }
  return rows
}

export interface NewAssignment {
  zone_id: number
  party_id: number
  duty: Duty
  valid_from: string
  valid_to: string | null
}

export async function insertAssignments(db: DbOrTx, assignments: NewAssignment[]): Promise<void> {
  for (const batch of chunks(assignments)) await db.insertInto('assignment').values(batch).execute()
}

export async function findCategories(db: DbOrTx, names: readonly string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  for (const batch of chunks([...new Set(names)], 5000)) {
    const rows = await db.selectFrom('category').select(['id', 'name']).where('name', 'in', batch).execute()
    for (const row of rows) ids.set(row.name, row.id)
  }
  return ids
}

export async function insertCategories(db: DbOrTx, names: string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  for (const batch of chunks(names)) {
    const rows = await db.insertInto('category').values(batch.map((name) => ({ name }))).returning(['id', 'name']).execute()
    for (const row of rows) ids.set(row.name, row.id)
  }
  return ids
}

export async function insertCategoryRoutes(
  db: DbOrTx,
  routes: { zone_id: number; category_id: number; department_id: number }[],
): Promise<void> {
  for (const batch of chunks(routes)) await db.insertInto('category_route').values(batch).execute()
}

/**
 * Which of these streets reach into the jurisdiction with this code (their owned area, the centre
 * line widened by half the width, overlaps its interior); null when no jurisdiction has the code.
 * An OpenStreetMap extract is a rectangle and a jurisdiction is not: only the streets that reach
 * into it are put under it.
 */
export async function streetsReachingInto(
  db: DbOrTx,
  jurisdictionCode: string,
  streets: readonly { geometry: Geometry; widthM: number }[],
): Promise<boolean[] | null> {
  const jurisdiction = await db
    .selectFrom('zone')
    .select('id')
    .where('code', '=', jurisdictionCode)
    .where('kind', 'in', jurisdictionKinds)
    .executeTakeFirst()
  if (!jurisdiction) return null
  if (streets.length === 0) return []
  const { rows } = await sql<{ ord: number; reaches: boolean }>`
    WITH street AS (
      SELECT ord, ${bufferM(geomFromGeoJsonText(sql.ref('geometry')), sql`width_m / 2`)} AS area
      FROM unnest(${streets.map((street) => JSON.stringify(street.geometry))}::text[], ${streets.map((street) => street.widthM)}::float8[])
        WITH ORDINALITY AS input(geometry, width_m, ord)
    ),
    jurisdiction AS (
      SELECT area FROM zone WHERE code = ${jurisdictionCode} AND ${kindIn(sql.ref('kind'), jurisdictionKinds)}
    )
    SELECT street.ord::int AS ord,
           EXISTS (SELECT 1 FROM jurisdiction j WHERE ${interiorsMeet(sql.ref('street.area'), sql.ref('j.area'))}) AS reaches
    FROM street ORDER BY street.ord`.execute(db)
  return rows.map((row) => row.reaches)
}
