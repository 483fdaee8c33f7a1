import { withAuditEffect, type ZonePlace } from '../coverage/audit-effect.js'
import type { AuditEffect } from '../coverage/coverage.schemas.js'
import type { Db, DbOrTx, ZoneRow } from '../db/database.js'
import { isZoneKind, zoneKinds, type ZoneKind } from '../kernel/zone-kinds.js'
import type { Geometry } from '../db/geo-sql.js'
import { DomainError, notFound, type ErrorCode, type ErrorDetail } from '../errors.js'
import { validateGeometry } from '../geometry/validate-geometry.js'
import { defaultWidthM, MAX_STREET_WIDTH_M, MIN_STREET_WIDTH_M } from './street-width.js'
import { gridsOutsideParent, segmentsOffStreet, sqlGeometryProblems, SEGMENT_TOLERANCE_M, zonesAwayFromParent } from './zone-checks.js'
import { cjtCodeProblem, codeProblem, geometryFamily, isLineKind, parentProblem, parentRules } from './zone-rules.js'
import {
  deleteSubtree,
  findZoneById,
  findZoneByCode,
  findZonesByCode,
  insertZone,
  listChildren,
  updateZoneRow,
  zoneFeatureById,
  type ZoneFeature,
  type ZonePatch,
} from './zones.repository.js'

export interface CreateZoneInput {
  kind: string
  code: string
  name: string
  /** The parent's code; `parent_id` names it unambiguously. */
  parent?: string | null
  parent_id?: number | null
  geometry: unknown
  width_m?: number | null
  street_class?: string | null
}

export interface UpdateZoneInput {
  version: number
  code?: string
  name?: string
  parent?: string | null
  parent_id?: number | null
  geometry?: unknown
  width_m?: number | null
  street_class?: string | null
}

/** `audit: false` skips the before/after coverage audit (bulk scripts). */
export interface AuditOption {
  audit?: boolean
  /** The caller's scope check, run first inside the write's transaction (server/auth/scope.ts, assertZonesInScopeLocked). */
  checkScope?: (tx: DbOrTx) => Promise<void>
}

/** A zone written, with what the write did to the coverage audit (absent when skipped). */
export interface ZoneWriteResult {
  feature: ZoneFeature
  audit?: AuditEffect
}

/** A problem with its error code, so that one response can list several and lead with the first. */
interface Problem extends ErrorDetail {
  code: ErrorCode
}

function throwProblems(problems: Problem[]): void {
  if (problems.length === 0) return
  const first = problems[0]!
  const message =
    problems.length === 1 ? `${first.field}: ${first.reason}` : `${problems.length} problems, first ${first.field}: ${first.reason}`
  throw new DomainError(
    first.code,
    message,
    problems.map(({ code: _code, ...detail }) => detail),
  )
}


/** Checks that need no other zone: names, codes, geometry, widths. */
async function inputProblems(
  db: DbOrTx,
  kind: ZoneKind,
  input: { code?: string; name?: string; geometry?: unknown; width_m?: number | null; street_class?: string | null },
): Promise<Problem[]> {
  const problems: Problem[] = []
  if (input.code !== undefined) {
    const reason = codeProblem(input.code)
    if (reason) problems.push({ code: 'invalid_code', field: 'code', reason })
  }
  if (input.name !== undefined && input.name.trim().length === 0) {
    problems.push({ code: 'invalid_name', field: 'name', reason: 'must not be blank' })
  }
  if (!isLineKind(kind)) {
    if (input.width_m !== undefined && input.width_m !== null) {
      problems.push({ code: 'invalid_field', field: 'width_m', reason: `applies only to streets and segments, not a ${kind}` })
    }
    if (input.street_class !== undefined && input.street_class !== null) {
      problems.push({ code: 'invalid_field', field: 'street_class', reason: `applies only to streets and segments, not a ${kind}` })
    }
  } else if (input.width_m === null) {
    problems.push({ code: 'invalid_width', field: 'width_m', reason: `a ${kind} needs a width: a number of metres, ${MIN_STREET_WIDTH_M} <= width_m <= ${MAX_STREET_WIDTH_M}` })
  }
  if (input.geometry !== undefined) {
    const structural = validateGeometry(input.geometry, geometryFamily(kind), 'geometry')
    problems.push(...structural.map((detail) => ({ code: 'invalid_geometry' as const, ...detail })))
    if (structural.length === 0) {
      const invalid = await sqlGeometryProblems(db, input.geometry as Geometry, 'geometry')
      problems.push(...invalid.map((detail) => ({ code: 'invalid_geometry' as const, ...detail })))
    }
  }
  return problems
}

