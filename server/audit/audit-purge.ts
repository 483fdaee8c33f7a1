import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { ConfigError } from '../config.js'

/** The Cybersecurity Law (Art. 21) asks for six months of logs; sql/005's trigger refuses anything younger. */
export const MIN_RETENTION_DAYS = 180
const DAY_MS = 24 * 60 * 60 * 1000

/** AUDIT_RETENTION_DAYS: whole days, at least 180 (the default). A smaller value is a configuration error. */
export function auditRetentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.AUDIT_RETENTION_DAYS?.trim()
  if (!text) return MIN_RETENTION_DAYS
  const days = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(days) || days < MIN_RETENTION_DAYS || days > 36_500) {
    throw new ConfigError(`AUDIT_RETENTION_DAYS must be a whole number of days from ${MIN_RETENTION_DAYS} to 36500, got "${text}"`)
  }
  return days
}

/** Deletes the events older than `days` days; answers how many went. */
export async function purgeAudit(db: Db, days: number): Promise<number> {
  if (!Number.isSafeInteger(days) || days < MIN_RETENTION_DAYS) throw new Error(`audit retention must be at least ${MIN_RETENTION_DAYS} days, got ${days}`)
  const result = await db
    .deleteFrom('audit_event')
    .where('at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Purges now and then once a day, until the returned function is called. */
export function scheduleAuditPurge(db: Db, days: number, log: { info(message: string): void; error(object: unknown, message: string): void }): () => void {
  const run = async () => {
    try {
      const deleted = await purgeAudit(db, days)
      if (deleted > 0) log.info(`audit: purged ${deleted} events older than ${days} days`)
    } catch (error) {
      log.error({ err: error }, 'audit: the purge failed')
    }
  }
  void run()
  const timer = setInterval(() => void run(), DAY_MS)
  timer.unref()
  return () => clearInterval(timer)
}
