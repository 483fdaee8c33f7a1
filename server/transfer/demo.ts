import type { Db } from '../db/database.js'

// Placeholder while the demo district is being built in this change.
export async function loadDemo(_db: Db): Promise<string> {
  return 'nothing yet'
}

/** Loads the demo district when the database holds no zones; returns a summary, or null. */
export async function loadDemoIfEmpty(db: Db): Promise<string | null> {
  const row = await db.selectFrom('zone').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  if (Number(row.count) > 0) return null
  return loadDemo(db)
}
