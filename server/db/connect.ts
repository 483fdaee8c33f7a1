import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './database.js'
import { lockDataDir } from './data-dir-lock.js'
import { createPool, defaultDatabaseTimeouts, guardedPool, type DatabaseTimeouts } from './postgres-pool.js'

export { defaultDatabaseTimeouts, type DatabaseTimeouts } from './postgres-pool.js'

export type Backend = 'pglite' | 'postgres'

export interface DatabaseHandle {
  db: Kysely<Database>
  backend: Backend
  /** A short human description for the start-up log (never the password). */
  describe: string
  /** Runs a script of several statements (a migration) as one transaction. */
  execScript(script: string): Promise<void>
  /**
   * Runs `work` while holding the migration lock: on PostgreSQL a session-level advisory lock,
   * so that two servers starting on one database migrate one after the other; on the embedded
   * database (one process per folder, by its lock file) one call after the other.
   */
  withMigrationLock<T>(work: () => Promise<T>): Promise<T>
  /** Embedded database only: a tarball of its data folder (for test templates and backups). */
  dumpDataDir?: () => Promise<Blob>
  close(): Promise<void>
}

export interface ConnectOptions {
  /** A postgres:// URL: use that server. Unset: the embedded PostGIS in `dataDir`. */
  databaseUrl?: string | undefined
  /** The embedded database's folder; undefined keeps it in memory. */
  dataDir?: string | undefined
  /** A tarball made by PGlite's dumpDataDir to start the embedded database from. */
  loadDataDir?: Blob | undefined
  /** PostgreSQL only: the session's timeouts (defaults: `defaultDatabaseTimeouts`). */
  timeouts?: Partial<DatabaseTimeouts> | undefined
}

// pg parses int8 and numeric as strings by default; the schema uses neither for values we read,
// but counts (count(*)) are int8, so read them as numbers as PGlite does.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, { ...defaultDatabaseTimeouts, ...options.timeouts })
  return connectPglite(options.dataDir, options.loadDataDir)
}

async function connectPostgres(databaseUrl: string, timeouts: DatabaseTimeouts): Promise<DatabaseHandle> {
  const pool = createPool(databaseUrl, timeouts)
  // Fail at start, with the server's own words, when the database cannot be reached.
  const client = await pool.connect()
  client.release()
  const url = new URL(databaseUrl)
  url.password = url.password ? '***' : ''
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool, timeouts) }) })
  return {
    db,
    backend: 'postgres',
    describe: `PostgreSQL ${url.toString()}`,
    // Without parameters pg sends the simple-query protocol, which takes several statements.
    execScript: async (script) => {
      await pool.query(`BEGIN;\n${script}\n;COMMIT;`)
    },
    withMigrationLock: (work) => withAdvisoryLock(pool, migrationLockKey, timeouts, work),
    close: () => db.destroy(),
  }
}

/** `pg_advisory_lock` takes a bigint; this one is "jzmg" in ASCII. */
const migrationLockKey = 0x6a7a6d67

/** How long a starting server waits for another one's migrations (CREATE EXTENSION postgis, …). */
const migrationLockWaitMs = 300_000

/**
 * Holds a session-level advisory lock on one connection of its own while `work` runs on others.
 * The lock goes with the session, so a server that dies mid-migration frees it. The wait is
 * longer than a statement may take elsewhere, so the session's timeouts are raised for it.
 */
async function withAdvisoryLock<T>(pool: pg.Pool, key: number, timeouts: DatabaseTimeouts, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query(`SET statement_timeout = ${migrationLockWaitMs}; SET lock_timeout = ${migrationLockWaitMs}`)
    await client.query({ text: 'SELECT pg_advisory_lock($1)', values: [key], query_timeout: migrationLockWaitMs + timeouts.connectMs } as pg.QueryConfig)
    try {
      return await work()
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key])
      await client.query('RESET statement_timeout; RESET lock_timeout')
    }
  } catch (error) {
    broken = true
    throw error
  } finally {
    // A session that failed may still hold the lock: closing it is the one sure way to free it.
    client.release(broken)
  }
}

async function connectPglite(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<DatabaseHandle> {
  // Imported lazily: the WebAssembly build is large and unused with a real server.
  const { PGlite } = await import('@electric-sql/pglite')
  const { postgis } = await import('@electric-sql/pglite-postgis')
  // The folder lock comes first: a second process must not even read a folder another one writes.
  const lock = dataDir ? lockDataDir(dataDir) : undefined
  let pglite
  try {
    pglite = await PGlite.create({ dataDir, loadDataDir, extensions: { postgis } })
  } catch (error) {
    lock?.release()
    throw error
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
  let migrationQueue: Promise<unknown> = Promise.resolve()
  return {
    db,
    backend: 'pglite',
    describe: `embedded PostGIS (PGlite) in ${dataDir ?? 'memory'}`,
    execScript: async (script) => {
      await pglite.transaction(async (tx) => {
        await tx.exec(script)
      })
    },
    withMigrationLock: (work) => {
      const run = migrationQueue.then(work)
      migrationQueue = run.then(
        () => undefined,
        () => undefined,
      )
      return run
    },
    dumpDataDir: async () => (await pglite.dumpDataDir('none')) as Blob,
    close: async () => {
      try {
        await db.destroy()
      } finally {
        lock?.release()
      }
    },
  }
}
