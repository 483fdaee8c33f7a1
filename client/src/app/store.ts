import { createContext, useContext, useSyncExternalStore } from 'react'
import type { CoverageReport, Jurisdiction, ResolveResult, ZoneFeature } from '../api/types.js'
import type { Conflict } from '../components/ConflictDialog.js'
import type { ShopAnswer } from '../components/ShopForm.js'
import type { Mode } from '../modes/modes.js'

/**
 * The page's state in one small external store: the zones on the map, the selection, the chosen
 * jurisdiction and its audit, the dispatcher's answer and what the UI has open. React reads it
 * through useSyncExternalStore; the map's event handlers and the transaction runner read it
 * directly with `get()`, so they always see the latest zones without refs kept in step by hand.
 */
export interface AppState {
  zones: ZoneFeature[]
  /** Set when the map holds fewer zones than the database (the editor's cap): said on the page. */
  zonesLeftOut: { shown: number; total: number } | null
  jurisdictions: Jurisdiction[]
  jurisdictionCode: string | null
  coverage: CoverageReport | null
  coverageError: string | null
  mode: Mode
  selectedId: number | null
  sidePanel: 'zone' | 'directory'
  owner: ResolveResult | null
  ownerError: string | null
  category: string
  message: { text: string; tone: 'info' | 'error' } | null
  measurement: string | null
  conflict: Conflict | null
  droppedFile: File | null
  shopListFile: File | null
  shopRequest: { resolve(answer: ShopAnswer | null): void } | null
  /** Bumped whenever the undo history changes, so the toolbar re-reads it. */
  historyTick: number
}

export const initialState = (): AppState => ({
  zones: [],
  zonesLeftOut: null,
  jurisdictions: [],
  jurisdictionCode: null,
  coverage: null,
  coverageError: null,
  mode: 'inspect',
  selectedId: null,
  sidePanel: 'zone',
  owner: null,
  ownerError: null,
  category: '',
  message: null,
  measurement: null,
  conflict: null,
  droppedFile: null,
  shopListFile: null,
  shopRequest: null,
  historyTick: 0,
})

export interface Store<S> {
  get(): S
  set(patch: Partial<S> | ((state: S) => Partial<S>)): void
  subscribe(listener: () => void): () => void
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial
  const listeners = new Set<() => void>()
  return {
    get: () => state,
    set(patch) {
      const change = typeof patch === 'function' ? patch(state) : patch
      if (Object.entries(change).every(([key, value]) => Object.is(state[key as keyof S], value))) return
      state = { ...state, ...change }
      for (const listener of listeners) listener()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}

export type AppStore = Store<AppState>

export const StoreContext = createContext<AppStore | null>(null)

export function useAppStore(): AppStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useAppStore outside StoreContext')
  return store
}

/** One field of the state; the component re-renders only when that field changes. */
export function useStoreField<K extends keyof AppState>(store: AppStore, key: K): AppState[K] {
  return useSyncExternalStore(store.subscribe, () => store.get()[key])
}

export const useAppState = <K extends keyof AppState>(key: K): AppState[K] => useStoreField(useAppStore(), key)