/** The parent named by `parent_id`, or by code among the kinds allowed for `kind`. */
async function resolveParent(
  db: DbOrTx,
  kind: ZoneKind,
  input: { parent?: string | null; parent_id?: number | null },
): Promise<ZoneRow | null> {
  const rule = parentRules[kind]
  if (input.parent_id !== undefined && input.parent_id !== null) {
    const parent = await findZoneById(db, input.parent_id)
    if (!parent) throw new DomainError('unknown_parent', `No zone with id ${input.parent_id}`, [{ field: 'parent_id', reason: 'no such zone' }])
    return parent
  }
  if (input.parent === undefined || input.parent === null) return null
  if (rule.kinds.length === 0) {
    throw new DomainError('invalid_parent', `A ${kind} has no parent`, [{ field: 'parent', reason: `a ${kind} has no parent` }])
  }
  const candidates = await findZonesByCode(db, rule.kinds, input.parent)
  if (candidates.length === 0) {
    throw new DomainError('unknown_parent', `No ${rule.kinds.join(' or ')} with code ${input.parent}`, [
      { field: 'parent', reason: `no ${rule.kinds.join(' or ')} has the code ${input.parent}` },
    ])
  }
  if (candidates.length > 1) {
    throw new DomainError('ambiguous_parent', `Code ${input.parent} names zones of several kinds; give parent_id`, [
      { field: 'parent', reason: `names a ${candidates.map((zone) => `${zone.kind} (id ${zone.id})`).join(' and a ')}; give parent_id` },
    ])
  }
  return candidates[0]!
}

function checkParent(kind: ZoneKind, parent: ZoneRow | null, field: string): void {
  const reason = parentProblem(kind, parent?.kind ?? null)
  if (reason) throw new DomainError('invalid_parent', reason, [{ field, reason }])
}

async function checkCodeFree(db: DbOrTx, kind: ZoneKind, code: string, selfId: number | null): Promise<void> {
  const existing = await findZoneByCode(db, kind, code)
  if (existing && existing.id !== selfId) {
    throw new DomainError('duplicate_code', `A ${kind} with code ${code} already exists`, [
      { field: 'code', reason: `already used by ${kind} ${existing.name} (id ${existing.id})` },
    ])
  }
}

function checkCjtCode(kind: ZoneKind, code: string, parent: ZoneRow | null): void {
  const reason = cjtCodeProblem(kind, code, parent?.kind ?? null, parent?.code ?? null)
  if (reason) throw new DomainError('code_not_under_parent', `code ${reason}`, [{ field: 'code', reason }])
}

