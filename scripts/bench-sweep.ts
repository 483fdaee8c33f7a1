/**
 * npm run bench:sweep -- [--sizes 1000,10000,50000] [--rounds 20]
 *
 * What one run of the deadline sweep (server/calendar/deadline-sweep.ts) costs as the open cases
 * grow, on the embedded database: for each size, that many dispatched cases (due in the far
 * future), then per round the sweep with nothing due, timed against a baseline measured in the
 * same run over the same rows — a plain `SELECT count(*)` of the open cases on the clock. Last,
 * one sweep with 1 % of the cases past their warning time (each warned in its own transaction,
 * its notices queued), in ms per warned case. The sweep runs every minute; what matters is that
 * the idle sweep stays near the baseline's cost and does not grow with the open cases.
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { connectDatabase } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { loadDemoIfEmpty } from '../server/transfer/demo.js'
import { sweepDeadlines } from '../server/calendar/deadline-sweep.js'

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,50000' }, rounds: { type: 'string', default: '20' } } })
const sizes = values.sizes.split(',').map(Number)
const rounds = Number(values.rounds)

const handle = await connectDatabase({})
await migrate(handle)
await loadDemoIfEmpty(handle.db)
const db = handle.db
const category = (await sql<{ id: number }>`SELECT id FROM category ORDER BY id LIMIT 1`.execute(db)).rows[0]!.id
const chief = (await sql<{ id: number }>`SELECT id FROM party WHERE type = 'chief' ORDER BY id LIMIT 1`.execute(db)).rows[0]!.id
const now = new Date('2026-12-07T10:00:00+08:00')

async function fillTo(total: number): Promise<void> {
  const have = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM case_file`.execute(db)).rows[0]!.n)
  if (total <= have) return
  await sql`
    INSERT INTO case_file (number, public_token, channel, state, category_id, description, location, routing, zone_ids,
                           owner_party_id, assignee_party_id, limit_value, limit_unit, dispatched_at, warn_at, due_at)
    SELECT 'B' || lpad(n::text, 8, '0'), 'bench-token-' || n, 'patrol', CASE WHEN n % 2 = 0 THEN 'dispatched' ELSE 'accepted' END, ${category},
           '基准测试案卷', ST_SetSRID(ST_MakePoint(120.16 + (n % 100) * 1e-5, 30.28), 4326), '{}'::jsonb, '{}'::int4[],
           ${chief}, ${chief}, 4, 'working_hours', '2099-01-01T00:00:00Z', '2099-01-02T00:00:00Z', '2099-01-02T01:00:00Z'
      FROM generate_series(${have + 1}::int, ${total}::int) AS n`.execute(db)
  await sql`ANALYZE case_file`.execute(db)
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await run()
  return performance.now() - started
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!

console.log(`deadline sweep on the embedded database (${rounds} rounds each, median ms)`)
console.log('open cases | count(*) baseline | idle sweep | ratio | 1 % due: ms per warned case')
for (const size of sizes) {
  await fillTo(size)
  const baseline: number[] = []
  const idle: number[] = []
  for (let round = 0; round < rounds; round++) {
    baseline.push(await timed(() => sql`SELECT count(*) FROM case_file WHERE state = ANY(${['dispatched', 'accepted']}::text[])`.execute(db)))
    idle.push(await timed(async () => {
      const result = await sweepDeadlines(db, now)
      if (result.warned.length || result.overdue.length) throw new Error('the idle sweep found something due')
    }))
  }
  // 1 % of the cases past their warning instant (and not due): each is warned once.
  const due = Math.max(1, Math.floor(size / 100))
  await sql`UPDATE case_file SET warn_at = ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz, warned_at = NULL
             WHERE id IN (SELECT id FROM case_file WHERE number LIKE 'B%' ORDER BY id DESC LIMIT ${due})`.execute(db)
  let warned = 0
  const busy = await timed(async () => {
    warned = (await sweepDeadlines(db, now)).warned.length
  })
  // Back to idle for the next size: the warned ones warn again never (warned_at is set), but move their warning out of the way.
  await sql`UPDATE case_file SET warn_at = '2099-01-02T00:00:00Z', warned_at = NULL WHERE warned_at IS NOT NULL`.execute(db)
  const b = median(baseline)
  const s = median(idle)
  console.log(`${String(size).padStart(10)} | ${b.toFixed(2).padStart(16)} | ${s.toFixed(2).padStart(10)} | ${(s / b).toFixed(2).padStart(5)} | ${warned} warned in ${busy.toFixed(0)} ms = ${(busy / Math.max(1, warned)).toFixed(2)} ms each`)
}
await handle.close()
