/**
 * JIT benchmark (`npm run bench:jit`): what stock PostgreSQL's JIT costs Jiezhang, and what its
 * own sessions (jit=off, server/db/postgres-pool.ts) save. Starts a throwaway PostgreSQL 15 +
 * PostGIS cluster as the test suite does, with the server's default settings (jit=on), loads the
 * demo district, and times the same work twice in the same run: through a raw session (a plain
 * pg pool, the server's defaults, as Jiezhang ran before) and through Jiezhang's own handle.
 *
 * 1. the coverage audit of the demo sub-district (天水街道);
 * 2. one zone insert (a grid; the per-row trigger cuts it into parts), rolled back;
 * 3. one audited write: a grid's geometry sent again through the zone service, with the audit
 *    of what the write did (as the editor's PATCH does), holding the zone's lock meanwhile;
 * 4. an import of the demo tiled BENCH_TILES times (10) side by side, as a dry run (every write
 *    done, then rolled back).
 *
 * Knobs: BENCH_RUNS (5, the median is printed), BENCH_TILES (10). Prints numbers only.
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { connectDatabase } from '../server/db/connect.js'
import type { Database, Db } from '../server/db/database.js'
import { migrate } from '../server/db/migrate.js'
import { auditJurisdictionByCode } from '../server/coverage/coverage.service.js'
import { DEMO_FILE, loadDemo } from '../server/transfer/demo.js'
import { importFeatureCollection } from '../server/transfer/import.service.js'
import { updateZone } from '../server/zones/zones.service.js'
import type { Geometry } from '../server/db/geo-sql.js'
import { startCluster } from '../tests/setup/postgis-cluster.js'

const runs = Number(process.env.BENCH_RUNS ?? 5)
const tiles = Number(process.env.BENCH_TILES ?? 10)
const subdistrictCode = '330105003'

const log = (message: string) => console.log(`[bench:jit] ${message}`)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`

async function timeRuns(count: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let run = 0; run < count; run++) {
    const started = performance.now()
    await work()
    times.push(performance.now() - started)
  }
  return median(times)
}

class Rollback extends Error {}

/** One grid inside the demo's first community, inserted and rolled back. */
async function insertOneGrid(db: Db): Promise<void> {
  await db
    .transaction()
    .execute(async (tx) => {
      const community = await tx.selectFrom('zone').select('id').where('kind', '=', 'community').orderBy('code').executeTakeFirstOrThrow()
      await sql`
        INSERT INTO zone (kind, code, name, parent_id, area)
        SELECT 'grid', '33010500300199', '基准网格', ${community.id}, ST_Multi(ST_Buffer(ST_PointOnSurface(area), 0.0005, 24))
        FROM zone WHERE id = ${community.id}`.execute(tx)
      throw new Rollback()
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error
    })
}

/** The first grid of the demo, written again with its own geometry and the audit of the write. */
async function auditedWrite(db: Db): Promise<void> {
  const { rows } = await sql<{ id: number; version: number; geometry: Geometry }>`
    SELECT id, version, ST_AsGeoJSON(area)::json AS geometry FROM zone WHERE kind = 'grid' ORDER BY code LIMIT 1`.execute(db)
  const grid = rows[0]!
  await updateZone(db, grid.id, { version: grid.version, geometry: grid.geometry }, { audit: true })
}

interface Feature {
  type: 'Feature'
  geometry: { type: string; coordinates: unknown }
  properties: Record<string, unknown> & { code: string; parent?: string }
}

/**
 * The demo copied `count` times side by side, east of the original: each copy's codes get their
 * own district digits (330105… becomes 330111…, 330112…), so that every CJ/T 213 code still
 * extends its parent's, and nothing collides with the demo already loaded.
 */