/** After a write, inside its transaction: the zone and its children still fit the tree. */
async function checkFit(db: DbOrTx, zone: ZoneRow): Promise<void> {
  const offStreet = await segmentsOffStreet(db, [zone.id])
  if (offStreet.length > 0) {
    const own = offStreet.find((segment) => segment.id === zone.id)
    const details = offStreet.map((segment) => ({
      field: segment.id === zone.id ? 'geometry' : `segments.${segment.code}`,
      reason: `${Math.round(segment.outside_m * 10) / 10} m of segment ${segment.code}'s centre line lie outside street ${segment.street_code} (its width plus ${SEGMENT_TOLERANCE_M} m)`,
    }))
    throw new DomainError('segment_off_street',
      own ? `The segment is not on its street ${own.street_code}` : `${offStreet.length} segments would no longer lie on this street`,
      details,
    )
  }
  const away = await zonesAwayFromParent(db, [zone.id])
  if (away.length > 0) {
    const own = away.find((child) => child.id === zone.id)
    throw new DomainError('outside_parent',
      own ? `The ${own.kind} lies entirely outside its parent ${own.parent_kind} ${own.parent_code}` : `${away.length} zones below would lie entirely outside this one`,
      away.map((child) => ({
        field: child.id === zone.id ? 'geometry' : `${child.kind}s.${child.code}`,
        reason: `${child.kind} ${child.code} does not reach into ${child.parent_kind} ${child.parent_code}`,
      })),
    )
  }
  const outside = await gridsOutsideParent(db, [zone.id])
  if (outside.length > 0) {
    const own = outside.find((grid) => grid.id === zone.id)
    const details = outside.map((grid) => ({
      field: grid.id === zone.id ? 'geometry' : `grids.${grid.code}`,
      reason: `${Math.round(grid.outside_share * 100)} % of grid ${grid.code} lies outside community ${grid.community_code} (at most 50 % may)`,
    }))
    throw new DomainError('grid_outside_parent',
      own ? `The grid lies mostly outside its community ${own.community_code}` : `${outside.length} grids would lie mostly outside this community`,
      details,
    )
  }
}

export async function createZone(db: Db, input: CreateZoneInput, options: AuditOption = {}): Promise<ZoneWriteResult> {
  if (!isZoneKind(input.kind)) {
    throw new DomainError('unknown_kind', `Unknown kind "${input.kind}"`, [
      { field: 'kind', reason: `must be one of ${zoneKinds.join(', ')}` },
    ])
  }
  const kind = input.kind
  throwProblems(await inputProblems(db, kind, input))
  const geometry = input.geometry as Geometry
  return db.transaction().execute(async (tx) => {
    await options.checkScope?.(tx)
    const parent = await resolveParent(tx, kind, input)
    checkParent(kind, parent, input.parent_id !== undefined && input.parent_id !== null ? 'parent_id' : 'parent')
    checkCjtCode(kind, input.code, parent)
    await checkCodeFree(tx, kind, input.code, null)
    // A line under a line (a segment on its street) takes the street's class and width unless given.
    const lineParent = parent && isLineKind(parent.kind) ? parent : null
    const streetClass = isLineKind(kind) ? (input.street_class ?? lineParent?.street_class ?? null) : null
    const widthM = isLineKind(kind)
      ? (input.width_m ?? lineParent?.width_m ?? defaultWidthM(streetClass))
      : null
    const place: ZonePlace = { kind, id: null, parentId: parent?.id ?? null, geometry }
    const { result, audit } = await withAuditEffect(tx, options.audit ?? true, [place], async () => {
      const id = await insertZone(tx, {
        kind,
        code: input.code,
        name: input.name.trim(),
        parent_id: parent?.id ?? null,
        street_class: streetClass,
        width_m: widthM,
        geometry,
      })
      const created = (await findZoneById(tx, id))!
      await checkFit(tx, created)
      // A new sub-district or district is its own jurisdiction, which exists only now.
      return { result: (await zoneFeatureById(tx, id))!, placesAfter: [{ ...place, id }] }
    })
    return { feature: result, ...(audit ? { audit } : {}) }
  })
}

async function versionConflict(db: DbOrTx, id: number, given: number): Promise<DomainError> {
  const current = await zoneFeatureById(db, id)
  return new DomainError('version_conflict',
    `The zone was changed by someone else: you sent version ${given}, it is now at version ${current?.properties.version}`,
    { current_version: current?.properties.version, current },
  )
}

