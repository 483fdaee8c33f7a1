import { sql } from 'kysely'
import type { Db } from './database.js'

export type Readiness = { ready: true } | { ready: false; reason: string; error?: unknown }

/**
 * Asks the database a trivial question and waits at most `timeoutMs` for the answer: ready, or
 * why not, in words for the readiness answer (and the error itself for the log only). The query
 * itself is not cancelled on time-out (a frozen server would not see the cancel); the pool's own
 * read timeout ends it.
 */
export async function databaseReady(db: Db, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `the database did not answer within ${timeoutMs} ms` }), timeoutMs)
  })
  const answered = sql`SELECT 1`.execute(db).then(
    (): Readiness => ({ ready: true }),
    (error: unknown): Readiness => ({ ready: false, reason: 'the database cannot be reached', error }),
  )
  try {
    return await Promise.race([answered, timedOut])
  } finally {
    clearTimeout(timer)
  }
}
