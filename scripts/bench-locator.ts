/**
 * In-memory zone locator benchmark (`npm run bench:locator`): building the MemoryZoneLocator
 * from the database, its memory, covering() per point and coveringMany() for a million random
 * points, each beside sqlZoneLocator (PostGIS through zone_part) on the same points in the same
 * run. It also counts the points whose covering zones the two disagree on (0 expected), and how
 * many an exact orientation predicate would decide differently from PostGIS's floating point.
 *
 * Without DATABASE_URL it runs on an in-memory embedded PostGIS with the demo district; with it,
 * on that server's zones (loading the demo only if it holds none).
 *
 * Knobs: BENCH_POINTS (1,000,000), BENCH_SINGLE (2,000 SQL calls; the memory locator does 100 times as many), BENCH_SEED (2017).
 */
import { sql } from 'kysely'
import { performance } from 'node:perf_hooks'
import { connectDatabase } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { loadDemo } from '../server/transfer/demo.js'
import { sqlZoneLocator, type CoveringMany } from '../server/resolve/locator.js'
import { MemoryZoneLocator } from '../server/resolve/memory-locator.js'
import { exactSide } from '../server/resolve/point-in-polygon.js'
import { readZoneSnapshot } from '../server/resolve/zone-snapshot.js'
import { seededRandom } from './demo/streets.js'

const pointCount = Number(process.env.BENCH_POINTS ?? 1_000_000)
const singleCount = Number(process.env.BENCH_SINGLE ?? 2_000)
const seed = Number(process.env.BENCH_SEED ?? 2017)

const log = (message: string) => console.log(`[bench:locator] ${message}`)
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const ratio = (slow: number, fast: number) => `${(slow / fast).toFixed(0)}×`

function sameSets(a: CoveringMany, b: CoveringMany, count: number): number {
  let differing = 0
  const setAt = (many: CoveringMany, i: number) => [...new Set(many.zoneIds.subarray(many.offsets[i]!, many.offsets[i + 1]!))].sort((x, y) => x - y).join(',')
  for (let i = 0; i < count; i++) if (setAt(a, i) !== setAt(b, i)) differing++
  return differing
}

