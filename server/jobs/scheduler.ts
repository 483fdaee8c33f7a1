import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'

/**
 * Background work (the deadline sweep, outbox delivery) under leases: several server processes
 * may share one database, and each job runs in whichever process holds its row of job_lease.
 * A holder renews its lease before every run; a process that stops releases its leases, one that
 * dies loses them when they expire, and another process takes the job at its next tick.
 */
export interface JobDefinition {
  name: string
  intervalMs: number
  run: (db: Db, now: Date) => Promise<void>
}

const jobs = new Map<string, JobDefinition>()

/** Registers (or replaces) a job; modules register theirs when imported. */
export function registerJob(job: JobDefinition): void {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(job.name)) throw new Error(`job name "${job.name}" must be lower-case letters, digits, ., _ or -`)
  if (!Number.isInteger(job.intervalMs) || job.intervalMs < 100) throw new Error(`job ${job.name}: intervalMs must be a whole number of at least 100`)
  jobs.set(job.name, job)
}

export function registeredJobs(): JobDefinition[] {
  return [...jobs.values()]
}

/** Runs a job now, without a lease (tests, and an operator's one-off run); records the run. */
export async function runJobOnce(db: Db, name: string, now: Date = new Date()): Promise<void> {
  const job = jobs.get(name)
  if (!job) throw new Error(`no job named "${name}" is registered (${[...jobs.keys()].join(', ') || 'none'})`)
  await runRecorded(db, job, now)
}

async function runRecorded(db: Db, job: JobDefinition, now: Date): Promise<void> {
  try {
    await job.run(db, now)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await sql`
      INSERT INTO job_lease (name, last_run_at, last_error) VALUES (${job.name}, ${now}, ${message.slice(0, 2000)})
      ON CONFLICT (name) DO UPDATE SET last_run_at = EXCLUDED.last_run_at, last_error = EXCLUDED.last_error`.execute(db)
    throw error
  }
  await sql`
    INSERT INTO job_lease (name, last_run_at, last_error) VALUES (${job.name}, ${now}, NULL)
    ON CONFLICT (name) DO UPDATE SET last_run_at = EXCLUDED.last_run_at, last_error = NULL`.execute(db)
}

/** How long a lease lasts: three intervals, at least a minute (a run may take a while). */
export function leaseMsOf(job: Pick<JobDefinition, 'intervalMs'>): number {
  return Math.max(job.intervalMs * 3, 60_000)
}

/**
 * Takes or renews the lease of a job for `holder`: succeeds when nobody holds it, the holder is
 * this one, or the lease has expired. One statement, so two processes never both succeed.
 */
export async function acquireLease(db: Db, name: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
  const until = new Date(now.getTime() + leaseMs)
  const { rows } = await sql<{ holder: string }>`
    INSERT INTO job_lease (name, holder, leased_until) VALUES (${name}, ${holder}, ${until})
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, leased_until = EXCLUDED.leased_until
     WHERE job_lease.holder = EXCLUDED.holder OR job_lease.holder IS NULL
        OR job_lease.leased_until IS NULL OR job_lease.leased_until <= ${now}
    RETURNING holder`.execute(db)
  return rows[0]?.holder === holder
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await sql`UPDATE job_lease SET holder = NULL, leased_until = NULL WHERE name = ${name} AND holder = ${holder}`.execute(db)
}

export interface SchedulerLog {
  warn: (object: object, message: string) => void
}

export interface SchedulerOptions {
  /** Names this process in job_lease.holder (default: host, pid and a random part). */
  holder?: string
  /** Start timers (default: unless SCHEDULER=off). Without them, `tick` drives the jobs. */
  timers?: boolean
  log?: SchedulerLog
  /** Only these jobs (default: every registered one, as registered when a tick runs). */
  jobNames?: string[]
}

export interface Scheduler {
  readonly holder: string
  /** For each job: take or renew its lease, and run it when held. Returns the jobs run. */
  tick: (now?: Date) => Promise<string[]>
  /** One job's tick (what its timer does). */
  tickJob: (name: string, now?: Date) => Promise<boolean>
  /** Stops the timers, waits for runs in progress, releases the leases held. */
  stop: () => Promise<void>
}

export function schedulerEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.SCHEDULER?.trim().toLowerCase()
  if (value === undefined || value === '' || ['on', '1', 'true', 'yes'].includes(value)) return true
  if (['off', '0', 'false', 'no'].includes(value)) return false
  throw new Error(`SCHEDULER must be on or off, got "${env.SCHEDULER}"`)
}

export function startScheduler(db: Db, options: SchedulerOptions = {}): Scheduler {
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  const timers = options.timers ?? schedulerEnabled()
  const held = new Set<string>()
  const running = new Map<string, Promise<boolean>>()
  const handles = new Map<string, NodeJS.Timeout>()
  let stopped = false
  const selected = () => registeredJobs().filter((job) => !options.jobNames || options.jobNames.includes(job.name))

  const tickJob = (name: string, now: Date = new Date()): Promise<boolean> => {
    const job = jobs.get(name)
    if (!job || stopped) return Promise.resolve(false)
    // One run of a job at a time in this process: a tick during a run waits for it.
    const previous = running.get(name)
    if (previous) return previous.then(() => false)
    const attempt = (async () => {
      try {
        if (!(await acquireLease(db, name, holder, now, leaseMsOf(job)))) {
          held.delete(name)
          return false
        }
        held.add(name)
        await runRecorded(db, job, now)
        return true
      } catch (error) {
        options.log?.warn({ err: error, job: name }, `job ${name} failed`)
        return false
      } finally {
        running.delete(name)
      }
    })()
    running.set(name, attempt)
    return attempt
  }

  const schedule = (job: JobDefinition) => {
    const handle = setTimeout(() => {
      void tickJob(job.name).finally(() => {
        if (!stopped) schedule(job)
      })
    }, job.intervalMs)
    handle.unref()
    handles.set(job.name, handle)
  }
  if (timers) for (const job of selected()) schedule(job)

  return {
    holder,
    tickJob,
    async tick(now = new Date()) {
      const ran: string[] = []
      for (const job of selected()) if (await tickJob(job.name, now)) ran.push(job.name)
      return ran
    },
    async stop() {
      stopped = true
      for (const handle of handles.values()) clearTimeout(handle)
      handles.clear()
      await Promise.allSettled([...running.values()])
      for (const name of held) await releaseLease(db, name, holder).catch(() => undefined)
      held.clear()
    },
  }
}
