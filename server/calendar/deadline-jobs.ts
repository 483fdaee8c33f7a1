import { registerJob } from '../jobs/scheduler.js'
import { sweepDeadlines } from './deadline-sweep.js'

/** The deadline sweep runs every minute, in whichever process holds its lease. */
export const DEADLINE_SWEEP_JOB = 'deadline-sweep'

registerJob({
  name: DEADLINE_SWEEP_JOB,
  intervalMs: 60_000,
  run: async (db, now) => {
    await sweepDeadlines(db, now)
  },
})
