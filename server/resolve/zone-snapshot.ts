import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { ResolvedZone } from './resolve.repository.js'

/**
 * The zones as the in-memory locator reads them: every zone_part (the zones' areas already
 * subdivided by the trigger in sql/001_schema.sql) as flat typed arrays, and every zone as
 * resolution names it. Coordinates travel as WKB, so the doubles are PostGIS's own, bit for bit.
 */
export interface ZoneSnapshot {
  /** The zone each part belongs to. */
  partZone: Int32Array
  /** Part p is rings `partRings[p]` … `partRings[p + 1] - 1`, its exterior first. */
  partRings: Int32Array
  /** Ring r is points `ringStarts[r]` … `ringStarts[r + 1] - 1`, closed. */
  ringStarts: Int32Array
  /** x, y of every point (lon, lat). */
  coords: Float64Array
  /** Each part's box: minX, minY, maxX, maxY. */
  partBoxes: Float64Array
  zones: Map<number, ResolvedZone>
}

/** Zones per statement while reading parts: keeps each answer a few megabytes at city scale. */
const ZONES_PER_STATEMENT = 2_000

/** Growable typed arrays, so that a city's millions of points never sit in a JS array. */
class Growing<T extends Float64Array | Int32Array> {
  length = 0
  constructor(
    private array: T,
    private readonly make: (size: number) => T,
  ) {}
  push(value: number) {
    if (this.length === this.array.length) {
      const bigger = this.make(this.array.length * 2)
      bigger.set(this.array)
      this.array = bigger
    }
    this.array[this.length++] = value
  }
  done(): T {
    return this.array.slice(0, this.length) as T
  }
}

const growFloat = () => new Growing(new Float64Array(1024), (size) => new Float64Array(size))
const growInt = () => new Growing(new Int32Array(1024), (size) => new Int32Array(size))

/** Reads the zones and their parts in one snapshot of the database (call it inside a transaction to get one). */
export async function readZoneSnapshot(db: DbOrTx): Promise<ZoneSnapshot> {
  const { rows: zoneRows } = await sql<ResolvedZone>`SELECT id, kind, code, name, parent_id FROM zone ORDER BY id`.execute(db)
  const zones = new Map(zoneRows.map((zone) => [zone.id, zone]))
  const partZone = growInt()
  const partRings = growInt()
  const ringStarts = growInt()
  const coords = growFloat()
  const partBoxes = growFloat()
  for (let start = 0; start < zoneRows.length; start += ZONES_PER_STATEMENT) {
    const ids = zoneRows.slice(start, start + ZONES_PER_STATEMENT).map((zone) => zone.id)
    const { rows } = await sql<{ zone_id: number; wkb: Uint8Array }>`
      SELECT zone_id, ST_AsBinary(geom) AS wkb FROM zone_part WHERE zone_id = ANY(${ids}::int4[]) ORDER BY zone_id`.execute(db)
    for (const row of rows) {
      partZone.push(row.zone_id)
      partRings.push(ringStarts.length)
      readPolygonWkb(row.wkb, coords, ringStarts, partBoxes)
    }
  }
  partRings.push(ringStarts.length)
  ringStarts.push(coords.length / 2)
  return {
    partZone: partZone.done(),
    partRings: partRings.done(),
    ringStarts: ringStarts.done(),
    coords: coords.done(),
    partBoxes: partBoxes.done(),
    zones,
  }
}

/** A WKB Polygon (OGC 06-103r4 §8.2): byte order, type 3, ring count, then per ring its point count and doubles. */
function readPolygonWkb(wkb: Uint8Array, coords: Growing<Float64Array>, ringStarts: Growing<Int32Array>, boxes: Growing<Float64Array>): void {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength)
  const little = view.getUint8(0) === 1
  const type = view.getUint32(1, little)
  if (type !== 3) throw new Error(`zone_part holds a geometry of WKB type ${type}, not a polygon`)
  const ringCount = view.getUint32(5, little)
  let at = 9
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let ring = 0; ring < ringCount; ring++) {
    const pointCount = view.getUint32(at, little)
    at += 4
    ringStarts.push(coords.length / 2)
    for (let i = 0; i < pointCount; i++, at += 16) {
      const x = view.getFloat64(at, little)
      const y = view.getFloat64(at + 8, little)
      coords.push(x)
      coords.push(y)
      if (ring === 0) {
        if (x < minX) minX = x
        if (x > maxX) maxX = x
        if (y < minY) minY = y
        if (y > maxY) maxY = y
      }
    }
  }
  boxes.push(minX)
  boxes.push(minY)
  boxes.push(maxX)
  boxes.push(maxY)
}
