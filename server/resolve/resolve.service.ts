import type { Db, DbOrTx, ZoneRef } from '../db/database.js'
import { badRequest } from '../errors.js'
import type { LonLat } from '../geometry/convert-crs.js'
import type { BatchQuery, PointQuery } from './resolve.input.js'
import {
  categoryRoutes,
  fallbackHolders,
  findCategoryId,
  inheritedCategoryRoutes,
  withoutJit,
  zoneRefs,
  type CategoryRoute,
  type PublicContact,
  type ResolvedZone,
} from './resolve.repository.js'
import { holdersAt, type Holders } from '../db/holders.js'
import { workLockOf } from '../db/work-lock.js'
import { EMBEDDED_BATCH_CHUNK, sqlZoneLocator, type Pacing, type ZoneLocator } from './locator.js'
import { applyResolutionRule, departmentSource, fallbackPrimary, nearestJurisdiction, type DepartmentSource, type Distanced } from './resolution-rule.js'
import type { Alternative, BatchResult, Link, Resolution, ResolveStatus } from './resolve.schemas.js'

export type { Alternative, BatchResult, Link, Resolution, ResolveStatus }

// Moved to the locator, which cuts batches into statements; still importable from here.
export { BATCH_CHUNK } from './locator.js'

/**
 * A resolution as the server keeps it: the same answer with every party's id (a case workflow
 * opens cases against parties, not names). toPublicResolution turns it into the HTTP answer.
 */
export interface InternalLink {
  zone: ResolvedZone
  holders: Holders
}

export interface InternalResolution {
  status: ResolveStatus
  point: LonLat
  primary: InternalLink | null
  chain: InternalLink[]
  department: CategoryRoute | null
  alternatives: (InternalLink & { distance_m: number })[]
  nearest: Distanced<ResolvedZone> | null
}

export interface InternalBatchResult {
  id: string | number
  status: ResolveStatus | 'out_of_scope'
  primary: InternalLink | null
  /** Present when the batch names a category. */
  department?: CategoryRoute | null
  /** The ids of the zones covering the point (a view into the locator's array), for the scope check. */
  covering?: Int32Array
}

async function requireCategory(db: DbOrTx, name: string | null): Promise<number | null> {
  if (name === null) return null
  const id = await findCategoryId(db, name)
  if (id === null) {
    throw badRequest('unknown_category', `Unknown category "${name}"; GET /api/categories lists the known ones`, [
      { field: 'category', reason: 'no such category' },
    ])
  }
  return id
}

// Internal to public, in one place: the public answer names parties by name and phone only.

const nameAndPhone = (contact: PublicContact | null): PublicContact | null => (contact ? { name: contact.name, phone: contact.phone } : null)
const publicZone = (zone: ZoneRef): ZoneRef => ({ id: zone.id, kind: zone.kind, code: zone.code, name: zone.name })

function publicLink({ zone, holders }: InternalLink): Link {
  const chief = holders.chief
  return {
    zone: publicZone(zone),
    chief: chief ? { name: chief.name, phone: chief.phone, title: chief.title, role: chief.role } : null,
    department: nameAndPhone(holders.department),
    fallback: nameAndPhone(holders.fallback),
    merchant: nameAndPhone(holders.merchant),
  }
}

const publicDepartment = (route: CategoryRoute): PublicContact & { via: string } => ({ ...nameAndPhone(route.department)!, via: route.via.code })

export function toPublicResolution(resolution: InternalResolution): Resolution {
  return {
    status: resolution.status,
    point: resolution.point,
    primary: resolution.primary ? publicLink(resolution.primary) : null,
    chain: resolution.chain.map(publicLink),
    department: resolution.department ? publicDepartment(resolution.department) : null,
    alternatives: resolution.alternatives.map((alternative) => ({ ...publicLink(alternative), distance_m: alternative.distance_m })),
    nearest: resolution.nearest ? { zone: publicZone(resolution.nearest.zone), distance_m: resolution.nearest.distance_m } : null,
  }
}

/** Shared internal links and routes map to shared public ones, so that a large batch serialises fast. */
export function toPublicBatchResults(results: readonly InternalBatchResult[]): BatchResult[] {
  const links = new Map<InternalLink, Link>()
  const departments = new Map<CategoryRoute, PublicContact & { via: string }>()
  const linkOf = (link: InternalLink) => links.get(link) ?? links.set(link, publicLink(link)).get(link)!
  const departmentOf = (route: CategoryRoute) => departments.get(route) ?? departments.set(route, publicDepartment(route)).get(route)!
  return results.map((result) => {
    const answer: BatchResult = { id: result.id, status: result.status, primary: result.primary ? linkOf(result.primary) : null }
    if (result.department !== undefined) answer.department = result.department ? departmentOf(result.department) : null
    return answer
  })
}

