import { sql } from 'kysely'
import type { Db } from './database.js'

/**
 * The tables whose statistics the planner needs to choose index scans: who holds a zone
 * (assignment, party), the zone tree and its parts, category routes.
 */
export const statisticsTables = ['zone', 'zone_part', 'party', 'assignment', 'category', 'category_route'] as const
export type StatisticsTable = (typeof statisticsTables)[number]

/**
 * Refreshes the planner's statistics of `tables` (ANALYZE samples at most 30,000 rows a table, so
 * this is bounded however large the city).
 *
 * When it runs: at start on the embedded database, which has no autovacuum and so would never
 * analyze; and after every import on both backends, because autovacuum lags a bulk write by a
 * minute or more and a fresh table without statistics is planned as if it were tiny. Not inside
 * a transaction: the statistics should describe what was committed.
 */
export async function analyzeTables(db: Db, tables: readonly StatisticsTable[] = statisticsTables): Promise<number> {
  const started = performance.now()
  // Table names come from the constant list above, never from input.
  await sql`ANALYZE ${sql.join(tables.map((table) => sql.table(table)))}`.execute(db)
  return performance.now() - started
}
