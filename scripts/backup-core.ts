/**
 * Backups of either backend, shared by `npm run backup` and `npm run restore` (and their tests).
 *
 * A backup is two files: the dump itself, in the backend's own format — a pg_dump custom-format
 * archive for PostgreSQL (restorable by hand with pg_restore), a gzip of PGlite's data-folder
 * tarball for the embedded database — and `FILE.json` beside it, saying which backend it is for,
 * the migrations applied (the schema version), the time of the latest change and a SHA-256 of the
 * dump, so that restore can refuse a damaged file, the wrong backend or a database newer than
 * the backup.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import pg from 'pg'
import { lockDataDir } from '../server/db/data-dir-lock.js'

export type BackupBackend = 'pglite' | 'postgres'

/** What `FILE.json` records about a backup. */
export interface BackupMeta {
  format: 'jiezhang-backup'
  formatVersion: 1
  backend: BackupBackend
  /** The dump's own format, for a person reading the file. */
  dump: string
  takenAt: string
  /** Names of the migrations applied, in order: the schema version. */
  schema: string[]
  /** The latest change recorded in the database (UTC, microseconds), or null when it holds none. */
  latestChange: string | null
  bytes: number
  sha256: string
}

/** What a database holds, as far as backups compare it. */
export interface DatabaseState {
  schema: string[]
  latestChange: string | null
}

/** Exit codes of the backup and restore commands (docs/operations.md lists them). */
export const exitCodes = {
  ok: 0,
  failed: 1,
  usage: 2,
  badBackup: 3,
  wrongBackend: 4,
  newerDatabase: 5,
  folderInUse: 6,
} as const

/** A refusal or failure with the message to print and the exit code to leave with. */
export class BackupError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message)
  }
}

export type Target = { backend: 'postgres'; databaseUrl: string } | { backend: 'pglite'; dataDir: string }

const backendNames: Record<BackupBackend, string> = {
  postgres: 'PostgreSQL (DATABASE_URL)',
  pglite: 'the embedded database (DATA_DIR)',
}

export const metaPath = (file: string) => `${file}.json`

// ---------------------------------------------------------------------------------------------
// The state of a database: schema version and latest change

/** Runs one SQL text without parameters and gives its rows: over a pg client or PGlite alike. */
export type RunQuery = <Row>(text: string) => Promise<Row[]>

const utc = (expression: string) => `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

/**
 * The migrations applied and the latest change: the latest of a zone's update (its trigger sets
 * updated_at on every write), a signboard duty text's update, an assignment's start or end that
 * has already happened (a new chief starts now() by default, an ended one ends then), and a
 * migration. Party and category edits carry no time of their own; they are rare next to these.
 */
export async function readState(run: RunQuery): Promise<DatabaseState> {
  const tables = (
    await run<{ name: string }>(`SELECT t.name FROM unnest(ARRAY['schema_migration', 'zone', 'assignment', 'duty_text']) AS t(name)
      WHERE to_regclass('public.' || t.name) IS NOT NULL`)
  ).map((row) => row.name)
  if (!tables.includes('schema_migration')) return { schema: [], latestChange: null }
  const schema = (await run<{ name: string }>('SELECT name FROM schema_migration ORDER BY name')).map((row) => row.name)
  const candidates = ['(SELECT max(applied_at) FROM schema_migration)']
  if (tables.includes('zone')) candidates.push('(SELECT max(updated_at) FROM zone)')
  if (tables.includes('duty_text')) candidates.push('(SELECT max(updated_at) FROM duty_text)')
  if (tables.includes('assignment')) {
    candidates.push('(SELECT max(valid_from) FROM assignment WHERE valid_from <= now())')
    candidates.push('(SELECT max(valid_to) FROM assignment WHERE valid_to <= now())')
  }
  const rows = await run<{ latest: string | null }>(`SELECT ${utc(`greatest(${candidates.join(', ')})`)} AS latest`)
  return { schema, latestChange: rows[0]?.latest ?? null }
}

const pgRunner = (client: pg.Client): RunQuery => async <Row>(text: string) => (await client.query(text)).rows as Row[]

/**
 * Why restoring `meta` over a database in `current` would lose something, or null when it would
 * not: the database has a change later than the backup's latest, or migrations the backup lacks.
 */
export function newerThanBackup(current: DatabaseState, meta: BackupMeta): string | null {
  const missing = current.schema.filter((name) => !meta.schema.includes(name))
  if (missing.length) {
    return `the database has a newer schema than the backup (migrations ${missing.join(', ')} are not in the backup, which has ${meta.schema.length})`
  }
  if (current.latestChange !== null && (meta.latestChange === null || current.latestChange > meta.latestChange)) {
    return `the database was changed at ${current.latestChange}, after the backup's latest change (${meta.latestChange ?? 'none: it is empty'}, taken ${meta.takenAt})`
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Reading a backup file