/** The department for a category at a point whose chain is `chain` (the rule: resolution-rule.ts). */
async function departmentFor(db: DbOrTx, categoryId: number, chain: ResolvedZone[]): Promise<CategoryRoute | null> {
  const routes = await categoryRoutes(db, categoryId, chain.map((zone) => zone.id))
  const source = departmentSource(chain, (zone) => routes.has(zone.id))
  if (source === null) return null
  if ('via' in source) return routes.get(source.via.id)!
  return (await inheritedCategoryRoutes(db, categoryId, [source.inheritedBy.id])).get(source.inheritedBy.id) ?? null
}

/** DESIGN section 4 for one point: the locator finds the zones, the rule chooses, the holders answer. */
export async function resolvePointInternal(db: Db, query: PointQuery, locator: ZoneLocator = sqlZoneLocator): Promise<InternalResolution> {
  const categoryId = await requireCategory(db, query.category)
  const covering = await locator.covering(db, query.point)
  const nearby = query.accuracyM > 0 ? await locator.ownersWithin(db, query.point, query.accuracyM) : []
  const { status, chain, start, alternatives } = applyResolutionRule(covering, nearby)

  let primaryZone: ResolvedZone | null = null
  let nearest: Distanced<ResolvedZone> | null = null
  if (status === 'owned') primaryZone = start
  else if (status === 'fallback') {
    const holderId = (await fallbackHolders(db, [start!.id], query.at)).get(start!.id)
    const holder =
      holderId === undefined ? undefined : (chain.find((zone) => zone.id === holderId) ?? (await zoneRefs(db, [holderId])).get(holderId))
    primaryZone = fallbackPrimary(start!, holder)
  } else {
    nearest = nearestJurisdiction(await locator.jurisdictionsNear(db, query.point))
  }

  const zoneIds = new Set([...chain, ...alternatives.map((alternative) => alternative.zone), ...(primaryZone ? [primaryZone] : [])].map((zone) => zone.id))
  const holders = await holdersAt(db, [...zoneIds], query.at)
  const linkOf = (zone: ResolvedZone): InternalLink => ({ zone, holders: holders.get(zone.id)! })

  return {
    status,
    point: query.point,
    primary: primaryZone ? linkOf(primaryZone) : null,
    chain: chain.map(linkOf),
    department: categoryId === null ? null : await departmentFor(db, categoryId, chain),
    alternatives: alternatives.map(({ zone, distance_m }) => ({ ...linkOf(zone), distance_m })),
    nearest,
  }
}

export async function resolvePoint(db: Db, query: PointQuery): Promise<Resolution> {
  return toPublicResolution(await resolvePointInternal(db, query))
}

/** How long a batch on the embedded database steps aside for a request being answered, at most. */
const FOREGROUND_WAIT_MS = 50

/** Points per slice of the in-memory work between two yields to the event loop. */
const RULE_SLICE = 10_000

/**
 * Many points at once, set-based: the locator finds the covering zones of every point in a few
 * statements, the rule chooses per point in memory, and each lookup after that (fall-back
 * parties, holders, category routes) runs once per distinct zone, not per point; each link is
 * built once per zone and shared. Every point sees the same data: on PostgreSQL the batch runs in
 * one repeatable-read transaction; on the embedded database, whose one connection a transaction
 * would hold for the whole batch, it runs as short statements that other requests' queries
 * interleave with, holding the work lock's snapshot side so that no write lands in between
 * (db/work-lock.ts).
 */
export async function resolveBatchInternal(db: Db, query: BatchQuery, locator: ZoneLocator = sqlZoneLocator): Promise<InternalBatchResult[]> {
  const lock = workLockOf(db)
  if (lock === null) {
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await withoutJit(tx)
        return resolveBatchIn(tx, query, locator, undefined)
      })
  }
  const release = await lock.acquireSnapshot()
  try {
    return await resolveBatchIn(db, query, locator, { chunk: EMBEDDED_BATCH_CHUNK, between: () => lock.yieldToForeground(FOREGROUND_WAIT_MS) })
  } finally {
    release()
  }
}

