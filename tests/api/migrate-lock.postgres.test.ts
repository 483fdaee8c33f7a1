import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import pg from 'pg'
import { sql } from 'kysely'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'
import { listMigrations, migrate } from '../../server/db/migrate.js'

// PostgreSQL only (vitest.config.ts keeps *.postgres.test.ts out of the embedded project): two
// processes never share one embedded database folder, its lock file refuses the second.
describe('two servers starting at once on an empty PostgreSQL database', () => {
  const adminUrl = inject('postgresAdminUrl')
  const name = `jz_migrate_lock_${process.pid}_${Date.now()}`
  const handles: DatabaseHandle[] = []

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    // Not from a template: an empty database, without PostGIS, as an administrator creates it.
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
  })

  afterAll(async () => {
    for (const handle of handles) await handle.close()
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  })

  it('both migrate (one waits for the other) and every migration is applied once', async () => {
    const url = adminUrl.replace(/\/postgres$/, `/${name}`)
    // Two handles, two pools: as two server processes would have.
    handles.push(await connectDatabase({ databaseUrl: url }), await connectDatabase({ databaseUrl: url }))
    const results = await Promise.allSettled(handles.map((handle) => migrate(handle)))
    expect(results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok'))).toEqual(['ok', 'ok'])
    const ran = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []))
    const expected = listMigrations().map((migration) => migration.name)
    // Each migration ran in exactly one of the two.
    expect(ran.sort()).toEqual(expected)
    const { rows } = await sql<{ name: string }>`SELECT name FROM schema_migration ORDER BY name`.execute(handles[0]!.db)
    expect(rows.map((row) => row.name)).toEqual(expected)
    const { rows: extensions } = await sql<{ count: number }>`SELECT count(*) AS count FROM pg_extension WHERE extname = 'postgis'`.execute(handles[1]!.db)
    expect(extensions[0]!.count).toBe(1)
  })
})
