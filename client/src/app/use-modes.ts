import { useCallback, useEffect, useMemo } from 'react'
import type { Feature } from 'geojson'
import type { ShopAnswer } from '../components/ShopForm.js'
import type { Dispatcher } from '../dispatch/use-dispatcher.js'
import type { Transactions } from '../edits/use-transactions.js'
import type { Translate } from '../i18n/i18n.js'
import type { MapController } from '../map/MapController.js'
import type { Permission } from '../api/types.js'
import { collection, emptyDraft, modeAllowed, MODES, type Draft, type Mode, type ModeContext } from '../modes/modes.js'
import { useShortcuts } from '../modes/use-shortcuts.js'
import type { AppStore } from './store.js'

interface Options {
  store: AppStore
  controller: MapController | null
  transactions: Transactions
  dispatcher: Dispatcher
  notify(text: string, tone?: 'info' | 'error'): void
  t: Translate
  /** What the signed-in person may do: modes they may not use cannot be entered, by button or key. */
  can(permission: Permission): boolean
}

/** The editing modes: the context their handlers work through, the map's pointer events and the keys. */
export function useModes({ store, controller, transactions, dispatcher, notify, t, can }: Options) {
  const draft = useMemo<{ current: Draft }>(() => ({ current: emptyDraft() }), [])

  const setMode = useCallback((next: Mode) => {
    if (!modeAllowed(next, can)) return
    draft.current = emptyDraft()
    controller?.setDraft(null)
    controller?.setDragPan(true)
    if (next !== 'generate-grids') controller?.setProposal(null)
    store.set({ mode: next, measurement: null })
    controller?.setCursor(MODES[next].cursor)
  }, [can, controller, draft, store])

  const { commit } = transactions
  const { inspect } = dispatcher
  const context = useMemo<ModeContext | null>(() => controller && {
    controller,
    zones: () => store.get().zones,
    get draft() {
      return draft.current
    },
    redraw: (features: Feature[]) => controller.setDraft(collection(features)),
    // Without `resolve` (a system administrator) a click only selects the zone under it.
    inspect: (position, zoneIds) => (can('resolve') ? void inspect(position, 'wgs84', zoneIds) : store.set({ selectedId: zoneIds[0] ?? null, sidePanel: 'zone' })),
    select: (id) => store.set({ selectedId: id, sidePanel: 'zone' }),
    commit,
    notify,
    setMeasurement: (measurement) => store.set({ measurement }),
    askShop: () => new Promise<ShopAnswer | null>((resolve) => store.set({ shopRequest: { resolve } })),
    t,
  }, [can, controller, commit, draft, inspect, notify, store, t])

  // Pointer events go to the current mode's handlers.
  useEffect(() => {
    if (!controller || !context) return
    const handlers = () => MODES[store.get().mode]
    controller.setListener({
      click: (e) => handlers().click?.(context, e),
      dblclick: (e) => handlers().dblclick?.(context, e),
      mousemove: (e) => handlers().mousemove?.(context, e),
      mousedown: (e) => handlers().mousedown?.(context, e) ?? false,
      mouseup: (e) => handlers().mouseup?.(context, e),
    })
  }, [controller, context, store])

  const mode = useMemo(() => ({
    get current() {
      return store.get().mode
    },
  }), [store])
  useShortcuts({ context, mode, setMode, undo: transactions.undo, redo: transactions.redo })

  return { setMode }
}
