import Flatbush from 'flatbush'
import type { DbOrTx } from '../db/database.js'
import type { LonLat } from '../geometry/convert-crs.js'
import { isOwnerKind, jurisdictionKinds } from '../kernel/zone-kinds.js'
import { closestOnRings, noClosest, spheroidDistanceM, type Closest } from './ground-distance.js'
import type { CoveringMany, ZoneLocator } from './locator.js'
import { OUTSIDE, polygonDistanceSquared, polygonPosition, postgisSide, type SideOf } from './point-in-polygon.js'
import type { Distanced } from './resolution-rule.js'
import type { ResolvedZone } from './resolve.repository.js'
import { readZoneSnapshot, type ZoneSnapshot } from './zone-snapshot.js'

/** How many jurisdictions the planar distance proposes before they are measured: as sqlZoneLocator. */
const NEAREST_CANDIDATES = 16

const isJurisdictionKind = (kind: string) => (jurisdictionKinds as readonly string[]).includes(kind)

/**
 * The ZoneLocator answered from memory (issue 8, item 2): a snapshot of zone_part in flat typed
 * arrays, a packed R-tree (Flatbush) over the parts' boxes, and the ST_Covers boundary rule
 * (point-in-polygon.ts). Its answers are those of sqlZoneLocator for the data it was built
 * from; it does not follow later writes (groundwork: nothing uses it by default yet).
 */
export class MemoryZoneLocator implements ZoneLocator {
  readonly partCount: number
  private readonly index: Flatbush
  /** Parts of jurisdictions only, for the nearest jurisdiction to a point outside them all. */
  private readonly jurisdictionIndex: Flatbush
  private readonly jurisdictionParts: Int32Array

  constructor(
    readonly snapshot: ZoneSnapshot,
    private readonly sideOf: SideOf = postgisSide,
  ) {
    const { partBoxes, partZone, zones } = snapshot
    this.partCount = partZone.length
    this.index = new Flatbush(Math.max(this.partCount, 1))
    for (let part = 0; part < this.partCount; part++) this.index.add(partBoxes[4 * part]!, partBoxes[4 * part + 1]!, partBoxes[4 * part + 2]!, partBoxes[4 * part + 3]!)
    if (this.partCount === 0) this.index.add(Infinity, Infinity, Infinity, Infinity)
    this.index.finish()

    const jurisdictionParts: number[] = []
    for (let part = 0; part < this.partCount; part++) if (isJurisdictionKind(zones.get(partZone[part]!)!.kind)) jurisdictionParts.push(part)
    this.jurisdictionParts = Int32Array.from(jurisdictionParts)
    this.jurisdictionIndex = new Flatbush(Math.max(jurisdictionParts.length, 1))
    for (const part of jurisdictionParts) this.jurisdictionIndex.add(partBoxes[4 * part]!, partBoxes[4 * part + 1]!, partBoxes[4 * part + 2]!, partBoxes[4 * part + 3]!)
    if (jurisdictionParts.length === 0) this.jurisdictionIndex.add(Infinity, Infinity, Infinity, Infinity)
    this.jurisdictionIndex.finish()
  }

  /** Reads the current zones (in one repeatable-read snapshot) and indexes them. */
  static async load(db: DbOrTx, sideOf: SideOf = postgisSide): Promise<MemoryZoneLocator> {
    const snapshot =
      'isTransaction' in db && db.isTransaction ? await readZoneSnapshot(db) : await db.transaction().setIsolationLevel('repeatable read').execute((tx) => readZoneSnapshot(tx))
    return new MemoryZoneLocator(snapshot, sideOf)
  }

  private covers(part: number, x: number, y: number): boolean {
    const { partRings, ringStarts, coords } = this.snapshot
    return polygonPosition(coords, ringStarts, partRings[part]!, partRings[part + 1]!, x, y, this.sideOf) !== OUTSIDE
  }

  /** Calls `found` with the zone id of every part covering the point (a zone may come twice). */
  private eachCovering(x: number, y: number, found: (zoneId: number) => void): void {
    if (this.partCount === 0) return
    const partZone = this.snapshot.partZone
    this.index.search(x, y, x, y, (part) => {
      if (this.covers(part, x, y)) found(partZone[part]!)
      return false
    })
  }

  covering(_db: DbOrTx, at: LonLat): Promise<ResolvedZone[]> {
    const ids = new Set<number>()
    this.eachCovering(at.lon, at.lat, (id) => ids.add(id))
    return Promise.resolve([...ids].map((id) => this.snapshot.zones.get(id)!))
  }

  /** The zones covering each point, in the compressed rows of CoveringMany, synchronously. */
  coveringManyNow(lons: Float64Array, lats: Float64Array): CoveringMany {
    const count = lons.length
    const offsets = new Int32Array(count + 1)
    let zoneIds = new Int32Array(Math.max(16, count * 2))
    let used = 0
    const seen = new Set<number>()
    const push = (id: number) => {
      if (used === zoneIds.length) {
        const bigger = new Int32Array(zoneIds.length * 2)
        bigger.set(zoneIds)
        zoneIds = bigger
      }
      zoneIds[used++] = id
      seen.add(id)
    }
    for (let i = 0; i < count; i++) {
      this.eachCovering(lons[i]!, lats[i]!, push)
      offsets[i + 1] = used
    }
    const zones = new Map<number, ResolvedZone>()
    for (const id of seen) zones.set(id, this.snapshot.zones.get(id)!)
    return { offsets, zoneIds: zoneIds.slice(0, used), zones }
  }

