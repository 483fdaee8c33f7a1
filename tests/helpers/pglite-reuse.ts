import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { inject } from 'vitest'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'

/**
 * Opening an embedded PostGIS costs seconds (the WebAssembly Postgres starting and PostGIS
 * linking), most of an API test file's time. The api-pglite project runs its files one after
 * another in each worker without isolating modules (vitest.config.ts), so a worker keeps the
 * database a file is done with and hands it to the next file that wants the same template,
 * put back exactly as the template was: every table's rows and every sequence restored from a
 * copy taken when it was opened, the session's settings, locks and prepared statements
 * discarded. A file that changed the schema (a table, function or trigger added, dropped or
 * disabled) gets its database closed instead, and the next file opens a fresh one.
 */

type Template = 'empty' | 'demo'

interface Kept {
  handle: DatabaseHandle
  /** The schema as it was opened: a file that changed it does not hand the database on. */
  schema: string
}

const SNAPSHOT = 'jz_test_snapshot'
const idle = new Map<Template, Kept>()
const inUse = new Map<DatabaseHandle, Kept & { template: Template }>()

/** A database of `template`, fresh from the dump or put back as the dump was. */
export async function openPgliteTemplate(template: Template): Promise<DatabaseHandle> {
  const kept = idle.get(template)
  idle.delete(template)
  if (kept) {
    try {
      await restore(kept.handle)
      inUse.set(kept.handle, { ...kept, template })
      return kept.handle
    } catch {
      await kept.handle.close().catch(() => {})
    }
  }
  const handle = await connectDatabase({ loadDataDir: new Blob([readFileSync(inject('pgliteTemplates')[template])]) })
  await takeSnapshot(handle)
  inUse.set(handle, { handle, schema: await schemaFingerprint(handle), template })
  return handle
}

/** Done with the database: kept for the next file when its schema is as it was, else closed. */
export async function releasePgliteTemplate(handle: DatabaseHandle): Promise<void> {
  const entry = inUse.get(handle)
  inUse.delete(handle)
  let reusable = false
  if (entry && !idle.has(entry.template)) {
    try {
      await handle.execScript('ROLLBACK')
    } catch {
      // No transaction was open: the usual case.
    }
    try {
      reusable = (await schemaFingerprint(handle)) === entry.schema
    } catch {
      reusable = false
    }
  }
  if (reusable && entry) idle.set(entry.template, { handle, schema: entry.schema })
  else await handle.close()
}

/** The tables the snapshot copies: every table of the application (PostGIS's own list of reference systems stays). */
async function applicationTables(handle: DatabaseHandle): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'spatial_ref_sys'
    ORDER BY c.relname`.execute(handle.db)
  return rows.map((row) => row.name)
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

async function takeSnapshot(handle: DatabaseHandle): Promise<void> {
  const tables = await applicationTables(handle)
  const statements = [`CREATE SCHEMA ${SNAPSHOT}`]
  for (const table of tables) statements.push(`CREATE TABLE ${SNAPSHOT}.${ident(table)} AS TABLE public.${ident(table)}`)
  statements.push(`CREATE TABLE ${SNAPSHOT}.sequences AS
    SELECT schemaname || '.' || sequencename AS name, last_value, last_value IS NOT NULL AS called
    FROM pg_sequences WHERE schemaname = 'public'`)
  await handle.execScript(statements.join(';\n'))
}

async function restore(handle: DatabaseHandle): Promise<void> {
  // Settings, advisory locks, prepared statements, LISTENs and temporary tables of the last file.
  await sql`DISCARD ALL`.execute(handle.db)
  const tables = await applicationTables(handle)
  const list = tables.map((table) => `public.${ident(table)}`).join(', ')
  const statements = [
    // Triggers off while the rows go back as they were (the audit trail's append-only guard,
    // derived areas and parts, foreign-key checks): the copy is of a consistent database.
    `SET LOCAL session_replication_role = replica`,
    `TRUNCATE ${list}`,
    ...tables.map((table) => `INSERT INTO public.${ident(table)} SELECT * FROM ${SNAPSHOT}.${ident(table)}`),
    `SELECT CASE WHEN called THEN setval(name, last_value, true) ELSE setval(name, 1, false) END FROM ${SNAPSHOT}.sequences`,
  ]
  await handle.execScript(statements.join(';\n'))
}

/** Tables, columns, functions, triggers and their enabled state, outside the snapshot. */
async function schemaFingerprint(handle: DatabaseHandle): Promise<string> {
  const { rows } = await sql<{ fingerprint: string }>`
    SELECT md5(
      coalesce((SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' ORDER BY n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', ${SNAPSHOT}) AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'), '')
      || '|' || coalesce((SELECT string_agg(x, ',' ORDER BY x) FROM (
        SELECT c.relname || '.' || a.attname || ':' || a.atttypid::text AS x
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped) columns), '')
      || '|' || coalesce((SELECT string_agg(x, ',' ORDER BY x) FROM (
        SELECT p.proname || '(' || p.pronargs || ')' || md5(p.prosrc) AS x
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public') functions), '')
      || '|' || coalesce((SELECT string_agg(x, ',' ORDER BY x) FROM (
        SELECT c.relname || '.' || t.tgname || ':' || t.tgenabled::text AS x
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid) triggers), '')
    ) AS fingerprint`.execute(handle.db)
  return rows[0]!.fingerprint
}
