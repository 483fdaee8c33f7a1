/**
 * Resolution benchmark (`npm run bench:resolve`): single-point latency over HTTP, batch
 * resolution of a million random points over HTTP, and beside it a plain PostGIS ST_Covers join
 * of the same points against the zone table, measured in the same run. Prints numbers only.
 *
 * Without DATABASE_URL it runs on an in-memory embedded PostGIS with the demo district (or, if
 * loadDemo leaves the database empty, a synthetic sub-district of 15 grids). With DATABASE_URL it uses that
 * server's data, loading the demo first only if it holds no zones.
 *
 * Knobs: BENCH_SINGLE (2000), BENCH_BATCH_REQUESTS (10), BENCH_BATCH_SIZE (100000), BENCH_SEED (2017).
 */
import { sql } from 'kysely'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { buildApp } from '../server/app.js'
import { connectDatabase } from '../server/db/connect.js'
import type { Db } from '../server/db/database.js'
import type { ZoneKind } from '../server/kernel/zone-kinds.js'
import { migrate } from '../server/db/migrate.js'
import { loadDemo } from '../server/transfer/demo.js'
import { randomBytes } from 'node:crypto'
import { bootstrapAccounts } from '../server/auth/bootstrap.js'
import { withoutJit } from '../server/resolve/resolve.repository.js'
import { applyResolutionRule } from '../server/resolve/resolution-rule.js'
// Seeded, so that every run draws the same points.
import { seededRandom } from './demo/streets.js'

const singleCount = Number(process.env.BENCH_SINGLE ?? 2000)
const batchRequests = Number(process.env.BENCH_BATCH_REQUESTS ?? 10)
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 100_000)
const seed = Number(process.env.BENCH_SEED ?? 2017)

const log = (message: string) => console.log(`[bench] ${message}`)
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/**
 * Stand-in for the demo while it does not exist: a sub-district in Hangzhou cut into 4×4 grids
 * (one left out, a coverage gap) in two communities, with streets on the grid lines.
 */
async function seedSyntheticDistrict(db: Db): Promise<string> {
  const [west, south, east, north] = [120.15, 30.27, 120.19, 30.3]
  const insertZone = async (kind: ZoneKind, code: string, parent: number | null, areaSql: ReturnType<typeof sql>) => {
    const { rows } = await sql<{ id: number }>`
      INSERT INTO zone (kind, code, name, parent_id, area)
      VALUES (${kind}, ${code}, ${`合成${code}`}, ${parent}, ST_Multi(${areaSql}))
      RETURNING id`.execute(db)
    return rows[0]!.id
  }
  // A sub-district with an irregular edge (a ring of 240 vertices), so that point-in-polygon
  // costs what a real boundary costs.
  const ring: string[] = []
  for (let i = 0; i < 240; i++) {
    const angle = (2 * Math.PI * i) / 240
    const wobble = 1 + 0.04 * Math.sin(angle * 9)
    const lon = (west + east) / 2 + ((east - west) / 2) * 0.98 * wobble * Math.cos(angle)
    const lat = (south + north) / 2 + ((north - south) / 2) * 0.98 * wobble * Math.sin(angle)
    ring.push(`${lon} ${lat}`)
  }
  ring.push(ring[0]!)
  const boundary = sql`ST_GeomFromText(${`POLYGON((${ring.join(',')}))`}, 4326)`
  const subdistrict = await insertZone('subdistrict', '330102009', null, boundary)
  const midLon = (west + east) / 2
  const halves = [
    await insertZone('community', '330102009001', subdistrict, sql`ST_Intersection(${boundary}, ST_MakeEnvelope(${west}, ${south}, ${midLon}, ${north}, 4326))`),
    await insertZone('community', '330102009002', subdistrict, sql`ST_Intersection(${boundary}, ST_MakeEnvelope(${midLon}, ${south}, ${east}, ${north}, 4326))`),
  ]
  const fallback = await sql<{ id: number }>`INSERT INTO party (type, name, phone) VALUES ('fallback', '合成城市物业', '000-0000') RETURNING id`.execute(db)
  await sql`INSERT INTO assignment (zone_id, party_id, duty) VALUES (${subdistrict}, ${fallback.rows[0]!.id}, 'fallback')`.execute(db)
  const dLon = (east - west) / 4
  const dLat = (north - south) / 4
  for (let row = 0; row < 4; row++) {
    for (let column = 0; column < 4; column++) {
      if (row === 1 && column === 2) continue
      const cell = sql`ST_MakeEnvelope(${west + column * dLon}, ${north - (row + 1) * dLat}, ${west + (column + 1) * dLon}, ${north - row * dLat}, 4326)`
      const community = halves[column < 2 ? 0 : 1]!
      const id = await insertZone('grid', `3301020090${column < 2 ? '01' : '02'}${String(row * 4 + column + 1).padStart(2, '0')}`, community,
        sql`ST_CollectionExtract(ST_Intersection(${boundary}, ${cell}), 3)`)
      const chief = await sql<{ id: number }>`INSERT INTO party (type, name, phone, role) VALUES ('chief', ${`网格长${id}`}, '000-0000', '网格长') RETURNING id`.execute(db)
      await sql`INSERT INTO assignment (zone_id, party_id, duty) VALUES (${id}, ${chief.rows[0]!.id}, 'chief')`.execute(db)
    }
  }
  for (let i = 1; i < 4; i++) {
    const lat = south + i * dLat
    const lon = west + i * dLon
    for (const [code, line] of [
      [`S-EW-${i}`, `LINESTRING(${west} ${lat}, ${east} ${lat})`],
      [`S-NS-${i}`, `LINESTRING(${lon} ${south}, ${lon} ${north})`],
    ] as const) {
      await sql`
        INSERT INTO zone (kind, code, name, parent_id, width_m, centerline, area)
        VALUES ('street', ${code}, ${`合成路${code}`}, ${subdistrict}, 24, ST_GeomFromText(${line}, 4326), ST_GeomFromText('MULTIPOLYGON EMPTY', 4326))`.execute(db)
    }
  }
  return 'synthetic sub-district: 2 communities, 15 grids, 6 streets'
}

