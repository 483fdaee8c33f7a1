import { registerJob } from '../jobs/scheduler.js'
import { evaluateCredit } from './credit.evaluate.js'

/**
 * The credit rules are evaluated every ten minutes, in whichever process holds the job's lease
 * (server/jobs/scheduler.ts); evaluation is idempotent, so a run after a lost lease or next to an
 * on-demand `POST /api/credit/evaluate` gives nothing twice.
 */
export const CREDIT_EVALUATION_JOB = 'credit-evaluate'

registerJob({
  name: CREDIT_EVALUATION_JOB,
  intervalMs: 10 * 60_000,
  run: async (db, now) => {
    await evaluateCredit(db, { now })
  },
})