async function resolveBatchIn(tx: DbOrTx, query: BatchQuery, locator: ZoneLocator, pacing: Pacing | undefined): Promise<InternalBatchResult[]> {
  const categoryId = await requireCategory(tx, query.category)
  const count = query.ids.length
  const { offsets, zoneIds, zones } = await locator.coveringMany(tx, query.lons, query.lats, pacing)
  const routes = categoryId === null ? new Map<number, CategoryRoute>() : await categoryRoutes(tx, categoryId, [...zones.keys()])
  const routesCategory = (zone: ResolvedZone) => routes.has(zone.id)

  // The rule, point by point; points covered by the same zones, listed in the same order (most
  // points of one grid), share one outcome.
  const statuses: ResolveStatus[] = new Array(count)
  const starts: (ResolvedZone | null)[] = new Array(count)
  const sources: DepartmentSource<ResolvedZone>[] = new Array(count)
  const decided = new Map<string, { status: ResolveStatus; start: ResolvedZone | null; source: DepartmentSource<ResolvedZone> }>()
  for (let index = 0; index < count; index++) {
    if (pacing && index > 0 && index % RULE_SLICE === 0) await pacing.between?.()
    const ids = zoneIds.subarray(offsets[index]!, offsets[index + 1]!)
    const key = ids.join(',')
    let decision = decided.get(key)
    if (decision === undefined) {
      const outcome = applyResolutionRule(Array.from(ids, (id) => zones.get(id)!))
      const source = categoryId === null ? null : departmentSource(outcome.chain, routesCategory)
      decision = { status: outcome.status, start: outcome.start, source }
      decided.set(key, decision)
    }
    statuses[index] = decision.status
    starts[index] = decision.start
    sources[index] = decision.source
  }

  const fallbackStarts = new Set<number>()
  for (let index = 0; index < count; index++) if (statuses[index] === 'fallback') fallbackStarts.add(starts[index]!.id)
  const holderOf = await fallbackHolders(tx, [...fallbackStarts], query.at)
  const missing = [...new Set(holderOf.values())].filter((id) => !zones.has(id))
  for (const [id, zone] of await zoneRefs(tx, missing)) zones.set(id, zone)
  const primaryOf = new Map<number, ResolvedZone>()
  for (const start of starts) {
    if (!start || primaryOf.has(start.id)) continue
    if (!fallbackStarts.has(start.id)) primaryOf.set(start.id, start)
    else {
      const holderId = holderOf.get(start.id)
      primaryOf.set(start.id, fallbackPrimary(start, holderId === undefined ? undefined : zones.get(holderId)))
    }
  }
  const primaryIds = [...new Set([...primaryOf.values()].map((zone) => zone.id))]
  const holders = await holdersAt(tx, primaryIds, query.at)
  const links = new Map<number, InternalLink>(primaryIds.map((id) => [id, { zone: zones.get(id)!, holders: holders.get(id)! }]))

  let inherited = new Map<number, CategoryRoute>()
  if (categoryId !== null) {
    const inheritors = new Set<number>()
    for (const source of sources) if (source && 'inheritedBy' in source) inheritors.add(source.inheritedBy.id)
    inherited = await inheritedCategoryRoutes(tx, categoryId, [...inheritors])
  }

  const results: InternalBatchResult[] = new Array(count)
  for (let index = 0; index < count; index++) {
    const start = starts[index]
    const result: InternalBatchResult = {
      id: query.ids[index]!,
      status: statuses[index]!,
      primary: start ? links.get(primaryOf.get(start.id)!.id)! : null,
      covering: zoneIds.subarray(offsets[index]!, offsets[index + 1]!),
    }
    if (categoryId !== null) {
      const source = sources[index] ?? null
      result.department = source === null ? null : 'via' in source ? routes.get(source.via.id)! : (inherited.get(source.inheritedBy.id) ?? null)
    }
    results[index] = result
  }
  return results
}

/**
 * `inScope`, when given, answers which zone ids the caller may resolve in (server/auth/scope.ts):
 * a point whose covering zones all lie outside is answered `out_of_scope`, without its owner.
 */
export async function resolveBatch(
  db: Db,
  query: BatchQuery,
  inScope?: (zoneIds: number[]) => Promise<Set<number>>,
): Promise<BatchResult[]> {
  const results = await resolveBatchInternal(db, query)
  if (inScope) {
    const ids = new Set<number>()
    for (const result of results) for (const id of result.covering ?? []) ids.add(id)
    const readable = await inScope([...ids])
    for (const result of results) {
      const covering = result.covering ?? new Int32Array()
      if (covering.length > 0 && !covering.some((id) => readable.has(id))) {
        result.status = 'out_of_scope'
        result.primary = null
        if (result.department !== undefined) result.department = null
      }
    }
  }
  return toPublicBatchResults(results)
}
