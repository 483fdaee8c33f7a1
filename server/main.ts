import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import { buildApp } from './app.js'
import { auditRetentionDays, scheduleAuditPurge } from './audit/audit-purge.js'
import { ConfigError, loadConfig } from './config.js'
import { connectDatabase } from './db/connect.js'
import { migrate } from './db/migrate.js'
import { analyzeTables } from './db/analyze.js'
import { loadDemoIfEmpty } from './transfer/demo.js'
import { bootstrapAccounts, BootstrapError } from './auth/bootstrap.js'
import { startScheduler } from './jobs/scheduler.js'

const clientDir = fileURLToPath(new URL('../dist/client/', import.meta.url))

/** How long a shutdown waits for requests in flight (a large import or batch takes seconds). */
const SHUTDOWN_GRACE_MS = 30_000

async function main(): Promise<void> {
  const config = loadConfig()
  const auditRetention = auditRetentionDays()
  console.log(
    `[jiezhang] PORT=${config.port} DATABASE_URL=${config.databaseUrl ? '(set)' : '(unset: embedded PostGIS)'} ` +
      `DATA_DIR=${config.dataDir} DEMO=${config.demo ? 1 : 0} PUBLIC_URL=${config.publicUrl}`,
  )
  if (config.databaseUrl) {
    const timeouts = config.databaseTimeouts
    console.log(
      `[jiezhang] DB_CONNECT_TIMEOUT_MS=${timeouts.connectMs} DB_STATEMENT_TIMEOUT_MS=${timeouts.statementMs} ` +
        `DB_LOCK_TIMEOUT_MS=${timeouts.lockMs} DB_IDLE_IN_TRANSACTION_TIMEOUT_MS=${timeouts.idleInTransactionMs}`,
    )
  }
  const handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: config.databaseTimeouts })
  console.log(`[jiezhang] database: ${handle.describe}`)
  const ran = await migrate(handle)
  if (ran.length) console.log(`[jiezhang] migrations applied: ${ran.join(', ')}`)
  if (config.demo) {
    const loaded = await loadDemoIfEmpty(handle.db)
    if (loaded) console.log(`[jiezhang] demo district loaded: ${loaded}`)
  }
  // The embedded database has no autovacuum, so nothing else would ever give the planner statistics.
  for (const line of await bootstrapAccounts(handle.db, { adminLogin: config.admin.login, adminPassword: config.admin.password, adminToken: config.admin.token, demo: config.demo })) {
    console.log(`[jiezhang] ${line}`)
  }
  if (handle.backend === 'pglite') {
    const ms = await analyzeTables(handle.db)
    console.log(`[jiezhang] statistics refreshed (ANALYZE) in ${Math.round(ms)} ms`)
  }

  const app = await buildApp({ db: handle.db, publicUrl: config.publicUrl, logger: { level: 'info' }, trustProxy: config.trustProxy })
  const stopAuditPurge = scheduleAuditPurge(handle.db, auditRetention, app.log)
  app.addHook('onClose', async () => stopAuditPurge())
  // Background jobs (deadline sweep, outbox delivery) under job_lease leases; SCHEDULER=off: none.
  const scheduler = startScheduler(handle.db, { log: app.log })
  app.addHook('onClose', async () => scheduler.stop())
  if (existsSync(clientDir)) {
    await app.register(fastifyStatic, { root: clientDir, wildcard: false })
  } else {
    console.warn('[jiezhang] no built client in dist/client: run `npm run build` for the map app')
  }
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`[jiezhang] ${signal}: no new connections; waiting up to ${SHUTDOWN_GRACE_MS / 1000} s for requests in flight`)
    // Past the bound, the connections still open are cut; the exit status then says so.
    let forced = false
    const deadline = setTimeout(() => {
      forced = true
      console.error(`[jiezhang] requests still in flight after ${SHUTDOWN_GRACE_MS / 1000} s: closing their connections`)
      app.server.closeAllConnections()
    }, SHUTDOWN_GRACE_MS)
    try {
      // Stops accepting, answers requests in flight, then runs the plugins' onClose hooks (the
      // signboard batch jobs stop after the signboard they are drawing).
      await app.close()
    } finally {
      clearTimeout(deadline)
      // Closes the database and releases the data-folder lock.
      await handle.close()
    }
    console.log('[jiezhang] stopped')
    process.exit(forced ? 1 : 0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  await app.listen({ port: config.port, host: config.host })
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof BootstrapError) {
    console.error(`[jiezhang] configuration error: ${error.message}`)
  } else {
    console.error(`[jiezhang] could not start: ${error instanceof Error ? error.message : String(error)}`)
  }
  process.exit(1)
})
