/**
 * npm run bench:audit -- [--writes N]
 *
 * What the audit hook costs per write, on the embedded database: the same zone PATCH (rename a
 * grid of the demo, naming its version) sent N times (default 300) through two apps over one
 * database — one recording the audit trail, one built with recordAudit: false — in alternating
 * rounds of 25 so that neither gets a warmer cache. Prints ms per write for each and the
 * difference: the preHandler's read of the zone before, and the insert of the event.
 *
 * Measured on the shared 2-core machine (200 writes each, other work running): 353 ms with,
 * 317 ms without — the hook costs about 36 ms (12 %), most of it reading the zone's feature
 * with its holders for `before`.
 */
import { parseArgs } from 'node:util'
import { buildApp } from '../server/app.js'
import { bootstrapAccounts } from '../server/auth/bootstrap.js'
import { connectDatabase } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { loadDemoIfEmpty } from '../server/transfer/demo.js'

const { values } = parseArgs({ options: { writes: { type: 'string', default: '300' } } })
const writes = Number(values.writes)
const token = 'bench-audit-administrator-token-0123456789'

const handle = await connectDatabase({})
await migrate(handle)
await loadDemoIfEmpty(handle.db)
await bootstrapAccounts(handle.db, { adminToken: token, demo: false })
const grid = await handle.db.selectFrom('zone').select(['id', 'version']).where('kind', '=', 'grid').orderBy('code').executeTakeFirstOrThrow()
let version = grid.version

const apps = { with: await buildApp({ db: handle.db }), without: await buildApp({ db: handle.db, recordAudit: false }) }
const spent = { with: 0, without: 0 }
const done = { with: 0, without: 0 }
for (const app of Object.values(apps)) await app.ready()

async function patch(which: 'with' | 'without'): Promise<void> {
  const started = performance.now()
  const response = await apps[which].inject({
    method: 'PATCH', url: `/api/zones/${grid.id}`, headers: { authorization: `Bearer ${token}`, 'x-change-comment': encodeURIComponent('基准测试') },
    payload: { version, name: `基准网格${version}` },
  })
  spent[which] += performance.now() - started
  done[which]++
  if (response.statusCode !== 200) throw new Error(`PATCH answered ${response.statusCode}: ${response.body}`)
  version++
}

for (let i = 0; i < 10; i++) await patch(i % 2 ? 'with' : 'without') // warm-up, not counted
spent.with = spent.without = done.with = done.without = 0
for (let round = 0; done.with < writes || done.without < writes; round++) {
  const which = round % 2 ? 'with' : 'without'
  for (let i = 0; i < 25 && done[which] < writes; i++) await patch(which)
}

const perWith = spent.with / done.with
const perWithout = spent.without / done.without
const events = await handle.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
console.log(`zone PATCH on PGlite, ${writes} writes each:`)
console.log(`  with the audit hook:    ${perWith.toFixed(2)} ms per write`)
console.log(`  without the audit hook: ${perWithout.toFixed(2)} ms per write`)
console.log(`  the hook costs ${(perWith - perWithout).toFixed(2)} ms per write (${((perWith / perWithout - 1) * 100).toFixed(0)} %); ${Number(events.n)} events recorded`)
for (const app of Object.values(apps)) await app.close()
await handle.close()
