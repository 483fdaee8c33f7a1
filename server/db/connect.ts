import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './database.js'
import { lockDataDir } from './data-dir-lock.js'

export type Backend = 'pglite' | 'postgres'

export interface DatabaseHandle {
  db: Kysely<Database>
  backend: Backend
  /** A short human description for the start-up log (never the password). */
  describe: string
  /** Runs a script of several statements (a migration) as one transaction. */
  execScript(script: string): Promise<void>
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
}

// pg parses int8 and numeric as strings by default; the schema uses neither for values we read,
// but counts (count(*)) are int8, so read them as numbers as PGlite does.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl)
  return connectPglite(options.dataDir, options.loadDataDir)
}

async function connectPostgres(databaseUrl: string): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 })
  // An idle connection that the server drops (a restart, a dropped test database) must not crash
  // the process; the next query opens a new one.
  pool.on('error', () => {})
  // Fail at start, with the server's own words, when the database cannot be reached.
  const client = await pool.connect()
  client.release()
  const url = new URL(databaseUrl)
  url.password = url.password ? '***' : ''
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    backend: 'postgres',
    describe: `PostgreSQL ${url.toString()}`,
    // Without parameters pg sends the simple-query protocol, which takes several statements.
    execScript: async (script) => {
      await pool.query(`BEGIN;\n${script}\n;COMMIT;`)
    },
    close: () => db.destroy(),
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
  return {
    db,
    backend: 'pglite',
    describe: `embedded PostGIS (PGlite) in ${dataDir ?? 'memory'}`,
    execScript: async (script) => {
      await pglite.transaction(async (tx) => {
        await tx.exec(script)
      })
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