const gzipMagic = [0x1f, 0x8b]
const pgDumpMagic = 'PGDMP'

/** The backend a dump is for, from its first bytes, or null when it is neither format. */
export function sniffDump(head: Buffer): BackupBackend | null {
  if (head.subarray(0, 5).toString('latin1') === pgDumpMagic) return 'postgres'
  if (head[0] === gzipMagic[0] && head[1] === gzipMagic[1]) return 'pglite'
  return null
}

/** Reads and checks a backup: the dump exists and is one, its FILE.json matches it. */
export function readBackup(file: string): { meta: BackupMeta; dump: Buffer } {
  let dump: Buffer
  try {
    if (!statSync(file).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
    dump = readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new BackupError(exitCodes.badBackup, code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read it (${code ?? String(error)})`)
  }
  const sniffed = sniffDump(dump)
  if (sniffed === null) {
    throw new BackupError(exitCodes.badBackup, `${file} is not a Jiezhang backup: it is neither a pg_dump custom-format archive nor a gzipped PGlite data folder`)
  }
  let meta: BackupMeta
  try {
    meta = JSON.parse(readFileSync(metaPath(file), 'utf8')) as BackupMeta
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new BackupError(
      exitCodes.badBackup,
      code === 'ENOENT'
        ? `${metaPath(file)} is missing: a backup is the dump and the FILE.json that npm run backup writes beside it (schema version, latest change, checksum)`
        : `${metaPath(file)} is not a backup description: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  if (meta?.format !== 'jiezhang-backup' || meta.formatVersion !== 1 || !Array.isArray(meta.schema) || (meta.backend !== 'pglite' && meta.backend !== 'postgres')) {
    throw new BackupError(exitCodes.badBackup, `${metaPath(file)} is not a Jiezhang backup description (format jiezhang-backup, version 1)`)
  }
  const sha256 = createHash('sha256').update(dump).digest('hex')
  if (sha256 !== meta.sha256 || sniffed !== meta.backend) {
    throw new BackupError(exitCodes.badBackup, `${file} does not match ${metaPath(file)} (its checksum differs): the dump is damaged or from another backup`)
  }
  return { meta, dump }
}

// ---------------------------------------------------------------------------------------------
// Backup

export interface BackupResult {
  meta: BackupMeta
  file: string
}

export async function backup(target: Target, file: string): Promise<BackupResult> {
  const partial = `${file}.partial-${process.pid}`
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  try {
    const { state, dump } = target.backend === 'postgres' ? await dumpPostgres(target.databaseUrl, partial) : await dumpPglite(target.dataDir)
    if (dump) writeFileSync(partial, dump)
    const bytes = readFileSync(partial)
    const meta: BackupMeta = {
      format: 'jiezhang-backup',
      formatVersion: 1,
      backend: target.backend,
      dump: target.backend === 'postgres' ? 'pg_dump custom format (pg_restore can read it)' : 'PGlite data folder tarball, gzipped',
      takenAt: new Date().toISOString(),
      schema: state.schema,
      latestChange: state.latestChange,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    }
    // The dump lands first and its description last: a FILE.json always describes a whole dump.
    renameSync(partial, file)
    writeFileSync(`${metaPath(file)}.partial-${process.pid}`, `${JSON.stringify(meta, null, 2)}\n`)
    renameSync(`${metaPath(file)}.partial-${process.pid}`, metaPath(file))
    return { meta, file }
  } finally {
    rmSync(partial, { force: true })
  }
}

/** pg_dump of the snapshot in which the state is read, so the two agree. */
async function dumpPostgres(databaseUrl: string, output: string): Promise<{ state: DatabaseState; dump?: undefined }> {
  const client = await connectPg(databaseUrl)
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id
    const state = await readState(pgRunner(client))
    await runPgTool('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${output}`], databaseUrl)
    await client.query('COMMIT')
    return { state }
  } finally {
    await client.end()
  }
}

async function dumpPglite(dataDir: string): Promise<{ state: DatabaseState; dump: Buffer }> {
  requireEmbeddedDatabase(dataDir)
  const lock = takeLock(dataDir)
  try {
    const embedded = await openEmbedded(dataDir)
    try {
      const state = await readState(embedded.run)
      const tarball = Buffer.from(await ((await embedded.pglite.dumpDataDir('none')) as Blob).arrayBuffer())
      return { state, dump: gzipSync(tarball) }
    } finally {
      await embedded.close()
    }
  } finally {
    lock.release()
  }
}

// ---------------------------------------------------------------------------------------------
// Restore

export interface RestoreResult {
  meta: BackupMeta
  /** The state of the database before the restore. */
  before: DatabaseState
}

export async function restore(target: Target, file: string, options: { force?: boolean } = {}): Promise<RestoreResult> {
  const { meta, dump } = readBackup(file)
  if (meta.backend !== target.backend) {
    throw new BackupError(
      exitCodes.wrongBackend,
      `${file} is a backup of ${backendNames[meta.backend]}, but this restore is into ${backendNames[target.backend]}: ` +
        (meta.backend === 'postgres' ? 'set DATABASE_URL to the PostgreSQL database to restore into' : 'unset DATABASE_URL and set DATA_DIR to restore the embedded database'),
    )
  }
  const refuse = (before: DatabaseState) => {
    const reason = newerThanBackup(before, meta)
    if (reason && !options.force) {
      throw new BackupError(exitCodes.newerDatabase, `restore refused: ${reason}. Nothing was changed; run again with --force to replace it anyway`)
    }
  }
  const before = target.backend === 'postgres' ? await restorePostgres(target.databaseUrl, file, refuse) : await restorePglite(target.dataDir, dump, refuse)
  return { meta, before }
}

async function restorePostgres(databaseUrl: string, file: string, refuse: (state: DatabaseState) => void): Promise<DatabaseState> {
  const client = await connectPg(databaseUrl)
  let before: DatabaseState
  try {
    before = await readState(pgRunner(client))
  } finally {
    await client.end()
  }
  refuse(before)
  // One transaction: a restore that fails half-way leaves the database as it was.
  await runPgTool('pg_restore', ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', file], databaseUrl, '--dbname')
  return before
}

async function restorePglite(dataDir: string, dump: Buffer, refuse: (state: DatabaseState) => void): Promise<DatabaseState> {
  let tarball: Buffer
  try {
    tarball = gunzipSync(dump)
  } catch (error) {
    throw new BackupError(exitCodes.badBackup, `the embedded backup cannot be unpacked: ${error instanceof Error ? error.message : String(error)}`)
  }
  const hadDatabase = existsSync(path.join(dataDir, 'PG_VERSION'))
  // Held from the check until the new folder is in place, so no server opens it in between.
  const lock = takeLock(dataDir)
  const staging = `${dataDir}.restoring-${process.pid}`
  const aside = `${dataDir}.before-restore-${process.pid}`
  try {
    let before: DatabaseState = { schema: [], latestChange: null }
    if (hadDatabase) {
      const current = await openEmbedded(dataDir)
      try {
        before = await readState(current.run)
      } finally {
        await current.close()
      }
    }
    refuse(before)
    // The backup is opened in a folder of its own first; the old folder is kept until it works.
    rmSync(staging, { recursive: true, force: true })
    const restored = await openEmbedded(staging, new Blob([new Uint8Array(tarball)]))
    try {
      await readState(restored.run)
    } finally {
      await restored.close()
    }
    writeFileSync(path.join(staging, 'jiezhang.lock'), `${process.pid}\n`)
    try {
      renameSync(dataDir, aside)
    } catch (error) {
      throw new BackupError(
        exitCodes.failed,
        `cannot move ${dataDir} aside (${(error as NodeJS.ErrnoException).code}): restore into an empty folder next to it and point DATA_DIR there`,
      )
    }
    try {
      renameSync(staging, dataDir)
    } catch (error) {
      renameSync(aside, dataDir)
      throw error
    }
    rmSync(aside, { recursive: true, force: true })
    return before
  } finally {
    rmSync(staging, { recursive: true, force: true })
    lock.release()
  }
}

// ---------------------------------------------------------------------------------------------
// The embedded database and the PostgreSQL tools

function requireEmbeddedDatabase(dataDir: string): void {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new BackupError(exitCodes.failed, `there is no embedded database in ${dataDir} (DATA_DIR): nothing to back up`)
  }
}

function takeLock(dataDir: string) {
  try {
    return lockDataDir(dataDir)
  } catch (error) {
    throw new BackupError(exitCodes.folderInUse, error instanceof Error ? error.message : String(error))
  }
}

/**
 * PGlite opened directly, not through connectDatabase: the caller already holds the folder's
 * lock, and connectDatabase would take it again and drop it on close.
 */
async function openEmbedded(dataDir: string, loadDataDir?: Blob) {
  const { PGlite } = await import('@electric-sql/pglite')
  const { postgis } = await import('@electric-sql/pglite-postgis')
  const pglite = await PGlite.create({ dataDir, loadDataDir, extensions: { postgis } })
  const run: RunQuery = async <Row>(text: string) => (await pglite.query<Row>(text)).rows
  return { pglite, run, close: () => pglite.close() }
}

async function connectPg(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl })
  try {
    await client.connect()
  } catch (error) {
    throw new BackupError(exitCodes.failed, `cannot connect to DATABASE_URL: ${error instanceof Error ? error.message : String(error)}`)
  }
  return client
}

/** The PostgreSQL 15 client tools: PG_BIN_DIR, else Debian's folder, else the PATH. */
export function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const dir = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin'
  const candidate = path.join(dir, name)
  return existsSync(candidate) ? candidate : name
}

/** Runs pg_dump or pg_restore against `databaseUrl`, the password passed in the environment. */
function runPgTool(name: 'pg_dump' | 'pg_restore', args: string[], databaseUrl: string, urlFlag = '--dbname'): Promise<void> {
  const url = new URL(databaseUrl)
  const password = decodeURIComponent(url.password)
  url.password = ''
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }
  return new Promise((resolve, reject) => {
    const child = spawn(pgTool(name), [...args, `${urlFlag}=${url.toString()}`], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('error', (error) => reject(new BackupError(exitCodes.failed, `cannot run ${name} (${error.message}): install the PostgreSQL 15 client tools or set PG_BIN_DIR`)))
    child.on('close', (code) => {
      if (code === 0) resolve()
      else reject(new BackupError(exitCodes.failed, `${name} failed (exit ${code}): ${stderr.trim()}`))
    })
  })
}