export async function updateZone(db: Db, id: number, input: UpdateZoneInput, options: AuditOption = {}): Promise<ZoneWriteResult> {
  return db.transaction().execute(async (tx) => {
    const zone = await findZoneById(tx, id, { forUpdate: true })
    if (!zone) throw notFound(`Zone ${id}`)
    await options.checkScope?.(tx)
    if (zone.version !== input.version) throw await versionConflict(tx, id, input.version)
    throwProblems(await inputProblems(tx, zone.kind, input))

    const patch: ZonePatch = {}
    let parent: ZoneRow | null | undefined
    if (input.parent !== undefined || input.parent_id !== undefined) {
      parent = await resolveParent(tx, zone.kind, input)
      checkParent(zone.kind, parent, input.parent_id !== undefined ? 'parent_id' : 'parent')
      patch.parent_id = parent?.id ?? null
    }
    if (input.code !== undefined && input.code !== zone.code) {
      await checkCodeFree(tx, zone.kind, input.code, zone.id)
      patch.code = input.code
    }
    if (patch.code !== undefined || patch.parent_id !== undefined) {
      const effectiveParent = parent !== undefined ? parent : zone.parent_id === null ? null : ((await findZoneById(tx, zone.parent_id)) ?? null)
      checkCjtCode(zone.kind, patch.code ?? zone.code, effectiveParent)
    }
    if (input.name !== undefined) patch.name = input.name.trim()
    if (input.geometry !== undefined) patch.geometry = input.geometry as Geometry
    if (isLineKind(zone.kind)) {
      if (input.street_class !== undefined) patch.street_class = input.street_class
      if (input.width_m !== undefined && input.width_m !== null) patch.width_m = input.width_m
    }
    // Nothing to change: no write and no new version, so other editors' versions stay current.
    if (Object.keys(patch).length === 0) return { feature: (await zoneFeatureById(tx, id))! }
    // Old place and new: a zone moved between parents changes the audit of both jurisdictions.
    const places: ZonePlace[] = [{ kind: zone.kind, id, parentId: zone.parent_id }]
    if (patch.parent_id !== undefined || patch.geometry !== undefined) {
      places.push({ kind: zone.kind, id, parentId: patch.parent_id !== undefined ? patch.parent_id : zone.parent_id, ...(patch.geometry ? { geometry: patch.geometry } : {}) })
    }
    const { result, audit } = await withAuditEffect(tx, options.audit ?? true, places, async () => {
      await updateZoneRow(tx, id, zone.kind, patch)
      await checkFit(tx, (await findZoneById(tx, id))!)
      return { result: (await zoneFeatureById(tx, id))! }
    })
    return { feature: result, ...(audit ? { audit } : {}) }
  })
}

/** How many children a refused delete lists; the total is always given. */
const LISTED_CHILDREN = 50

export async function deleteZone(
  db: Db,
  id: number,
  version: number,
  cascade: boolean,
  options: AuditOption = {},
): Promise<{ deleted: number; audit?: AuditEffect }> {
  return db.transaction().execute(async (tx) => {
    const zone = await findZoneById(tx, id, { forUpdate: true })
    if (!zone) throw notFound(`Zone ${id}`)
    await options.checkScope?.(tx)
    if (zone.version !== version) throw await versionConflict(tx, id, version)
    if (!cascade) {
      const { total, children } = await listChildren(tx, id, LISTED_CHILDREN)
      if (total > 0) {
        throw new DomainError('has_dependents',
          `${zone.kind} ${zone.code} has ${total} zones below it (${children
            .slice(0, 3)
            .map((child) => `${child.kind} ${child.code}`)
            .join(', ')}${total > 3 ? ', …' : ''}); delete them first or pass cascade=true`,
          { count: total, children },
        )
      }
    }
    const place: ZonePlace = { kind: zone.kind, id, parentId: zone.parent_id }
    const { result, audit } = await withAuditEffect(tx, options.audit ?? true, [place], async () => ({
      result: await deleteSubtree(tx, id),
    }))
    return { deleted: result, ...(audit ? { audit } : {}) }
  })
}
