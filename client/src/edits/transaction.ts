import type { Api } from '../api/client.js'
import type { ZoneFeature, ZoneInput } from '../api/types.js'
import {
  applyDutyChange, applyImport, applyImportUndo, applyRouteChange, type DutyChange, type ImportRequest, type ImportUndo, type RouteChange,
} from './operations.js'

export type { DutyChange, ImportRequest, ImportUndo, RouteChange }

/**
 * Every edit is a transaction: zones to put (create when there is no id, update otherwise, with
 * the version the planner saw) and zones to delete, with a note for the history; and the other
 * writes (edits/operations.ts): duties given or ended, category routes set or removed, imports
 * and their taking back. Applying one gives back its inverse, which is what undo applies;
 * undoing that gives redo.
 */
export interface ZonePut {
  id?: number
  version?: number
  zone: ZoneInput
  /** The shop answering for a frontage created by this put (门前三包): assigned right after it is created. */
  merchant?: { name: string; phone?: string }
}

export interface ZoneDelete {
  id: number
  version: number
}

export interface Transaction {
  note: string
  put: ZonePut[]
  delete: ZoneDelete[]
  assign?: DutyChange[]
  route?: RouteChange[]
  import?: ImportRequest[]
  unimport?: ImportUndo[]
}

export interface Applied {
  inverse: Transaction
  created: ZoneFeature[]
  updated: ZoneFeature[]
  deletedIds: number[]
  /** Zones the transaction's imports made, and the engine's counts for each import. */
  imported: ZoneFeature[]
  importCounts: Record<string, number>[]
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
 * The zone as it stands at the version about to be overwritten: the page's copy is older when
 * the planner chose to overwrite someone else's edit, and undo must bring back theirs.
 */
async function storedAt(api: Api, before: (id: number) => Promise<ZoneFeature>, id: number, version: number | undefined): Promise<ZoneFeature> {
  const old = await before(id)
  return version === undefined || old.properties.version === version ? old : api.getZone(id)
}

const isEmpty = (t: Transaction) =>
  !t.put.length && !t.delete.length && !t.assign?.length && !t.route?.length && !t.import?.length && !t.unimport?.length

/**
 * Applies a transaction through the engine: imports taken back, deletes, updates, creates (so
 * that a replaced zone's code is free again), then imports, duties and routes, which may name the
 * zones just made. If a step fails, the steps already done are undone before the error is passed
 * on, so that nothing is left half-written.
 */
export async function applyTransaction(api: Api, transaction: Transaction, before: (id: number) => Promise<ZoneFeature>): Promise<Applied> {
  const inverse: Required<Transaction> = { note: transaction.note, put: [], delete: [], assign: [], route: [], import: [], unimport: [] }
  const created: ZoneFeature[] = []
  const updated: ZoneFeature[] = []
  const deletedIds: number[] = []
  const imported: ZoneFeature[] = []
  const importCounts: Record<string, number>[] = []
  try {
    for (const undo of transaction.unimport ?? []) {
      inverse.import.unshift(...(await applyImportUndo(api, undo, (id) => deletedIds.push(id))))
    }
    for (const removal of transaction.delete) {
      const old = await storedAt(api, before, removal.id, removal.version)
      await api.deleteZone(removal.id, removal.version)
      deletedIds.push(removal.id)
      // A frontage deleted and brought back by undo keeps its shop.
      const merchant = old.properties.kind === 'frontage' ? old.properties.merchant : null
      inverse.put.unshift({ zone: inputOf(old), ...(merchant ? { merchant: { name: merchant.name, ...(merchant.phone ? { phone: merchant.phone } : {}) } } : {}) })
    }
    for (const put of transaction.put.filter((p) => p.id !== undefined)) {
      const old = await storedAt(api, before, put.id!, put.version)
      const { kind: _kind, ...patch } = put.zone
      const result = await api.updateZone(put.id!, { ...patch, version: put.version ?? old.properties.version })
      updated.push(result)
      inverse.put.unshift({ id: result.id, version: result.properties.version, zone: inputOf(old) })
    }
    for (const put of transaction.put.filter((p) => p.id === undefined)) {
      const result = await api.createZone(put.zone)
      inverse.delete.unshift({ id: result.id, version: result.properties.version })
      if (put.merchant) {
        await api.assign(result.id, { duty: 'merchant', party: put.merchant })
        created.push({ ...result, properties: { ...result.properties, merchant: { name: put.merchant.name, phone: put.merchant.phone ?? null } } })
      } else created.push(result)
    }
    for (const request of transaction.import ?? []) {
      const { undo, made, counts } = await applyImport(api, request)
      inverse.unimport.unshift(undo)
      imported.push(...made)
      importCounts.push(counts)
    }
    for (const change of transaction.assign ?? []) inverse.assign.unshift(await applyDutyChange(api, change))
    for (const change of transaction.route ?? []) inverse.route.unshift(await applyRouteChange(api, change))
  } catch (error) {
    if (!isEmpty(inverse)) {
      try {
        await applyTransaction(api, inverse, before)
      } catch {
        // The original error is what the planner needs to see; the reload shows what stands.
      }
    }
    throw error
  }
  return { inverse, created, updated, deletedIds, imported, importCounts }
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
