import type { Db, DbOrTx, ZoneRef } from '../db/database.js'
import { isOwnerKind, zoneKindTable } from '../kernel/zone-kinds.js'
import { badRequest } from '../errors.js'
import type { BatchQuery, PointQuery } from './resolve.input.js'
import {
  inheritedCategoryRoutes,
  categoryRoutes,
  coveringZones,
  fallbackHolders,
  findCategoryId,
  nearbyOwnerZones,
  nearestJurisdiction,
  primaryZones,
  withoutJit,
  zoneRefs,
  type PublicContact,
} from './resolve.repository.js'
import { holdersAt, type Holders } from '../db/holders.js'
import type { Alternative, BatchResult, Link, Resolution, ResolveStatus } from './resolve.schemas.js'

export type { Alternative, BatchResult, Link, Resolution, ResolveStatus }

/** Statements of this many points keep the parameter arrays and the sort small. */
export const BATCH_CHUNK = 20_000

/** Code order as the database compares under COLLATE "C" (code points, for the BMP). */
function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const metres = (value: number) => Math.round(value * 100) / 100

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

const nameAndPhone = (contact: PublicContact | null): PublicContact | null => (contact ? { name: contact.name, phone: contact.phone } : null)

function toLink(zone: ZoneRef, holders: Map<number, Holders>): Link {
  const held = holders.get(zone.id)
  const chief = held?.chief
  return {
    zone: { id: zone.id, kind: zone.kind, code: zone.code, name: zone.name },
    chief: chief ? { name: chief.name, phone: chief.phone, title: chief.title, role: chief.role } : null,
    department: nameAndPhone(held?.department ?? null),
    fallback: nameAndPhone(held?.fallback ?? null),
    merchant: nameAndPhone(held?.merchant ?? null),
  }
}

/** DESIGN section 4 for one point: chain, primary owner, department, alternatives, fallback. */
export async function resolvePoint(db: Db, query: PointQuery): Promise<Resolution> {
  const categoryId = await requireCategory(db, query.category)
  const covering = await coveringZones(db, query.point)

  // One zone per kind in the chain; another zone of a kind already there is an overlap, shown
  // as an alternative so that a dispatcher sees the double ownership.
  const chainZones: ZoneRef[] = []
  const candidates = new Map<number, { zone: ZoneRef; distance_m: number }>()
  const seenKinds = new Set<string>()
  for (const zone of covering) {
    if (seenKinds.has(zone.kind)) candidates.set(zone.id, { zone, distance_m: 0 })
    else chainZones.push(zone)
    seenKinds.add(zone.kind)
  }
  const inChain = new Set(chainZones.map((zone) => zone.id))
  if (query.accuracyM > 0) {
    for (const nearby of await nearbyOwnerZones(db, query.point, query.accuracyM)) {
      if (inChain.has(nearby.id) || candidates.has(nearby.id)) continue
      candidates.set(nearby.id, { zone: nearby, distance_m: metres(nearby.distance_m) })
    }
  }
  const alternativeZones = [...candidates.values()].sort(
    (a, b) =>
      zoneKindTable[a.zone.kind].chainOrder - zoneKindTable[b.zone.kind].chainOrder ||
      a.distance_m - b.distance_m ||
      compareCodes(a.zone.code, b.zone.code) ||
      a.zone.id - b.zone.id,
  )

  const first = chainZones[0]
  let status: ResolveStatus = 'outside'
  let primaryZone: ZoneRef | null = null
  let nearest: Resolution['nearest'] = null
  if (first && isOwnerKind(first.kind)) {
    status = 'owned'
    primaryZone = first
  } else if (first) {
    status = 'fallback'
    const holderId = (await fallbackHolders(db, [first.id], query.at)).get(first.id)
    // With no fall-back party anywhere up the tree, the enclosing jurisdiction is still named. The
    // holder may be a parent that does not cover the point (a spill): it answers all the same.
    primaryZone =
      holderId === undefined
        ? first
        : (chainZones.find((zone) => zone.id === holderId) ?? (await zoneRefs(db, [holderId])).get(holderId) ?? first)
  } else {
    const found = await nearestJurisdiction(db, query.point)
    if (found) nearest = { zone: { id: found.id, kind: found.kind, code: found.code, name: found.name }, distance_m: metres(found.distance_m) }
  }

  const zoneIds = [...new Set([...chainZones, ...alternativeZones.map((a) => a.zone), ...(primaryZone ? [primaryZone] : [])].map((z) => z.id))]
  const holders = await holdersAt(db, zoneIds, query.at)

  let department: Resolution['department'] = null
  if (categoryId !== null) {
    const routes = await categoryRoutes(db, categoryId, chainZones.map((zone) => zone.id))
    const via = chainZones.find((zone) => routes.has(zone.id))
    if (via) department = { ...routes.get(via.id)!, via: via.code }
    else {
      // Nothing covering the point routes it: the most specific zone's parents may (inheritance down
      // the tree). The batch below applies the same rule.
      const [mostSpecific] = chainZones
      if (mostSpecific) department = (await inheritedCategoryRoutes(db, categoryId, [mostSpecific.id])).get(mostSpecific.id) ?? null
    }
  }

  return {
    status,
    point: query.point,
    primary: primaryZone ? toLink(primaryZone, holders) : null,
    chain: chainZones.map((zone) => toLink(zone, holders)),
    department,
    alternatives: alternativeZones.map(({ zone, distance_m }) => ({ ...toLink(zone, holders), distance_m })),
    nearest,
  }
}