  coveringMany(_db: DbOrTx, lons: Float64Array, lats: Float64Array): Promise<CoveringMany> {
    return Promise.resolve(this.coveringManyNow(lons, lats))
  }

  /** The part's nearest point on the sphere to `at`, or null when the part covers it (0 m). */
  private closestOfPart(part: number, at: LonLat): Closest | null {
    if (this.covers(part, at.lon, at.lat)) return null
    const { partRings, ringStarts, coords } = this.snapshot
    const closest = noClosest()
    closestOnRings(coords, ringStarts, partRings[part]!, partRings[part + 1]!, at.lon, at.lat, closest)
    return closest
  }

  private partDistanceM(part: number, at: LonLat): number {
    const closest = this.closestOfPart(part, at)
    return closest === null ? 0 : spheroidDistanceM(at.lon, at.lat, closest.lon, closest.lat)
  }

  ownersWithin(_db: DbOrTx, at: LonLat, metres: number): Promise<Distanced<ResolvedZone>[]> {
    // The same box as sqlZoneLocator's, only to narrow the parts; the distance decides.
    const dLat = (metres / 110_500) * 1.1
    const dLon = (metres / (110_500 * Math.max(Math.cos((Math.min(Math.abs(at.lat), 89) * Math.PI) / 180), 0.01))) * 1.1
    const { partZone, zones } = this.snapshot
    const nearest = new Map<number, number>()
    if (this.partCount > 0) {
      this.index.search(at.lon - dLon, at.lat - dLat, at.lon + dLon, at.lat + dLat, (part) => {
        const zone = zones.get(partZone[part]!)!
        if (!isOwnerKind(zone.kind)) return false
        const distance = this.partDistanceM(part, at)
        if (distance <= metres && distance < (nearest.get(zone.id) ?? Infinity)) nearest.set(zone.id, distance)
        return false
      })
    }
    return Promise.resolve([...nearest].map(([id, distance_m]) => ({ zone: zones.get(id)!, distance_m })))
  }

  jurisdictionsNear(_db: DbOrTx, at: LonLat): Promise<Distanced<ResolvedZone>[]> {
    const { partZone, partRings, ringStarts, coords, zones } = this.snapshot
    if (this.jurisdictionParts.length === 0) return Promise.resolve([])
    // Parts come in order of their boxes' distance, a lower bound of their own: once a box is
    // farther than the 16th nearest zone found, no later part can change the 16.
    const planar = new Map<number, number>()
    const cutoff = () => {
      if (planar.size < NEAREST_CANDIDATES) return Infinity
      return [...planar.values()].sort((a, b) => a - b)[NEAREST_CANDIDATES - 1]!
    }
    this.jurisdictionIndex.neighbors(at.lon, at.lat, 1, Infinity, (entry) => {
      const part = this.jurisdictionParts[entry]!
      const boxDistance = boxDistanceSquared(this.snapshot.partBoxes, part, at.lon, at.lat)
      if (boxDistance > cutoff()) return true
      const zoneId = partZone[part]!
      const distance = polygonDistanceSquared(coords, ringStarts, partRings[part]!, partRings[part + 1]!, at.lon, at.lat)
      if (distance < (planar.get(zoneId) ?? Infinity)) planar.set(zoneId, distance)
      return false
    })
    const candidates = [...planar].sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, NEAREST_CANDIDATES)
    // Measured on the ground to the zone's whole area: the nearest point over all its parts.
    const partsOf = new Map<number, number[]>()
    for (const part of this.jurisdictionParts) {
      const zoneId = partZone[part]!
      if (candidates.some(([id]) => id === zoneId)) (partsOf.get(zoneId) ?? partsOf.set(zoneId, []).get(zoneId)!).push(part)
    }
    return Promise.resolve(
      candidates.map(([id]) => {
        const closest = noClosest()
        let covered = false
        for (const part of partsOf.get(id)!) {
          if (this.covers(part, at.lon, at.lat)) covered = true
          else closestOnRings(coords, ringStarts, partRings[part]!, partRings[part + 1]!, at.lon, at.lat, closest)
        }
        const distance_m = covered ? 0 : spheroidDistanceM(at.lon, at.lat, closest.lon, closest.lat)
        return { zone: zones.get(id)!, distance_m }
      }),
    )
  }
}

function boxDistanceSquared(boxes: Float64Array, part: number, x: number, y: number): number {
  const dx = Math.max(boxes[4 * part]! - x, 0, x - boxes[4 * part + 2]!)
  const dy = Math.max(boxes[4 * part + 1]! - y, 0, y - boxes[4 * part + 3]!)
  return dx * dx + dy * dy
}
