import type { Api } from '../api/client.js'
import type { ZoneFeature, ZoneInput } from '../api/types.js'

/**
 * Every edit is a transaction: zones to put (create when there is no id, update otherwise, with
 * the version the planner saw) and zones to delete, with a note for the history. Applying one
 * gives back its inverse, which is what undo applies; undoing that gives redo.
 */
export interface ZonePut {
  id?: number
  version?: number
  zone: ZoneInput
}

export interface ZoneDelete {
  id: number
  version: number
}

export interface Transaction {
  note: string
  put: ZonePut[]
  delete: ZoneDelete[]
}

export interface Applied {
  inverse: Transaction
  created: ZoneFeature[]
  updated: ZoneFeature[]
  deletedIds: number[]
}

/** What a zone feature looks like as an input again (to recreate or restore it). */
export function inputOf(feature: ZoneFeature): ZoneInput {
  const p = feature.properties
  return {
    kind: p.kind,
    code: p.code,
    name: p.name,
    parent: p.parent_code,
    geometry: feature.geometry,
    ...(p.width_m != null ? { width_m: p.width_m } : {}),
    ...(p.street_class ? { street_class: p.street_class } : {}),
  }
}

/**
 * Applies a transaction through the engine: deletes, then updates, then creates, so that a
 * replaced zone's code is free again. If a step fails, the steps already done are undone before
 * the error is passed on, so that nothing is left half-written.
 */
export async function applyTransaction(api: Api, transaction: Transaction, before: (id: number) => Promise<ZoneFeature>): Promise<Applied> {
  const inverse: Transaction = { note: transaction.note, put: [], delete: [] }
  const created: ZoneFeature[] = []
  const updated: ZoneFeature[] = []
  const deletedIds: number[] = []
  try {
    for (const removal of transaction.delete) {
      const old = await before(removal.id)
      await api.deleteZone(removal.id, removal.version)
      deletedIds.push(removal.id)
      inverse.put.unshift({ zone: inputOf(old) })
    }
    for (const put of transaction.put.filter((p) => p.id !== undefined)) {
      const old = await before(put.id!)
      const { kind: _kind, ...patch } = put.zone
      const result = await api.updateZone(put.id!, { ...patch, version: put.version ?? old.properties.version })
      updated.push(result)
      inverse.put.unshift({ id: result.id, version: result.properties.version, zone: inputOf(old) })
    }
    for (const put of transaction.put.filter((p) => p.id === undefined)) {
      const result = await api.createZone(put.zone)
      created.push(result)
      inverse.delete.unshift({ id: result.id, version: result.properties.version })
    }
  } catch (error) {
    if (inverse.put.length || inverse.delete.length) {
      try {
        await applyTransaction(api, inverse, before)
      } catch {
        // The original error is what the planner needs to see; the reload shows what stands.
      }
    }
    throw error
  }
  return { inverse, created, updated, deletedIds }
}

/** Undo and redo stacks of applied transactions. */
export class History {
  private undoStack: Transaction[] = []
  private redoStack: Transaction[] = []

  record(inverse: Transaction): void {
    this.undoStack.push(inverse)
    this.redoStack = []
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0
  }

  get notes(): string[] {
    return this.undoStack.map((t) => t.note)
  }

  async undo(run: (t: Transaction) => Promise<Transaction>): Promise<void> {
    const transaction = this.undoStack.pop()
    if (!transaction) return
    try {
      this.redoStack.push(await run(transaction))
    } catch (error) {
      this.undoStack.push(transaction)
      throw error
    }
  }

  async redo(run: (t: Transaction) => Promise<Transaction>): Promise<void> {
    const transaction = this.redoStack.pop()
    if (!transaction) return
    try {
      this.undoStack.push(await run(transaction))
    } catch (error) {
      this.redoStack.push(transaction)
      throw error
    }
  }
}
