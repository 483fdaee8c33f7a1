import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx, ZoneRow } from '../db/database.js'
import type { ZoneKind } from '../kernel/zone-kinds.js'
import { geomFromGeoJson, interiorsMeet, type Geometry } from '../db/geo-sql.js'
import { kindIn, kindRank } from '../db/kind-sql.js'
import { ancestorsOf } from '../db/zone-tree.js'
import { diffAudits } from './audit-diff.js'
import type { AuditEffect, CoverageReport, JurisdictionEffect } from './coverage.schemas.js'
import { auditJurisdiction } from './coverage.service.js'

/**
 * "Every edit shows what it did to the audit" (DESIGN section 5). An edit names the places it
 * touches, the recorder audits the jurisdictions above them inside the edit's transaction before
 * the write, and again after it; the response carries the difference.
 */

/** Where a zone sits (or will sit), as far as finding its jurisdiction is concerned. */
export interface ZonePlace {
  kind: ZoneKind
  /** null for a zone not written yet. */
  id: number | null
  parentId: number | null
  /**
   * Only looked at when no sub-district or district lies above the zone (a street or frontage
   * without a parent): the jurisdictions it reaches into are used instead. Default: its stored area.
   */
  geometry?: Geometry
}

/** Where a stored zone sits. */
export const placeOf = (zone: ZoneRow): ZonePlace => ({ kind: zone.kind, id: zone.id, parentId: zone.parent_id })

/** A zone that reaches into more jurisdictions than this is audited in the first few only. */
const MAX_REACHED = 4
/**
 * The levels an audit runs at, preferred first: the sub-district runs the street-chief system;
 * where there is none, the district.
 */
const auditedKinds: readonly ZoneKind[] = ['subdistrict', 'district']

const selfAudited = (kind: ZoneKind) => auditedKinds.includes(kind)

/**
 * The jurisdictions whose audit a change at these places can move: for each, the nearest
 * sub-district above it (the zone itself if it is one), else the nearest district; for a zone
 * with neither above it, the sub-districts (else districts) its area reaches into.
 */
export async function affectedJurisdictions(db: DbOrTx, places: ZonePlace[]): Promise<number[]> {
  const ids = new Set<number>()
  for (const place of places) {
    if (selfAudited(place.kind)) {
      if (place.id !== null) ids.add(place.id)
      continue
    }
    const above = place.parentId === null ? null : await nearestJurisdictionFrom(db, place.parentId)
    if (above !== null) {
      ids.add(above)
      continue
    }
    const shape = place.geometry
      ? geomFromGeoJson(place.geometry)
      : place.id !== null
        ? sql`(SELECT area FROM zone WHERE id = ${place.id})`
        : null
    if (shape) for (const id of await jurisdictionsReaching(db, shape)) ids.add(id)
  }
  return [...ids]
}

/** The nearest sub-district on the parent chain starting at (and including) `startId`, else the nearest district. */
async function nearestJurisdictionFrom(db: DbOrTx, startId: number): Promise<number | null> {
  const { rows } = await sql<{ id: number }>`
    WITH RECURSIVE ${ancestorsOf('chain', [startId])}
    SELECT z.id FROM chain JOIN zone z USING (id) WHERE ${kindIn(sql.ref('z.kind'), auditedKinds)}
    ORDER BY ${kindRank(sql.ref('z.kind'), auditedKinds)}, chain.depth
    LIMIT 1`.execute(db)
  return rows[0]?.id ?? null
}

async function jurisdictionsReaching(db: DbOrTx, shape: RawBuilder<unknown>): Promise<number[]> {
  const { rows } = await sql<{ id: number; kind: string }>`
    WITH shape AS (SELECT ${shape} AS g)
    SELECT j.id, j.kind FROM zone j, shape
    WHERE ${kindIn(sql.ref('j.kind'), auditedKinds)} AND shape.g IS NOT NULL
      AND ${interiorsMeet(sql.ref('j.area'), sql.ref('shape.g'))}
    ORDER BY ${kindRank(sql.ref('j.kind'), auditedKinds)}, j.code
    LIMIT ${MAX_REACHED * 2}`.execute(db)
  const subdistricts = rows.filter((row) => row.kind === auditedKinds[0])
  return (subdistricts.length > 0 ? subdistricts : rows).slice(0, MAX_REACHED).map((row) => row.id)
}

export class AuditRecorder {
  private constructor(private readonly before: Map<number, CoverageReport>) {}

  /** Audits the jurisdictions of these places as they are now (call inside the edit's transaction, before writing). */
  static async start(db: DbOrTx, places: ZonePlace[]): Promise<AuditRecorder> {
    const before = new Map<number, CoverageReport>()
    // One at a time: a transaction runs one statement at a time anyway.
    for (const id of await affectedJurisdictions(db, places)) before.set(id, await auditJurisdiction(db, id))
    return new AuditRecorder(before)
  }

  /**
   * Audits again after the write and compares. `places` adds jurisdictions that only exist, or
   * are only reached, after the write (a created sub-district, a new parent); they count as
   * empty before. A jurisdiction the edit deleted counts as empty after.
   */
  async finish(db: DbOrTx, places: ZonePlace[] = []): Promise<AuditEffect> {
    const ids = [...new Set([...this.before.keys(), ...(await affectedJurisdictions(db, places))])]
    const existing = ids.length === 0 ? [] : await db.selectFrom('zone').select('id').where('id', 'in', ids).execute()
    const alive = new Set(existing.map((row) => row.id))
    const jurisdictions: JurisdictionEffect[] = []
    for (const id of ids) {
      const after = alive.has(id) ? await auditJurisdiction(db, id) : null
      const effect = compare(this.before.get(id) ?? null, after)
      if (effect) jurisdictions.push(effect)
    }
    return { jurisdictions }
  }

  /** For an edit that turned out to write nothing: the audit after is the audit before. */
  unchanged(): AuditEffect {
    return { jurisdictions: [...this.before.values()].map((report) => compare(report, report)!) }
  }
}

function compare(before: CoverageReport | null, after: CoverageReport | null): JurisdictionEffect | null {
  const report = after ?? before
  if (!report) return null
  const { added, resolved } = diffAudits(before, after)
  return {
    id: report.id,
    code: report.code,
    kind: report.kind,
    name: report.name,
    ok_before: before ? before.ok : null,
    ok_after: after ? after.ok : null,
    before: before ? before.summary : null,
    after: after ? after.summary : null,
    truncated: Boolean(before?.truncated || after?.truncated),
    added,
    resolved,
  }
}

/** Runs `write` between the two audits when `enabled`; otherwise just runs it. */
export async function withAuditEffect<T>(
  db: DbOrTx,
  enabled: boolean,
  places: ZonePlace[],
  write: () => Promise<{ result: T; placesAfter?: ZonePlace[]; unchanged?: boolean }>,
): Promise<{ result: T; audit?: AuditEffect }> {
  if (!enabled) return { result: (await write()).result }
  const recorder = await AuditRecorder.start(db, places)
  const { result, placesAfter, unchanged } = await write()
  return { result, audit: unchanged ? recorder.unchanged() : await recorder.finish(db, placesAfter) }
}
