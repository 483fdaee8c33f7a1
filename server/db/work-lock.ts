import type { Db } from './database.js'

/**
 * Long work on a database with one connection (the embedded PGlite), and the rest of the server.
 *
 * PGlite has one session: a transaction holds it from BEGIN to COMMIT, and every other query waits.
 * A batch resolution of 200,000 points inside one transaction therefore starved `/api/resolve` for
 * its whole run. Instead the batch runs as many short statements outside a transaction, and this
 * lock keeps what the transaction gave it, one view of the data: a **snapshot reader** (a batch)
 * and a **writer** (a request that may write) never overlap. Snapshot readers share the lock with
 * each other, writers with each other (PGlite itself serialises their statements); single reads
 * take no part, so they interleave with a batch's statements. A waiting writer goes before new
 * snapshot readers, so that a stream of batches cannot starve the writes.
 *
 * The folder lock (data-dir-lock.ts) makes this process the only one that opens the embedded
 * database, so an in-process lock sees every writer.
 *
 * Foreground requests (everything but a batch) are also counted, so that a batch can step aside
 * between its statements while one is being answered (`yieldToForeground`).
 */
export class WorkLock {
  private snapshotReaders = 0
  private writers = 0
  private readonly waitingWriters: (() => void)[] = []
  private readonly waitingReaders: (() => void)[] = []
  private foreground = 0
  private readonly foregroundIdle: (() => void)[] = []

  /** Waits until no writer holds or awaits the lock; returns the release (safe to call twice). */
  async acquireSnapshot(): Promise<() => void> {
    while (this.writers > 0 || this.waitingWriters.length > 0) {
      await new Promise<void>((resolve) => this.waitingReaders.push(resolve))
    }
    this.snapshotReaders++
    return once(() => {
      this.snapshotReaders--
      this.wake()
    })
  }

  /** Waits until no snapshot reader holds the lock; returns the release (safe to call twice). */
  async acquireWrite(): Promise<() => void> {
    if (this.snapshotReaders > 0) {
      await new Promise<void>((resolve) => this.waitingWriters.push(resolve))
    } else {
      this.writers++
    }
    return once(() => {
      this.writers--
      this.wake()
    })
  }

  private wake(): void {
    if (this.snapshotReaders === 0 && this.waitingWriters.length > 0) {
      // Every waiting writer enters together; they do not exclude one another.
      this.writers += this.waitingWriters.length
      for (const resolve of this.waitingWriters.splice(0)) resolve()
      return
    }
    if (this.writers === 0 && this.waitingWriters.length === 0) for (const resolve of this.waitingReaders.splice(0)) resolve()
  }

  /** Marks a foreground request in progress until the returned function is called (safe twice). */
  enterForeground(): () => void {
    this.foreground++
    return once(() => {
      this.foreground--
      if (this.foreground === 0) for (const resolve of this.foregroundIdle.splice(0)) resolve()
    })
  }

  /**
   * Between two statements of long work: lets the event loop run, then waits while foreground
   * requests are in progress, for at most `maxWaitMs`, so that the long work still advances under
   * a steady stream of requests.
   */
  async yieldToForeground(maxWaitMs: number): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve))
    if (this.foreground === 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      new Promise<void>((resolve) => this.foregroundIdle.push(resolve)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxWaitMs)
      }),
    ])
    clearTimeout(timer)
  }

  /** For tests and diagnostics. */
  get state(): { snapshotReaders: number; writers: number; waitingWriters: number; waitingReaders: number; foreground: number } {
    return {
      snapshotReaders: this.snapshotReaders,
      writers: this.writers,
      waitingWriters: this.waitingWriters.length,
      waitingReaders: this.waitingReaders.length,
      foreground: this.foreground,
    }
  }
}

function once(action: () => void): () => void {
  let done = false
  return () => {
    if (done) return
    done = true
    action()
  }
}

const locks = new WeakMap<object, WorkLock>()

/**
 * The lock of a database with a single connection (PGlite), created on first use; null for a
 * server with a pool (PostgreSQL), where a batch keeps its repeatable-read transaction and reads
 * run on other connections.
 */
export function workLockOf(db: Db): WorkLock | null {
  // A stand-in without an executor (a test's app without a database) has nothing to lock.
  if (typeof db.getExecutor !== 'function' || db.getExecutor().adapter.supportsMultipleConnections) return null
  let lock = locks.get(db)
  if (!lock) locks.set(db, (lock = new WorkLock()))
  return lock
}
