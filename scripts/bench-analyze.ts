/**
 * npm run bench:analyze -- [--tiles N]
 *
 * What the planner's statistics are worth on the embedded database: the demo tiled N times
 * (default 50) is imported into an in-memory PGlite, then "who holds this zone" (holdersAt, the
 * query every zone listing and resolution makes) is timed for 200 random zones, first in the state
 * of a database never analyzed — the statistics the import gathered are removed again, as
 * PGlite without autovacuum would have had them before — and then after ANALYZE. Both in the
 * same run, on the same data. Also prints how long the ANALYZE took.
 *
 * Measured at 50 tiles (16,200 zones) it found no gain: the holders query's id list
 * (`idsIn`, a json_array_elements subquery) is estimated at 100 rows whatever its length, so the
 * planner hash-joins a sequential scan of every assignment with or without statistics. The
 * statistics matter where the tables grow past that estimate's break-even (the issue measured
 * 38 → 3 ms at 600 tiles); the plan itself is a separate fix (an `= ANY(array)` list).
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { connectDatabase } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { analyzeTables, statisticsTables } from '../server/db/analyze.js'
import { holdersAt } from '../server/db/holders.js'
import { importFeatureCollection } from '../server/transfer/import.service.js'
import { tiledDemo } from './bench/tiled-demo.js'

const { values } = parseArgs({ options: { tiles: { type: 'string', default: '50' } } })
const tiles = Number(values.tiles)

const handle = await connectDatabase({})
await migrate(handle)
const document = tiledDemo(tiles)
const started = performance.now()
await importFeatureCollection(handle.db, document)
console.log(`imported the demo tiled ${tiles} times (${document.features.length} features) in ${((performance.now() - started) / 1000).toFixed(1)} s`)

const { rows } = await sql<{ id: number }>`SELECT id FROM zone`.execute(handle.db)
// A fixed sample (a small linear congruential generator) so that both rounds ask the same zones.
let seed = 42
const sample = Array.from({ length: 200 }, () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return rows[seed % rows.length]!.id
})

async function timeHolders(): Promise<{ median: number; p95: number }> {
  for (const id of sample.slice(0, 10)) await holdersAt(handle.db, [id])
  const times: number[] = []
  for (const id of sample) {
    const start = performance.now()
    await holdersAt(handle.db, [id])
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]! }
}

// The state before this change: a table never analyzed (reltuples -1, no pg_statistic rows).
for (const table of statisticsTables) {
  await sql`DELETE FROM pg_statistic WHERE starelid = ${table}::regclass`.execute(handle.db)
  await sql`UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = ${table}::regclass`.execute(handle.db)
}
const without = await timeHolders()
const analyzeMs = await analyzeTables(handle.db)
const withStatistics = await timeHolders()
await handle.close()

const ms = (value: number) => `${value.toFixed(2)} ms`
console.log(`ANALYZE of ${statisticsTables.join(', ')}: ${ms(analyzeMs)}`)
console.log(`who holds this zone, never analyzed (baseline): median ${ms(without.median)}, p95 ${ms(without.p95)}`)
console.log(`who holds this zone, after ANALYZE:             median ${ms(withStatistics.median)}, p95 ${ms(withStatistics.p95)}`)
console.log(`verdict: ${withStatistics.median < without.median ? `${(without.median / withStatistics.median).toFixed(1)}× faster with statistics` : 'no faster with statistics'}`)
