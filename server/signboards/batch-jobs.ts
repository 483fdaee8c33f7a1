import { randomUUID } from 'node:crypto'
import type { Db } from '../db/database.js'
import { DomainError } from '../errors.js'
import { batchZones, renderBatch, type BatchRequest, type BatchResult } from './batch.js'

/**
 * Batch jobs live in the server's memory: a restart forgets them, and only the newest few are
 * kept, each for an hour. A print run is minutes of work that the planner waits for, not a
 * queue that must survive restarts.
 */
export interface BatchJob {
  id: string
  status: 'running' | 'done' | 'failed'
  done: number
  total: number
  current: string | null
  error: string | null
  created_at: string
  result: BatchResult | null
}

const MAX_JOBS = 20
const KEEP_MS = 60 * 60 * 1000

/** Thrown from the progress callback to end a render after the signboard it has just drawn. */
class JobStopped extends Error {}

export class BatchJobs {
  private readonly jobs = new Map<string, BatchJob>()
  private readonly running = new Set<Promise<unknown>>()
  private stopping = false

  /** Checks the request (so that a bad zone is a 4xx at once), then renders in the background. */
  async start(db: Db, request: BatchRequest): Promise<BatchJob> {
    if (this.stopping) throw new DomainError('shutting_down', 'The server is shutting down; start the batch again once it is back')
    const { zones } = await batchZones(db, request.zone, request.kind)
    this.prune()
    const job: BatchJob = {
      id: randomUUID(),
      status: 'running',
      done: 0,
      total: zones.length,
      current: null,
      error: null,
      created_at: new Date().toISOString(),
      result: null,
    }
    this.jobs.set(job.id, job)
    const render = renderBatch(db, request, (done, total, zone) => {
      job.done = done
      job.total = total
      job.current = zone.name
      if (this.stopping && done < total) throw new JobStopped()
    }).then(
      (result) => {
        job.result = result
        job.status = 'done'
        job.current = null
      },
      (error: unknown) => {
        job.status = 'failed'
        job.current = null
        job.error =
          error instanceof JobStopped
            ? `Stopped after ${job.done} of ${job.total} signboards: the server shut down`
            : error instanceof DomainError
              ? error.message
              : 'The batch could not be rendered'
      },
    )
    this.running.add(render)
    void render.finally(() => this.running.delete(render))
    return job
  }

  /**
   * At shutdown: running renders stop after the signboard each is drawing (a chunk boundary), and
   * new batches are refused; resolves once none is running, so the database can be closed.
   */
  async stop(): Promise<void> {
    this.stopping = true
    await Promise.allSettled([...this.running])
  }

  get(id: string): BatchJob | undefined {
    return this.jobs.get(id)
  }

  private prune(): void {
    const now = Date.now()
    for (const [id, job] of this.jobs) {
      if (now - Date.parse(job.created_at) > KEEP_MS && job.status !== 'running') this.jobs.delete(id)
    }
    const finished = [...this.jobs.values()].filter((job) => job.status !== 'running')
    while (this.jobs.size >= MAX_JOBS && finished.length) this.jobs.delete(finished.shift()!.id)
  }
}
