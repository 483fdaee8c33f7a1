import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'
import { exportFeatureCollection } from '../../server/transfer/export.service.js'
import { backup, BackupError, exitCodes, metaPath, restore, type Target } from '../../scripts/backup-core.js'
import { testBackend } from '../helpers/test-app.js'

/**
 * Backups on this run's backend: a database with the demo district is backed up, changed, and
 * restored; the export afterwards is the export before the change, byte for byte.
 */
const backend = testBackend()
const work = mkdtempSync(path.join(os.tmpdir(), 'jiezhang-backup-'))
const createdDatabases: string[] = []

/** A new database, copied from a template and then changed by `prepare` (one opening: the embedded one takes seconds). */
async function newTarget(template: 'demo' | 'empty' | null, prepare?: (handle: DatabaseHandle) => Promise<unknown>): Promise<Target> {
  let target: Target
  if (backend === 'pglite') {
    const dataDir = path.join(work, `data-${createdDatabases.length}`)
    createdDatabases.push(dataDir)
    target = { backend, dataDir }
    if (template !== null) {
      const dump = readFileSync(inject('pgliteTemplates')[template])
      const handle = await connectDatabase({ dataDir, loadDataDir: new Blob([dump]) })
      try {
        await prepare?.(handle)
      } finally {
        await handle.close()
      }
    }
    return target
  }
  const adminUrl = inject('postgresAdminUrl')
  const name = `jz_backup_${process.pid}_${createdDatabases.length}`
  createdDatabases.push(name)
  await admin(adminUrl, `CREATE DATABASE ${name}${template === null ? '' : ` TEMPLATE jz_template_${template}`}`)
  target = { backend, databaseUrl: adminUrl.replace(/\/postgres$/, `/${name}`) }
  if (prepare) await withDatabase(target, prepare)
  return target
}

async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function withDatabase<T>(target: Target, use: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await connectDatabase(target.backend === 'postgres' ? { databaseUrl: target.databaseUrl } : { dataDir: target.dataDir })
  try {
    return await use(handle)
  } finally {
    await handle.close()
  }
}

const exportOf = (target: Target) => withDatabase(target, async (handle) => JSON.stringify(await exportFeatureCollection(handle.db)))

async function refusal(promise: Promise<unknown>): Promise<BackupError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(BackupError)
  return error as BackupError
}

