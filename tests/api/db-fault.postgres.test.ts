import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app.js'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'
import { clientGraceMs, isDatabaseUnavailable, type DatabaseTimeouts } from '../../server/db/postgres-pool.js'
import { migrate } from '../../server/db/migrate.js'
import { loadDemo } from '../../server/transfer/demo.js'
import { findInvalidGeometries } from '../../server/transfer/transfer.repository.js'
import { rectangle } from '../helpers/seed.js'
import { startCluster, type Cluster } from '../setup/postgis-cluster.js'
import { bootstrapTestAccounts } from '../helpers/auth.js'
import { actAsAdministratorByDefault } from '../helpers/test-app.js'

/**
 * The database goes away under a running app, and comes back. PostgreSQL only (vitest.config.ts
 * keeps *.postgres.test.ts out of the embedded project): the embedded database lives in the
 * server's own process and cannot be stopped or frozen apart from it.
 *
 * The cluster is this file's own, so that stopping it disturbs no other test file.
 */
const timeouts: DatabaseTimeouts = { connectMs: 1_000, statementMs: 2_000, lockMs: 1_000, idleInTransactionMs: 5_000 }
const readyTimeoutMs = 1_000
/**
 * The longest a request may wait, from the settings above: a query already sent to a frozen
 * server is given up after the statement timeout plus the client's grace; a request that first
 * needs a connection waits at most the connect timeout. Two such waits (a failed query, then its
 * transaction's rollback, which must fail at once) and 3 s for everything else on a busy machine.
 */
const boundMs = timeouts.statementMs + clientGraceMs + timeouts.connectMs + 3_000

const grid = '33010500300101'

