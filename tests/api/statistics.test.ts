import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { richDistrict } from './transfer.fixture.js'

/**
 * The planner needs statistics to choose index scans ("who holds this zone" scanned every
 * assignment without them). The embedded database has no autovacuum, and on PostgreSQL
 * autovacuum lags a bulk write, so an import analyzes what it wrote.
 */
let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ demo: false })
})

afterAll(async () => {
  await t?.close()
})

interface TableStatistics {
  relname: string
  reltuples: number
  rows: number
}

/** pg_class.reltuples is -1 for a table never analyzed or vacuumed (PostgreSQL 14 and later). */
async function statistics(): Promise<Map<string, TableStatistics>> {
  const { rows } = await sql<TableStatistics>`
    SELECT c.relname, c.reltuples::float8 AS reltuples, 0 AS rows
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname IN ('zone', 'zone_part', 'party', 'assignment', 'category_route')
  `.execute(t.handle.db)
  const counted = new Map<string, TableStatistics>()
  for (const row of rows) {
    const count = await sql<{ count: number }>`SELECT count(*)::int AS count FROM ${sql.table(row.relname)}`.execute(t.handle.db)
    counted.set(row.relname, { ...row, reltuples: Number(row.reltuples), rows: count.rows[0]!.count })
  }
  return counted
}

describe('planner statistics', () => {
  it('are missing on a fresh empty database, and match the row counts and are recorded as an ANALYZE right after an import', async () => {
    const before = await statistics()
    expect(before.get('assignment')?.reltuples, 'a fresh table has no statistics yet').toBe(-1)

    const response = await t.app.inject({ method: 'POST', url: '/api/import', payload: richDistrict() })
    expect(response.statusCode, response.body).toBe(201)

    const after = await statistics()
    expect([...after.keys()].sort()).toEqual(['assignment', 'category_route', 'party', 'zone', 'zone_part'])
    for (const table of after.values()) {
      expect(table.rows, `${table.relname} has rows after the import`).toBeGreaterThan(0)
      // ANALYZE reads every row of a table this small, so its estimate is the count itself.
      expect(table.reltuples, `${table.relname}: reltuples`).toBe(table.rows)
    }

    const { rows } = await sql<{ relname: string; analyzed: boolean }>`
      SELECT relname, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
      WHERE schemaname = 'public' AND relname IN ('zone', 'party', 'assignment')
    `.execute(t.handle.db)
    // PostgreSQL keeps them; the embedded database may list no rows at all (no statistics
    // collector worth the name in a single-user session), which reltuples above covers.
    if (t.backend === 'postgres') expect(rows.map((row) => [row.relname, row.analyzed]).sort()).toEqual([['assignment', true], ['party', true], ['zone', true]])
    else for (const row of rows) expect(row.analyzed, row.relname).toBe(true)
  })
})