function tiledDemo(count: number): unknown {
  const demo = JSON.parse(readFileSync(DEMO_FILE, 'utf8')) as { features: Feature[] } & Record<string, unknown>
  let west = Infinity
  let east = -Infinity
  const visit = (coordinates: unknown, shift: (lon: number, lat: number) => number[]): unknown =>
    Array.isArray(coordinates) && typeof coordinates[0] === 'number'
      ? shift(coordinates[0], coordinates[1] as number)
      : (coordinates as unknown[]).map((inner) => visit(inner, shift))
  for (const feature of demo.features) {
    visit(feature.geometry.coordinates, (lon, lat) => {
      west = Math.min(west, lon)
      east = Math.max(east, lon)
      return [lon, lat]
    })
  }
  const step = (east - west) * 1.1
  const features: Feature[] = []
  for (let tile = 1; tile <= count; tile++) {
    const prefix = `3301${10 + tile}`
    const recode = (code: string) => (code.startsWith('330105') ? prefix + code.slice(6) : `${code}-T${tile}`)
    for (const feature of demo.features) {
      features.push({
        type: 'Feature',
        geometry: { type: feature.geometry.type, coordinates: visit(feature.geometry.coordinates, (lon, lat) => [lon + tile * step, lat]) },
        properties: {
          ...feature.properties,
          code: recode(feature.properties.code),
          ...(feature.properties.parent ? { parent: recode(feature.properties.parent) } : {}),
        },
      })
    }
  }
  return { ...demo, features }
}

async function main(): Promise<void> {
  log('starting a throwaway PostgreSQL cluster with default settings')
  const cluster = await startCluster()
  const raw = new pg.Pool({ connectionString: cluster.urlFor('jz_bench'), max: 8 })
  try {
    const admin = new pg.Client({ connectionString: cluster.adminUrl })
    await admin.connect()
    await admin.query('CREATE DATABASE jz_bench')
    const { rows: version } = await admin.query<{ server_version: string }>('SHOW server_version')
    await admin.end()
    const handle = await connectDatabase({ databaseUrl: cluster.urlFor('jz_bench') })
    await migrate(handle)
    await loadDemo(handle.db)
    const rawDb: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: raw }) })

    const show = async (db: Db) => (await sql<{ jit: string }>`SHOW jit`.execute(db)).rows[0]!.jit
    log(`PostgreSQL ${version[0]!.server_version}; raw session jit=${await show(rawDb)}, Jiezhang's sessions jit=${await show(handle.db)}`)
    const sessions: [string, Db][] = [
      ['raw session (server defaults)', rawDb],
      ["Jiezhang's sessions", handle.db],
    ]

    // Each measurement alternates between the two sessions, run by run, so that neither side
    // profits from running second (warm caches, JIT's library loaded, a table's earlier versions).
    const work: Record<string, (db: Db) => Promise<unknown>> = {
      audit: (db) => auditJurisdictionByCode(db, subdistrictCode),
      insert: insertOneGrid,
      write: auditedWrite,
    }
    const results: Record<string, number[]> = {}
    for (const [name, run] of Object.entries(work)) {
      const times = sessions.map((): number[] => [])
      for (const [, db] of sessions) await run(db)
      for (let round = 0; round < runs; round++) {
        for (const [index, [, db]] of sessions.entries()) times[index]!.push(await timeRuns(1, () => run(db)))
      }
      results[name] = times.map(median)
    }
    const document = tiledDemo(tiles)
    results.import = []
    for (const [, db] of sessions) {
      results.import.push(
        await timeRuns(1, async () => {
          const result = await importFeatureCollection(db, document, { dryRun: true })
          if (!result.created.zones) throw new Error('the tiled import created nothing')
        }),
      )
    }
    for (const [index, [label]] of sessions.entries()) {
      log(`${label}: audit of ${subdistrictCode} ${ms(results.audit![index]!)}, one grid insert ${ms(results.insert![index]!)}, ` +
        `one audited write ${ms(results.write![index]!)} (medians of ${runs}), import of the demo tiled ${tiles}× (dry run) ${ms(results.import[index]!)}`)
    }
    const ratio = (name: string) => `${(results[name]![0]! / results[name]![1]!).toFixed(1)}×`
    log(`jit on / Jiezhang: audit ${ratio('audit')}, insert ${ratio('insert')}, audited write ${ratio('write')}, tiled import ${ratio('import')}`)
    await handle.close()
  } finally {
    await raw.end()
    cluster.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