describe('the database stopped and frozen under a running app (PostgreSQL)', () => {
  let cluster: Cluster
  let handle: DatabaseHandle
  let app: FastifyInstance

  beforeAll(async () => {
    cluster = await startCluster()
    const admin = new pg.Client({ connectionString: cluster.adminUrl })
    await admin.connect()
    await admin.query('CREATE DATABASE jz_fault')
    await admin.end()
    handle = await connectDatabase({ databaseUrl: cluster.urlFor('jz_fault'), timeouts })
    await migrate(handle)
    await loadDemo(handle.db)
    await bootstrapTestAccounts(handle.db, false)
    app = await buildApp({ db: handle.db, publicUrl: 'http://jiezhang.test', readyTimeoutMs })
    // No route of the app runs a statement for seconds on purpose; this one stands for one that does.
    app.get('/test/slow-statement', async () => {
      await sql`SELECT pg_sleep(3)`.execute(handle.db)
      return { slept: true }
    })
    await app.ready()
    actAsAdministratorByDefault(app)
    // A cluster of its own (initdb, PostGIS, the demo) on a machine busy with the other test
    // files: more than the project's three minutes once in a while.
  }, 300_000)

  afterAll(async () => {
    await app?.close()
    await handle?.close()
    cluster?.stop()
  })

  /** Requests that need the database: a read, a resolution, a write, and the citizen's page. */
  const zoneRead = () => app.inject({ method: 'GET', url: `/api/zones/by-code/grid/${grid}` })
  const resolve = () => app.inject({ method: 'GET', url: '/api/resolve?lon=120.1700&lat=30.2800' })
  const write = (name: string) => app.inject({ method: 'POST', url: '/api/parties', payload: { type: 'chief', name, phone: '13800000053' } })
  const citizenPage = () => app.inject({ method: 'GET', url: `/r/${grid}` })
  const ready = () => app.inject({ method: 'GET', url: '/api/ready' })
  const health = () => app.inject({ method: 'GET', url: '/api/health' })

  async function timed<T>(request: () => Promise<T>): Promise<{ response: T; ms: number }> {
    const started = performance.now()
    const response = await request()
    return { response, ms: performance.now() - started }
  }

  async function expectUnavailable(request: () => ReturnType<typeof zoneRead>) {
    const { response, ms } = await timed(request)
    expect(response.statusCode, response.body).toBe(503)
    expect(response.json().error.code).toBe('database_unavailable')
    expect(response.headers['retry-after']).toBe('30')
    expect(ms).toBeLessThan(boundMs)
  }

  async function expectServing(name: string) {
    expect((await ready()).json()).toEqual({ status: 'ready' })
    const read = await zoneRead()
    expect(read.statusCode, read.body).toBe(200)
    expect(read.json().properties.code).toBe(grid)
    expect((await resolve()).statusCode).toBe(200)
    const written = await write(name)
    expect(written.statusCode, written.body).toBe(201)
    const page = await citizenPage()
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
  }

  it('sets JIT off and the configured timeouts on every session of the pool', async () => {
    const { rows } = await sql<{ jit: string; statement: string; lock: string; idle: string }>`
      SELECT current_setting('jit') AS jit, current_setting('statement_timeout') AS statement,
             current_setting('lock_timeout') AS lock, current_setting('idle_in_transaction_session_timeout') AS idle`.execute(handle.db)
    // PostgreSQL shows milliseconds in the largest exact unit: 2000 ms is "2s".
    expect(rows[0]).toEqual({ jit: 'off', statement: '2s', lock: '1s', idle: '5s' })
  })

  it('answers a statement past the statement timeout with 503 database_timeout, and the next request normally', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/slow-statement' })
    expect(response.statusCode, response.body).toBe(503)
    expect(response.json().error).toMatchObject({ code: 'database_timeout', message: expect.stringContaining('statement timeout') })
    expect((await zoneRead()).statusCode).toBe(200)
  })

  it('answers a write that waits past the lock timeout for a zone another session holds with 503 database_timeout', async () => {
    const zone = (await zoneRead()).json() as { id: number; properties: { version: number } }
    const holder = new pg.Client({ connectionString: cluster.urlFor('jz_fault') })
    await holder.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT 1 FROM zone WHERE id = $1 FOR UPDATE', [zone.id])
      const response = await app.inject({
        method: 'PATCH',
        url: `/api/zones/${zone.id}`,
        payload: { version: zone.properties.version, name: '武林门第1网格（改）' },
      })
      expect(response.statusCode, response.body).toBe(503)
      expect(response.json().error).toMatchObject({ code: 'database_timeout', message: expect.stringContaining('lock timeout') })
    } finally {
      await holder.query('ROLLBACK')
      await holder.end()
    }
    // Nothing was written.
    expect((await zoneRead()).json().properties.version).toBe(zone.properties.version)
  })

  it('survives the server ending a connection that a transaction holds between two statements', async () => {
    const outcome = await handle.db
      .transaction()
      .execute(async (tx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx)
        const admin = new pg.Client({ connectionString: cluster.adminUrl })
        await admin.connect()
        // With a timeout, pg_terminate_backend returns once the backend has exited.
        await admin.query('SELECT pg_terminate_backend($1, 5000)', [rows[0]!.pid])
        await admin.end()
        // Let the connection's end arrive while no statement is running: unheard, pg's error event ends the process.
        await new Promise((resolve) => setTimeout(resolve, 200))
        await sql`SELECT 1`.execute(tx)
        return 'committed'
      })
      .catch((error: unknown) => error)
    expect(isDatabaseUnavailable(outcome)).toBe(true)
    expect((await zoneRead()).statusCode).toBe(200)
  })

  it('answers 503 database_unavailable while the database is stopped, the HTML page on /r/, and recovers by itself', async () => {
    await expectServing('停库前')
    cluster.stopServer('fast')
    try {
      await expectUnavailable(zoneRead)
      await expectUnavailable(resolve)
      await expectUnavailable(() => write('停库中'))
      // The import's geometry check retries a failed batch one geometry at a time, to name the
      // one PostGIS cannot read; a database that is away must not be blamed on each geometry.
      const geometries = [1, 2, 3].map((index) => ({ index, geometry: rectangle(120.15, 30.27, 120.151 + index / 1000, 30.28) }))
      const checked = await findInvalidGeometries(handle.db, geometries).then(
        (problems) => ({ problems }),
        (error: unknown) => ({ error }),
      )
      expect('error' in checked && isDatabaseUnavailable(checked.error), JSON.stringify(checked)).toBe(true)
      const readiness = await timed(ready)
      expect(readiness.response.statusCode).toBe(503)
      expect(readiness.response.json().error.code).toBe('database_unavailable')
      expect(readiness.ms).toBeLessThan(boundMs)
      // Liveness: the process itself is fine.
      expect((await health()).statusCode).toBe(200)
      const page = await citizenPage()
      expect(page.statusCode).toBe(503)
      expect(page.headers['content-type']).toMatch(/^text\/html/)
      expect(page.body).toContain('系统维护中，请稍后再试')
      expect(page.body).toContain('tel:12345')
    } finally {
      cluster.startServer()
    }
    // The same app, the same pool: no restart.
    await expectServing('停库后')
  })

  it('answers 503 within the bound while the database is frozen (SIGSTOP), and recovers after SIGCONT', async () => {
    await expectServing('冻结前')
    const pids = cluster.serverPids()
    for (const pid of pids) process.kill(pid, 'SIGSTOP')
    try {
      // Sent on connections the pool already holds: the frozen server never answers.
      await expectUnavailable(zoneRead)
      await expectUnavailable(() => write('冻结中'))
      const readiness = await timed(ready)
      expect(readiness.response.statusCode).toBe(503)
      // The readiness check has its own, shorter wait.
      expect(readiness.ms).toBeLessThan(readyTimeoutMs + 3_000)
      const page = await citizenPage()
      expect(page.statusCode).toBe(503)
      expect(page.body).toContain('系统维护中')
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT')
    }
    await expectServing('冻结后')
  })
})