interface ZoneRow {
  id: number
  kind: ZoneKind
  code: string
}

async function main() {
  const started = performance.now()
  const handle = await connectDatabase({ databaseUrl: process.env.DATABASE_URL || undefined })
  log(`database: ${handle.describe}`)
  await migrate(handle)
  const db = handle.db
  const countZones = async () => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM zone`.execute(db)).rows[0]!.n)
  if ((await countZones()) === 0) {
    log(`loading the demo: ${await loadDemo(db)}`)
    if ((await countZones()) === 0) log(`the demo is empty; ${await seedSyntheticDistrict(db)}`)
  }
  const zones = (await sql<ZoneRow>`SELECT id, kind, code FROM zone`.execute(db)).rows
  const parts = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM zone_part`.execute(db)).rows[0]!.n)
  const extent = (
    await sql<{ w: number; s: number; e: number; n: number }>`
      SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n FROM (SELECT ST_Extent(area)::geometry AS b FROM zone) x`.execute(db)
  ).rows[0]!
  const byKind = new Map<string, number>()
  for (const zone of zones) byKind.set(zone.kind, (byKind.get(zone.kind) ?? 0) + 1)
  log(`data: ${zones.length} zones (${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')}), ${parts} zone parts`)
  log(`bbox: ${extent.w.toFixed(5)},${extent.s.toFixed(5)},${extent.e.toFixed(5)},${extent.n.toFixed(5)}`)

  const random = seededRandom(seed)
  const draw = () => ({
    lon: extent.w + random() * (extent.e - extent.w),
    lat: extent.s + random() * (extent.n - extent.s),
  })

  // Every route needs credentials: an administrator's API token, fresh each run (as ADMIN_TOKEN would add it).
  const adminToken = randomBytes(24).toString('base64url')
  await bootstrapAccounts(db, { adminLogin: 'bench-admin', adminToken, demo: false })
  const authorization = `Bearer ${adminToken}`
  const app = await buildApp({ db, logger: false, rateLimits: 'off' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  log(`app listening on ${base}`)

  // Single points, one request at a time, as a dispatcher's clicks would come.
  const singlePoints = Array.from({ length: singleCount }, draw)
  for (const p of singlePoints.slice(0, 50)) await (await fetch(`${base}/api/resolve?lon=${p.lon}&lat=${p.lat}`, { headers: { authorization } })).json()
  const latencies: number[] = []
  const singleStart = performance.now()
  for (const [index, p] of singlePoints.entries()) {
    const t0 = performance.now()
    const response = await fetch(`${base}/api/resolve?lon=${p.lon}&lat=${p.lat}`, { headers: { authorization } })
    await response.json()
    if (response.status !== 200) throw new Error(`GET /api/resolve answered ${response.status}`)
    latencies.push(performance.now() - t0)
    if ((index + 1) % 500 === 0) log(`single: ${index + 1}/${singleCount}`)
  }
  const singleTotal = performance.now() - singleStart
  latencies.sort((a, b) => a - b)

  // The same points as bare SQL, to show what HTTP, the chain and the Links cost on top.
  const sqlLatencies: number[] = []
  for (const p of singlePoints) {
    const t0 = performance.now()
    await sql`SELECT z.id FROM zone z WHERE ST_Covers(z.area, ST_SetSRID(ST_MakePoint(${p.lon}::float8, ${p.lat}::float8), 4326))`.execute(db)
    sqlLatencies.push(performance.now() - t0)
  }
  sqlLatencies.sort((a, b) => a - b)

  // A million points in requests of batchSize.
  const batches = Array.from({ length: batchRequests }, (_, b) =>
    Array.from({ length: batchSize }, (_, i) => ({ id: b * batchSize + i, ...draw() })),
  )
  const statusCounts = { owned: 0, fallback: 0, outside: 0 }
  const batchPrimary: (number | null)[] = []
  let batchTime = 0
  for (const [index, points] of batches.entries()) {
    const body = JSON.stringify({ points })
    const t0 = performance.now()
    const response = await fetch(`${base}/api/resolve/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body })
    const answer = (await response.json()) as { results: { status: keyof typeof statusCounts; primary: { zone: { id: number } } | null }[] }
    const elapsed = performance.now() - t0
    if (response.status !== 200) throw new Error(`POST /api/resolve/batch answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`)
    batchTime += elapsed
    for (const result of answer.results) {
      statusCounts[result.status]++
      batchPrimary.push(result.primary?.zone.id ?? null)
    }
    log(`batch ${index + 1}/${batchRequests}: ${points.length} points in ${ms(elapsed)}`)
  }
  await app.close()

  // Baseline: the plainest set-based query, every (point, covering zone) pair against zone.area.
  const kindOf = new Map(zones.map((zone) => [zone.id, zone]))
  let baselineTime = 0
  let baselinePairs = 0
  let agreeing = 0
  let comparable = 0
  for (const [index, points] of batches.entries()) {
    const lons = points.map((p) => p.lon)
    const lats = points.map((p) => p.lat)
    const t0 = performance.now()
    // Without JIT, as the batch runs: on PostgreSQL it would add ~100 ms to each statement.
    const rows = await db.transaction().execute(async (tx) => {
      await withoutJit(tx)
      const answer = await sql<{ ord: number; id: number }>`
        SELECT t.ord::int4 AS ord, z.id
        FROM unnest(${lons}::float8[], ${lats}::float8[]) WITH ORDINALITY AS t(lon, lat, ord)
        JOIN zone z ON ST_Covers(z.area, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326))`.execute(tx)
      return answer.rows
    })
    baselineTime += performance.now() - t0
    baselinePairs += rows.length
    // Check the batch against it: the resolution rule applied to the baseline's covering zones.
    // Fall-back points are skipped (the batch answers them with a party up the tree).
    const covering = new Map<number, ZoneRow[]>()
    for (const row of rows) {
      const list = covering.get(row.ord)
      if (list) list.push(kindOf.get(row.id)!)
      else covering.set(row.ord, [kindOf.get(row.id)!])
    }
    for (let i = 0; i < points.length; i++) {
      const outcome = applyResolutionRule(covering.get(i + 1) ?? [])
      if (outcome.status === 'fallback') continue
      comparable++
      if ((outcome.start?.id ?? null) === batchPrimary[index * batchSize + i]) agreeing++
    }
    log(`baseline ${index + 1}/${batchRequests}: ${rows.length} pairs`)
  }
  await handle.close()

  const total = batchRequests * batchSize
  console.log('')
  console.log(`Resolution benchmark — ${handle.describe}, ${zones.length} zones, seed ${seed}`)
  console.log(`single point over HTTP (${singleCount} sequential GET /api/resolve):`)
  console.log(`  median ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}, ` +
    `${(singleCount / (singleTotal / 1000)).toFixed(0)} req/s`)
  console.log(`  bare SQL ST_Covers on zone.area, same points: median ${ms(percentile(sqlLatencies, 50))}, p99 ${ms(percentile(sqlLatencies, 99))}`)
  console.log(`batch over HTTP (${batchRequests} × ${batchSize} points, POST /api/resolve/batch):`)
  console.log(`  ${ms(batchTime)} total, ${(total / (batchTime / 1000)).toFixed(0)} points/s ` +
    `(owned ${statusCounts.owned}, fallback ${statusCounts.fallback}, outside ${statusCounts.outside})`)
  console.log(`baseline plain ST_Covers join against zone (same points, in SQL, no zone_part, no Links):`)
  console.log(`  ${ms(baselineTime)} total, ${(total / (baselineTime / 1000)).toFixed(0)} points/s, ${baselinePairs} point-zone pairs`)
  console.log(`ratio batch-over-HTTP / baseline: ${(batchTime / baselineTime).toFixed(2)}×`)
  console.log(`owned and outside points agreeing with the rule applied to the baseline's zones: ${agreeing}/${comparable}`)
  console.log(`whole run: ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
