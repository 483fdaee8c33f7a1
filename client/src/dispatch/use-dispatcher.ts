import { useCallback, useMemo, useRef } from 'react'
import type { Position } from 'geojson'
import { api, describeError } from '../api/client.js'
import type { Crs, ZoneFeature } from '../api/types.js'
import type { AppStore } from '../app/store.js'
import { searchableKinds } from '../kinds/zone-kinds.js'
import type { MapController } from '../map/MapController.js'

/** The dispatcher's search: streets, segments, grids and jurisdictions by name or code. */
export async function searchZones(text: string): Promise<ZoneFeature[]> {
  const found = await api.listZones({ q: text.trim(), kind: [...searchableKinds], limit: 20 })
  return found.features as ZoneFeature[]
}

export interface Dispatcher {
  /** Who answers at a point (clicked, or pasted in a coordinate system); the owner card shows it. */
  inspect(position: Position, crs?: Crs, zoneIds?: number[]): Promise<void>
  /** Asks again for the last point, after an edit may have changed the answer. */
  refreshOwner(): Promise<void>
  closeOwner(): void
}

/** The dispatcher's look-ups: resolve by click or paste, and keep the owner card's answer fresh. */
export function useDispatcher(store: AppStore, controller: MapController | null): Dispatcher {
  // The owner card answers for the last point asked about; after an edit it is asked again.
  const lastInspected = useRef<{ position: Position; crs: Crs } | null>(null)
  const resolve = (position: Position, crs: Crs) => {
    const category = store.get().category
    return api.resolve({ lon: position[0]!, lat: position[1]!, crs, category: category || undefined })
  }

  const refreshOwner = useCallback(async () => {
    const last = lastInspected.current
    if (!last) return
    try {
      store.set({ owner: await resolve(last.position, last.crs) })
    } catch {
      // The card keeps its last answer; the next click asks afresh.
    }
    // resolve reads the store when it runs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store])

  const inspect = useCallback(async (position: Position, crs: Crs = 'wgs84', zoneIds: number[] = []) => {
    if (!controller) return
    store.set({ ownerError: null })
    lastInspected.current = { position, crs }
    try {
      const result = await resolve(position, crs)
      controller.setMarker([result.point.lon, result.point.lat])
      store.set({ owner: result, selectedId: result.primary?.zone.id ?? zoneIds[0] ?? null })
    } catch (error) {
      controller.setMarker(crs === 'wgs84' ? position : null)
      store.set({ owner: null, ownerError: describeError(error), selectedId: zoneIds[0] ?? null })
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, store])

  const closeOwner = useCallback(() => {
    lastInspected.current = null
    store.set({ owner: null, ownerError: null })
    controller?.setMarker(null)
  }, [controller, store])

  return useMemo(() => ({ inspect, refreshOwner, closeOwner }), [inspect, refreshOwner, closeOwner])
}
