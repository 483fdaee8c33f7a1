import { sql } from 'kysely'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import type { DatabaseHandle } from './connect.js'

const migrationsDir = fileURLToPath(new URL('../../sql/', import.meta.url))

/** Numbered plain SQL files in sql/, applied once each, in order, each in its own transaction. */
export function listMigrations(): { name: string; script: string }[] {
  return readdirSync(migrationsDir)
    .filter((name) => /^\d{3}_[\w-]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ name, script: readFileSync(path.join(migrationsDir, name), 'utf8') }))
}

/**
 * Applies the migrations not yet applied, under the migration lock: two servers starting at once
 * on an empty database would otherwise both run CREATE EXTENSION and CREATE TABLE, and the second
 * crash on a duplicate catalogue row (`pg_extension_name_index`). The second waits, then finds
 * everything applied.
 */
export function migrate(handle: DatabaseHandle): Promise<string[]> {
  return handle.withMigrationLock(() => migrateLocked(handle))
}

async function migrateLocked(handle: DatabaseHandle): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migration (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(handle.db)
  const applied = new Set(
    (await sql<{ name: string }>`SELECT name FROM schema_migration`.execute(handle.db)).rows.map((row) => row.name),
  )
  const ran: string[] = []
  for (const { name, script } of listMigrations()) {
    if (applied.has(name)) continue
    // The name is checked by the file pattern above, so it is safe to inline.
    await handle.execScript(`${script}\n;INSERT INTO schema_migration (name) VALUES ('${name}');`)
    ran.push(name)
  }
  return ran
}