async function main() {
  const handle = await connectDatabase({ databaseUrl: process.env.DATABASE_URL || undefined })
  const db = handle.db
  await migrate(handle)
  const { rows: counted } = await sql<{ zones: number; parts: number }>`SELECT (SELECT count(*) FROM zone)::int AS zones, (SELECT count(*) FROM zone_part)::int AS parts`.execute(db)
  if (counted[0]!.zones === 0) log(`loading the demo: ${await loadDemo(db)}`)
  const { rows: sizes } = await sql<{ zones: number; parts: number; points: number }>`
    SELECT (SELECT count(*) FROM zone)::int AS zones, count(*)::int AS parts, sum(ST_NPoints(geom))::int AS points FROM zone_part`.execute(db)
  log(`${handle.backend}: ${sizes[0]!.zones} zones, ${sizes[0]!.parts} parts, ${sizes[0]!.points} vertices`)

  // Build: reading the snapshot, then indexing it; memory as the heap and typed arrays grew.
  global.gc?.()
  const before = process.memoryUsage()
  let started = performance.now()
  const snapshot = await db.transaction().setIsolationLevel('repeatable read').execute((tx) => readZoneSnapshot(tx))
  const readMs = performance.now() - started
  started = performance.now()
  const memory = new MemoryZoneLocator(snapshot)
  const indexMs = performance.now() - started
  global.gc?.()
  const after = process.memoryUsage()
  const arrays = snapshot.coords.byteLength + snapshot.ringStarts.byteLength + snapshot.partRings.byteLength + snapshot.partZone.byteLength + snapshot.partBoxes.byteLength
  log(`build: read ${readMs.toFixed(0)} ms + index ${indexMs.toFixed(1)} ms; typed arrays ${mb(arrays)}; heap + buffers grew ${mb(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers)}${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`)

  const { rows: boxes } = await sql<{ w: number; s: number; e: number; n: number }>`
    SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n FROM (SELECT ST_Extent(area)::geometry AS b FROM zone) x`.execute(db)
  const box = boxes[0]!
  const random = seededRandom(seed)
  const lons = new Float64Array(pointCount)
  const lats = new Float64Array(pointCount)
  for (let i = 0; i < pointCount; i++) {
    lons[i] = box.w + random() * (box.e - box.w)
    lats[i] = box.s + random() * (box.n - box.s)
  }

  // covering(), one point per call.
  const memorySingles = Math.min(pointCount, singleCount * 100)
  started = performance.now()
  for (let i = 0; i < memorySingles; i++) await memory.covering(db, { lon: lons[i]!, lat: lats[i]! })
  const memorySingleUs = ((performance.now() - started) * 1000) / memorySingles
  started = performance.now()
  for (let i = 0; i < singleCount; i++) await sqlZoneLocator.covering(db, { lon: lons[i]!, lat: lats[i]! })
  const sqlSingleUs = ((performance.now() - started) * 1000) / singleCount
  log(`covering() per point: memory ${memorySingleUs.toFixed(2)} µs (${memorySingles} calls), SQL ${(sqlSingleUs / 1000).toFixed(2)} ms (${singleCount} calls): ${ratio(sqlSingleUs, memorySingleUs)} faster`)

  // coveringMany(), all the points.
  started = performance.now()
  const fromMemory = memory.coveringManyNow(lons, lats)
  const memoryManyMs = performance.now() - started
  started = performance.now()
  const fromSql = await sqlZoneLocator.coveringMany(db, lons, lats)
  const sqlManyMs = performance.now() - started
  log(
    `coveringMany(${pointCount} points): memory ${memoryManyMs.toFixed(0)} ms (${((pointCount / memoryManyMs) * 1000).toFixed(0)} points/s), ` +
      `SQL ${(sqlManyMs / 1000).toFixed(1)} s (${((pointCount / sqlManyMs) * 1000).toFixed(0)} points/s): ${ratio(sqlManyMs, memoryManyMs)} faster`,
  )
  log(`points whose covering zones differ, memory vs SQL: ${sameSets(fromMemory, fromSql, pointCount)} of ${pointCount}`)
  const exact = new MemoryZoneLocator(snapshot, exactSide).coveringManyNow(lons, lats)
  log(`… with an exact orientation predicate (robust-predicates orient2d) instead of PostGIS's floating point: ${sameSets(exact, fromSql, pointCount)} differ`)

  // The same for boundary points, where the two predicates can part: every vertex and edge midpoint.
  const { rows: vertices } = await sql<{ x: number; y: number; next_x: number | null; next_y: number | null }>`
    SELECT x, y, lead(x) OVER w AS next_x, lead(y) OVER w AS next_y FROM (
      SELECT z.id, (dp).path AS path, ST_X((dp).geom) AS x, ST_Y((dp).geom) AS y FROM (SELECT id, ST_DumpPoints(area) AS dp FROM zone) z
    ) v WINDOW w AS (PARTITION BY id, path[1], path[2] ORDER BY path[3])`.execute(db)
  const edgeLons: number[] = []
  const edgeLats: number[] = []
  for (const v of vertices) {
    edgeLons.push(v.x)
    edgeLats.push(v.y)
    if (v.next_x !== null && v.next_y !== null) {
      edgeLons.push((v.x + v.next_x) / 2)
      edgeLats.push((v.y + v.next_y) / 2)
    }
  }
  const [bl, bt] = [Float64Array.from(edgeLons), Float64Array.from(edgeLats)]
  const boundarySql = await sqlZoneLocator.coveringMany(db, bl, bt)
  log(
    `${bl.length} vertices and edge midpoints: memory vs SQL differ on ${sameSets(memory.coveringManyNow(bl, bt), boundarySql, bl.length)}, ` +
      `exact predicate vs SQL on ${sameSets(new MemoryZoneLocator(snapshot, exactSide).coveringManyNow(bl, bt), boundarySql, bl.length)}`,
  )
  await handle.close()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
