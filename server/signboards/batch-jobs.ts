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

export class BatchJobs {
  private readonly jobs = new Map<string, BatchJob>()

  /** Checks the request (so that a bad zone is a 4xx at once), then renders in the background. */
  async start(db: Db, request: BatchRequest): Promise<BatchJob> {
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
    void renderBatch(db, request, (done, total, zone) => {
      job.done = done
      job.total = total
      job.current = zone.name
    }).then(
      (result) => {
        job.result = result
        job.status = 'done'
        job.current = null
      },
      (error: unknown) => {
        job.status = 'failed'
        job.error = error instanceof DomainError ? error.message : 'The batch could not be rendered'
      },
    )
    return job
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
