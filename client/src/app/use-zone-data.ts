import { useCallback, useEffect } from 'react'
import { api } from '../api/client.js'
import type { Jurisdiction, ZoneFeature } from '../api/types.js'
import type { Translate } from '../i18n/i18n.js'
import { isJurisdictionKind } from '../kinds/zone-kinds.js'
import type { MapController } from '../map/MapController.js'
import { collection } from '../modes/modes.js'
import { loadAllZones, zoneLoadingFromUrl } from './load-all-zones.js'
import type { AppStore } from './store.js'

/** Reads the zones and the chosen jurisdiction's audit from the engine into the store. */
export function useZoneData(store: AppStore, controller: MapController | null, t: Translate, notify: (text: string, tone?: 'info' | 'error') => void) {
  const loadZones = useCallback(async () => {
    const loaded = await loadAllZones((page) => api.listZones(page), zoneLoadingFromUrl(window.location.search))
    const zones: ZoneFeature[] = loaded.zones
    store.set({ zones, zonesLeftOut: loaded.complete ? null : { shown: zones.length, total: loaded.total } })
    return zones
  }, [store])

  const loadCoverage = useCallback(async (code: string | null) => {
    if (!code) return
    try {
      store.set({ coverage: await api.coverage(code), coverageError: null })
    } catch (error) {
      store.set({ coverage: null, coverageError: error instanceof Error ? error.message : String(error) })
    }
  }, [store])

  // The first view: zones are drawn as soon as they arrive; the jurisdiction list only picks where to look.
  useEffect(() => {
    if (!controller) return
    let cancelled = false
    void (async () => {
      try {
        const jurisdictionsLoading = api.jurisdictions().catch(() => [] as Jurisdiction[])
        const zones = await loadZones()
        const list = await jurisdictionsLoading
        if (cancelled) return
        window.jiezhang.timings.zonesLoaded = performance.now()
        const jurisdictions = list.length ? list : zones
          .filter((z) => isJurisdictionKind(z.properties.kind))
          .map((z) => ({ id: z.id, kind: z.properties.kind, code: z.properties.code, name: z.properties.name, parent_code: z.properties.parent_code }))
        const first = jurisdictions.find((j) => j.kind === 'subdistrict') ?? jurisdictions[0]
        store.set({ jurisdictions, ...(first ? { jurisdictionCode: first.code } : {}) })
        await controller.ready
        const focus = zones.find((z) => z.id === first?.id) ?? null
        if (focus) controller.fitTo(focus.geometry, { animate: false })
        else if (zones.length) controller.fitTo(collection(zones), { animate: false })
        controller.map.once('idle', () => {
          window.jiezhang.timings.idle = performance.now()
          window.jiezhang.ready = true
        })
      } catch (error) {
        notify(`${t('loadFailed')}: ${error instanceof Error ? error.message : String(error)}`, 'error')
      }
    })()
    return () => {
      cancelled = true
    }
    // Loads once per map; language changes must not reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, loadZones])

  return { loadZones, loadCoverage }
}