afterAll(async () => {
  if (backend === 'postgres') {
    for (const name of createdDatabases) await admin(inject('postgresAdminUrl'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  }
  rmSync(work, { recursive: true, force: true })
})

// Each embedded opening of the demo takes seconds, and more on a busy machine.
describe(`backup and restore (${backend})`, { timeout: 300_000 }, () => {
  let source: Target
  let file: string
  let original: string

  beforeAll(async () => {
    source = await newTarget('demo')
    file = path.join(work, 'demo.backup')
    original = await exportOf(source)
    await backup(source, file)
  })

  it('records the backend, the schema version, the latest change and a checksum beside the dump', async () => {
    const meta = JSON.parse(readFileSync(metaPath(file), 'utf8'))
    const dump = readFileSync(file)
    expect(meta.backend).toBe(backend)
    expect(meta.sha256).toBe(createHash('sha256').update(dump).digest('hex'))
    // The migrations in sql/ are the schema version: every numbered file there, in order.
    const migrations = readdirSync(new URL('../../sql/', import.meta.url)).filter((name) => /^\d{3}_[\w-]+\.sql$/.test(name)).sort()
    expect(migrations.slice(0, 3)).toEqual(['001_schema.sql', '002_signboard_duties.sql', '003_zone_kind.sql'])
    expect(meta.schema).toEqual(migrations)
    const latest = await withDatabase(source, async (handle) =>
      (await sql<{ latest: Date }>`SELECT max(updated_at) AS latest FROM zone`.execute(handle.db)).rows[0]!.latest,
    )
    expect(new Date(meta.latestChange).getTime()).toBeGreaterThanOrEqual(latest.getTime())
    // pg_dump's custom format starts with PGDMP; the embedded dump is a gzip stream.
    expect(backend === 'postgres' ? dump.subarray(0, 5).toString() : [...dump.subarray(0, 2)]).toEqual(backend === 'postgres' ? 'PGDMP' : [0x1f, 0x8b])
  })

  it('restores into an empty database and gives the same export', async () => {
    const fresh = await newTarget(null)
    await restore(fresh, file)
    expect(await exportOf(fresh)).toBe(original)
  })

  it('refuses to restore over a database changed after the backup, naming both times, and restores it with force', async () => {
    const changed = await withDatabase(source, async (handle) => {
      await sql`UPDATE zone SET name = name || '（改）' WHERE id = (SELECT min(id) FROM zone)`.execute(handle.db)
      return JSON.stringify(await exportFeatureCollection(handle.db))
    })
    expect(changed).not.toBe(original)
    const meta = JSON.parse(readFileSync(metaPath(file), 'utf8'))

    const refused = await refusal(restore(source, file))
    expect(refused.exitCode).toBe(exitCodes.newerDatabase)
    expect(refused.message).toContain(meta.latestChange)
    expect(refused.message).toMatch(/changed at \d{4}-\d\d-\d\dT[\d:.]+Z, after the backup's latest change/)
    expect(refused.message).toContain('--force')

    // What the forced restore found in place is the changed database: the refusal touched nothing.
    const { before } = await restore(source, file, { force: true })
    expect(refused.message).toContain(`changed at ${before.latestChange}`)
    expect(await exportOf(source)).toBe(original)
  })

  it('refuses a database with a migration the backup lacks, naming it', async () => {
    const target = await newTarget('empty', (handle) => sql`INSERT INTO schema_migration (name, applied_at) VALUES ('999_future.sql', '2000-01-01')`.execute(handle.db))
    const refused = await refusal(restore(target, file))
    expect(refused.exitCode).toBe(exitCodes.newerDatabase)
    expect(refused.message).toContain('999_future.sql')
  })

  it('refuses a missing file, a file that is no backup, a damaged dump and a backup of the other backend', async () => {
    const target = await newTarget(null)
    const missing = await refusal(restore(target, path.join(work, 'nothing-here')))
    expect([missing.exitCode, missing.message]).toEqual([exitCodes.badBackup, `${path.join(work, 'nothing-here')}: no such file`])

    const text = path.join(work, 'notes.txt')
    writeFileSync(text, 'not a dump')
    const notBackup = await refusal(restore(target, text))
    expect(notBackup.exitCode).toBe(exitCodes.badBackup)
    expect(notBackup.message).toContain('is not a Jiezhang backup')

    const damaged = path.join(work, 'damaged.backup')
    const bytes = readFileSync(file)
    bytes[bytes.length - 10] = bytes.at(-10)! ^ 0xff
    writeFileSync(damaged, bytes)
    writeFileSync(metaPath(damaged), readFileSync(metaPath(file)))
    const checksum = await refusal(restore(target, damaged))
    expect(checksum.exitCode).toBe(exitCodes.badBackup)
    expect(checksum.message).toContain('checksum differs')

    const noMeta = path.join(work, 'no-meta.backup')
    writeFileSync(noMeta, readFileSync(file))
    expect((await refusal(restore(target, noMeta))).message).toContain(`${metaPath(noMeta)} is missing`)

    // A well-formed backup of the other backend: the other format's first bytes, a matching description.
    const other = backend === 'postgres' ? 'pglite' : 'postgres'
    const foreign = path.join(work, 'foreign.backup')
    const dump = other === 'postgres' ? Buffer.from('PGDMP\u0001\u000e\u0000') : gzipSync(Buffer.from('tar'))
    writeFileSync(foreign, dump)
    const meta = { ...JSON.parse(readFileSync(metaPath(file), 'utf8')), backend: other, sha256: createHash('sha256').update(dump).digest('hex') }
    writeFileSync(metaPath(foreign), JSON.stringify(meta))
    const wrong = await refusal(restore(target, foreign))
    expect(wrong.exitCode).toBe(exitCodes.wrongBackend)
    expect(wrong.message).toMatch(other === 'postgres' ? /backup of PostgreSQL.*set DATABASE_URL/ : /backup of the embedded database.*unset DATABASE_URL/)
  })

  // Only the embedded database has a folder to lock (defined on that backend only, not skipped on the other).
  if (backend === 'pglite') it('refuses the embedded folder of a running server, naming the folder and the pid that holds it', async () => {
    if (source.backend !== 'pglite') throw new Error('the source is an embedded database on this backend')
    // The parent process stands in for a running server: alive, and not this process.
    const lock = path.join(source.dataDir, 'jiezhang.lock')
    writeFileSync(lock, `${process.ppid}\n`)
    try {
      for (const attempt of [backup(source, path.join(work, 'again.backup')), restore(source, file, { force: true })]) {
        const refused = await refusal(attempt)
        expect(refused.exitCode).toBe(exitCodes.folderInUse)
        expect(refused.message).toContain(`the data folder ${source.dataDir} is in use by another Jiezhang process (pid ${process.ppid})`)
      }
    } finally {
      rmSync(lock)
    }
  })
})