/**
 * Many points at once, set-based: each chunk of points is one statement that joins them to
 * zone_part and keeps the most specific zone per point; jurisdictions are then walked up to their
 * fall-back party once per zone, and each Link is built once per zone and shared.
 * Runs in one repeatable-read transaction, so that every point sees the same data.
 */
export async function resolveBatch(db: Db, query: BatchQuery): Promise<BatchResult[]> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      await withoutJit(tx)
      const categoryId = await requireCategory(tx, query.category)
      const count = query.ids.length
      const zoneOf = new Int32Array(count)
      const viaOf = new Int32Array(count)
      for (let start = 0; start < count; start += BATCH_CHUNK) {
        const end = Math.min(start + BATCH_CHUNK, count)
        const lons = Array.from(query.lons.subarray(start, end))
        const lats = Array.from(query.lats.subarray(start, end))
        const hits = await primaryZones(tx, lons, lats, categoryId)
        for (let i = 0; i < hits.ords.length; i++) {
          const index = start + hits.ords[i]! - 1
          zoneOf[index] = hits.zoneIds[i]!
          viaOf[index] = hits.viaIds[i] ?? 0
        }
      }

      const refs = await zoneRefs(tx, [...new Set(zoneOf)].filter((id) => id !== 0))
      const fallbackStarts = [...refs.values()].filter((zone) => !isOwnerKind(zone.kind)).map((zone) => zone.id)
      const holderOf = await fallbackHolders(tx, fallbackStarts, query.at)
      const missing = [...new Set(holderOf.values())].filter((id) => !refs.has(id))
      for (const [id, zone] of await zoneRefs(tx, missing)) refs.set(id, zone)

      const primaryOf = new Map<number, number>()
      for (const zone of refs.values()) primaryOf.set(zone.id, isOwnerKind(zone.kind) ? zone.id : (holderOf.get(zone.id) ?? zone.id))
      const holders = await holdersAt(tx, [...new Set(primaryOf.values())], query.at)
      const links = new Map<number, Link>()
      for (const id of new Set(primaryOf.values())) links.set(id, toLink(refs.get(id)!, holders))

      const departments = new Map<number, PublicContact & { via: string }>()
      if (categoryId !== null) {
        const viaIds = [...new Set(viaOf)].filter((id) => id !== 0)
        const viaRefs = await zoneRefs(tx, viaIds)
        for (const [id, route] of await categoryRoutes(tx, categoryId, viaIds)) {
          departments.set(id, { ...route, via: viaRefs.get(id)!.code })
        }
      }

      // Points whose covering zones route nothing fall back to the routes their zone inherits.
      let inherited = new Map<number, PublicContact & { via: string }>()
      if (categoryId !== null) {
        const unrouted = new Set<number>()
        for (let index = 0; index < count; index++) if (viaOf[index] === 0 && zoneOf[index] !== 0) unrouted.add(zoneOf[index]!)
        inherited = await inheritedCategoryRoutes(tx, categoryId, [...unrouted])
      }

      const results: BatchResult[] = new Array(count)
      for (let index = 0; index < count; index++) {
        const zoneId = zoneOf[index]!
        const zone = zoneId === 0 ? undefined : refs.get(zoneId)
        const result: BatchResult = {
          id: query.ids[index]!,
          status: !zone ? 'outside' : isOwnerKind(zone.kind) ? 'owned' : 'fallback',
          primary: zone ? links.get(primaryOf.get(zone.id)!)! : null,
        }
        if (categoryId !== null) {
          result.department = departments.get(viaOf[index]!) ?? (zone ? (inherited.get(zone.id) ?? null) : null)
        }
        results[index] = result
      }
      return results
    })
}
