import type { Db } from '../db/database.js'
import { MemoryZoneLocator } from '../resolve/memory-locator.js'

/**
 * The seam for "always current" (issue 8, item 3). One LiveZones per process holds the zones,
 * holders and routes it answers from, at a revision of the database's change log; every
 * consumer (resolution, batch workers, vector tiles) reads through it.
 *
 * CONTRACT (written before the parts were built; server/live/ owns the implementation):
 * - `revision` is the change-log revision this process has applied (0 before the first load).
 * - `catchUp()` applies every change committed before the call and resolves to the revision
 *   then current; a route calls it before answering, so nothing answers from a stale index after
 *   a write this process has seen committed.
 * - `view()` is the current locator view: an immutable `base` (rebuilt now and then), an
 *   `overlay` of the zones changed since the base was built (null when none), and `replaced`,
 *   the ids whose base answers are void (changed or deleted since the base). A covering answer
 *   is base's answers minus `replaced`, plus overlay's.
 * - `onApplied(listener)` is told, in order, of every applied batch: which zone ids changed (their
 *   geometry, attributes, holders or routes), or `null` for "anything may have changed".
 */
export interface ZoneChangeBatch {
  from: number
  to: number
  zoneIds: readonly number[] | null
}

export interface LocatorView {
  revision: number
  base: MemoryZoneLocator
  overlay: MemoryZoneLocator | null
  replaced: ReadonlySet<number>
}

export interface LiveZones {
  readonly revision: number
  catchUp(): Promise<number>
  view(): LocatorView
  onApplied(listener: (batch: ZoneChangeBatch) => void): () => void
  close(): Promise<void>
}

/**
 * The interim implementation, until the change log exists: every catchUp() reads the whole
 * snapshot again and reports "anything may have changed". Correct, slow at city scale.
 */
export function createLiveZones(db: Db): LiveZones {
  let current: LocatorView | null = null
  let revision = 0
  const listeners = new Set<(batch: ZoneChangeBatch) => void>()
  return {
    get revision() {
      return revision
    },
    async catchUp() {
      const base = await MemoryZoneLocator.load(db)
      const from = revision
      revision += 1
      current = { revision, base, overlay: null, replaced: new Set() }
      for (const listener of listeners) listener({ from, to: revision, zoneIds: null })
      return revision
    },
    view() {
      if (current === null) throw new Error('LiveZones.view() before the first catchUp()')
      return current
    },
    onApplied(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      listeners.clear()
      return Promise.resolve()
    },
  }
}
