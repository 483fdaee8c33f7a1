import type { DbOrTx } from '../db/database.js'
import { isJurisdictionKind, type ZoneKind } from '../kernel/zone-kinds.js'
import { badRequest, DomainError, notFound } from '../errors.js'
import * as repository from './coverage.repository.js'
import type { CoverageReport } from './coverage.schemas.js'
import type { Geometry } from '../kernel/schemas.js'

/**
 * Below these, a gap, overlap, spill or uncovered street piece is floating-point noise from edges
 * that are shared in intent (a vertex a few nanodegrees off, a flat end cap of a segment buffer)
 * rather than a defect a planner could see on the map. Anything larger is reported.
 */
export const AREA_TOLERANCE_M2 = 1
export const LENGTH_TOLERANCE_M = 1
/** Keeps responses bounded on a badly broken jurisdiction; summary counts stay complete. */
export const LIST_LIMIT = 1000


export { listJurisdictions } from './coverage.repository.js'

/**
 * The jurisdiction a code names. Codes are unique per kind only, so the code is looked up among
 * the jurisdiction kinds; `kind` settles the rare code shared by two of them.
 */
export async function findJurisdictionByCode(db: DbOrTx, code: string, kind?: ZoneKind): Promise<number> {
  const zones = await repository.findZonesByCode(db, code)
  const jurisdictions = zones.filter((zone) => isJurisdictionKind(zone.kind) && (!kind || zone.kind === kind))
  if (jurisdictions.length === 1) return jurisdictions[0]!.id
  if (jurisdictions.length > 1) {
    throw badRequest(
      'ambiguous_code',
      `Code ${code} names a ${jurisdictions.map((zone) => zone.kind).join(' and a ')}; add ?kind= to choose one`,
      [{ field: 'querystring.kind', reason: `one of ${jurisdictions.map((zone) => zone.kind).join(', ')}` }],
    )
  }
  if (zones.length > 0 && !kind) {
    throw badRequest(
      'not_a_jurisdiction',
      `Code ${code} names a ${zones.map((zone) => zone.kind).join(' and a ')}, not a district, sub-district or community; only jurisdictions are audited`,
      [{ field: 'params.code', reason: 'is not the code of a jurisdiction' }],
    )
  }
  throw notFound(kind ? `Jurisdiction ${kind} ${code}` : `Jurisdiction ${code}`)
}

/**
 * The coverage audit of one jurisdiction (DESIGN section 5): gaps, grid overlaps, spills over
 * its edge, street length no segment owns, and zones and categories nobody answers for. A handful
 * of statements, each doing its geometry in PostGIS; runs inside a caller's transaction too, so
 * the editor can show the audit of the state an edit just wrote.
 */
export async function auditJurisdiction(
  db: DbOrTx,
  zoneId: number,
  options: { listLimit?: number } = {},
): Promise<CoverageReport> {
  const listLimit = options.listLimit ?? LIST_LIMIT
  const zone = await repository.findZoneById(db, zoneId)
  if (!zone) throw notFound(`Zone ${zoneId}`)
  if (!isJurisdictionKind(zone.kind)) {
    throw new DomainError('not_a_jurisdiction', `Zone ${zone.code} is a ${zone.kind}; only jurisdictions are audited`)
  }
  const limits: repository.AuditLimits = {
    areaToleranceM2: AREA_TOLERANCE_M2,
    lengthToleranceM: LENGTH_TOLERANCE_M,
    fetch: listLimit + 1,
  }
  // Sequential on purpose: one connection (a transaction, or PGlite) runs one query at a time.
  const counts = await repository.countScope(db, zoneId)
  const gaps = await repository.selectGaps(db, zoneId, limits)
  const overlaps = await repository.selectOverlaps(db, zoneId, limits)
  const spills = await repository.selectSpills(db, zoneId, limits)
  const streets = await repository.selectUncoveredStreets(db, zoneId, limits)
  const zones = await repository.selectUnassignedZones(db, zoneId, limits)
  const categories = await repository.selectUnassignedCategories(db, zoneId, limits)

  const unassigned = [
    ...zones.map(({ code, kind, name, missing }) => ({ code, kind: kind as ZoneKind, name, missing })),
    ...categories.map(({ name }) => ({ code: name, kind: 'category' as const, name, missing: 'department' as const })),
  ]
  const unassignedTotal = totalOf(zones) + totalOf(categories)
  const truncated =
    [gaps, overlaps, spills, streets].some((rows) => rows.length > listLimit) || unassigned.length > listLimit

  const summary = {
    grids: counts.grids,
    streets: counts.streets,
    segments: counts.segments,
    frontages: counts.frontages,
    gaps: totalOf(gaps),
    gap_area_m2: amountOf(gaps),
    overlaps: totalOf(overlaps),
    overlap_area_m2: amountOf(overlaps),
    spills: totalOf(spills),
    spill_area_m2: amountOf(spills),
    uncovered_streets: totalOf(streets),
    uncovered_length_m: amountOf(streets),
    unassigned: unassignedTotal,
  }
  const ok =
    summary.gaps === 0 && summary.overlaps === 0 && summary.spills === 0 && summary.uncovered_streets === 0 && unassignedTotal === 0

  return {
    id: zone.id,
    code: zone.code,
    kind: zone.kind,
    name: zone.name,
    ok,
    area_m2: zone.area_m2,
    tolerance: { area_m2: AREA_TOLERANCE_M2, length_m: LENGTH_TOLERANCE_M },
    summary,
    truncated,
    gaps: gaps.slice(0, listLimit).map(({ area_m2, geometry }) => ({ area_m2, geometry: geoJson(geometry) })),
    overlaps: overlaps.slice(0, listLimit).map(({ a, b, area_m2, geometry }) => ({ a, b, area_m2, geometry: geoJson(geometry) })),
    spills: spills.slice(0, listLimit).map(({ grid, area_m2, geometry }) => ({ grid, area_m2, geometry: geoJson(geometry) })),
    uncovered_streets: streets
      .slice(0, listLimit)
      .map(({ street, name, length_m, geometry }) => ({ street, name, length_m, geometry: geoJson(geometry) })),
    unassigned: unassigned.slice(0, listLimit),
  }
}

/** Audits the jurisdiction a code names (see findJurisdictionByCode). */
export async function auditJurisdictionByCode(db: DbOrTx, code: string, kind?: ZoneKind): Promise<CoverageReport> {
  return auditJurisdiction(db, await findJurisdictionByCode(db, code, kind))
}

/** ST_AsGeoJSON writes RFC 7946 geometries; the repository's rows type them only by their type name. */
const geoJson = (geometry: { type: string }): Geometry => geometry as Geometry

function totalOf(rows: { total: number }[]): number {
  return rows.length > 0 ? Number(rows[0]!.total) : 0
}

function amountOf(rows: { total_amount: number }[]): number {
  return rows.length > 0 ? Number(rows[0]!.total_amount) : 0
}
