import { useCallback, useMemo, useRef } from 'react'
import { api, describeError } from '../api/client.js'
import type { AppStore } from '../app/store.js'
import { holdAudits } from '../components/AuditToast.js'
import { conflictOf } from '../components/ConflictDialog.js'
import type { Translate } from '../i18n/i18n.js'
import { applyTransaction, History, type Applied, type Transaction } from './transaction.js'

interface Options {
  store: AppStore
  t: Translate
  notify(text: string, tone?: 'info' | 'error'): void
  /** Reads the zones again after a write, so the map shows what the engine holds. */
  loadZones(): Promise<unknown>
  /** After an edit: the audit and the owner card are asked again. */
  afterEdit(): void
}

export interface Transactions {
  /** Applies and records an edit, with the status bar's saving/saved and the conflict dialog; null when it failed. */
  commit(transaction: Transaction): Promise<Applied | null>
  /** Applies and records an edit quietly and passes a failure on, for panels that show the engine's error themselves. */
  apply(transaction: Transaction): Promise<Applied>
  undo(): Promise<void>
  redo(): Promise<void>
  history: History
}

/** Runs every write of the page as a transaction against the engine, with undo and redo. */
export function useTransactions({ store, t, notify, loadZones, afterEdit }: Options): Transactions {
  const history = useRef(new History()).current
  const historyChanged = useCallback(() => store.set((state) => ({ historyTick: state.historyTick + 1 })), [store])

  /** Applies one transaction; the zones are read again whether it worked or not. */
  const run = useCallback(async (transaction: Transaction): Promise<Applied> => {
    const before = async (id: number) => store.get().zones.find((z) => z.id === id) ?? (await api.getZone(id))
    // The audit toast reports the edit as a whole, not each of its writes.
    const releaseAudits = holdAudits()
    let applied: Applied
    try {
      applied = await applyTransaction(api, transaction, before)
    } catch (error) {
      await loadZones().catch(() => undefined)
      throw error
    } finally {
      releaseAudits()
    }
    await loadZones()
    window.jiezhang.edits++
    return applied
  }, [loadZones, store])

  const apply = useCallback(async (transaction: Transaction): Promise<Applied> => {
    const applied = await run(transaction)
    history.record(applied.inverse)
    historyChanged()
    afterEdit()
    return applied
  }, [afterEdit, history, historyChanged, run])

  const commit = useCallback(async (transaction: Transaction): Promise<Applied | null> => {
    notify(t('saving'))
    try {
      const applied = await apply(transaction)
      notify(`${t('saved')}: ${transaction.note}`)
      return applied
    } catch (error) {
      const found = conflictOf(error, transaction, {
        keepMine: async (retried) => {
          store.set({ conflict: null })
          await commit(retried)
        },
        keepTheirs: async () => {
          store.set({ conflict: null })
          await loadZones()
          notify(t('discard'))
        },
      })
      if (found) {
        notify(t('conflictTitle'), 'error')
        store.set({ conflict: found })
        return null
      }
      notify(describeError(error), 'error')
      return null
    }
  }, [apply, loadZones, notify, store, t])

  const step = useCallback(async (direction: 'undo' | 'redo') => {
    try {
      await history[direction](async (transaction) => (await run(transaction)).inverse)
      afterEdit()
    } catch (error) {
      notify(describeError(error), 'error')
    }
    historyChanged()
  }, [afterEdit, history, historyChanged, notify, run])
  const undo = useCallback(() => step('undo'), [step])
  const redo = useCallback(() => step('redo'), [step])

  return useMemo(() => ({ commit, apply, undo, redo, history }), [commit, apply, undo, redo, history])
}
