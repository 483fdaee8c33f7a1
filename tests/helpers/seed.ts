import { sql } from 'kysely'
import type { Db, PartyType } from '../../server/db/database.js'
import type { Duty, ZoneKind } from '../../server/kernel/zone-kinds.js'
import { geomFromGeoJson, type Geometry } from '../../server/db/geo-sql.js'
import { bootstrapTestAccounts } from './auth.js'

/**
 * Writes test data straight into the tables, so that resolution, coverage and signboard tests
 * do not depend on the import path. Geometries are GeoJSON (lon, lat).
 */
export interface SeedZone {
  kind: ZoneKind
  code: string
  name?: string
  parent?: number | null
  /** Polygon/MultiPolygon for areas; LineString/MultiLineString centre line for streets and segments. */
  geometry: Geometry
  widthM?: number
  streetClass?: string
}

export async function seedZone(db: Db, zone: SeedZone): Promise<number> {
  const isLine = zone.kind === 'street' || zone.kind === 'segment'
  const geometry = geomFromGeoJson(zone.geometry)
  const row = await db
    .insertInto('zone')
    .values({
      kind: zone.kind,
      code: zone.code,
      name: zone.name ?? zone.code,
      parent_id: zone.parent ?? null,
      street_class: zone.streetClass ?? null,
      width_m: isLine ? (zone.widthM ?? 20) : null,
      // The trigger derives the area of a line from its centre line and width.
      centerline: (isLine ? geometry : null),
      area: (isLine ? sql`ST_GeomFromText('MULTIPOLYGON EMPTY', 4326)` : sql`ST_Multi(${geometry})`),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function seedParty(
  db: Db,
  party: { type: PartyType; name: string; phone?: string; title?: string; role?: string },
): Promise<number> {
  const row = await db
    .insertInto('party')
    .values({
      type: party.type,
      name: party.name,
      phone: party.phone ?? null,
      title: party.title ?? null,
      role: party.role ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function seedAssignment(
  db: Db,
  assignment: { zone: number; party: number; duty: Duty; from?: string; to?: string | null },
): Promise<number> {
  const row = await db
    .insertInto('assignment')
    .values({
      zone_id: assignment.zone,
      party_id: assignment.party,
      duty: assignment.duty,
      valid_from: assignment.from ?? '2020-01-01T00:00:00Z',
      valid_to: assignment.to ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function seedCategoryRoute(db: Db, route: { zone: number; category: string; department: number }): Promise<void> {
  const category = await db
    .insertInto('category')
    .values({ name: route.category })
    .onConflict((oc) => oc.column('name').doUpdateSet({ name: route.category }))
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('category_route')
    .values({ zone_id: route.zone, category_id: category.id, department_id: route.department })
    .execute()
}

/** An axis-aligned rectangle as a GeoJSON Polygon, for readable fixtures. */
export function rectangle(west: number, south: number, east: number, north: number): Geometry {
  return {
    type: 'Polygon',
    coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
  }
}

/**
 * Empties every table a test writes (the migrated duty texts stay), so that a test file can set up
 * each test from nothing in beforeEach, cheaply, on one app. Accounts go too (a grant refers to a
 * zone), and the test administrator with its token comes back, as in the empty template.
 */
export async function emptyTheDatabase(db: Db): Promise<void> {
  await sql`TRUNCATE zone, zone_part, party, assignment, category, category_route, account RESTART IDENTITY CASCADE`.execute(db)
  await bootstrapTestAccounts(db, false)
}
