import { useEffect, useState, type RefObject } from 'react'
import { MapController } from '../map/MapController.js'
import { basemapFromUrl } from '../map/style.js'
import { useStoreField, type AppStore } from './store.js'

/** Makes the one MapController for the page and hands it the store's zones, audit and highlights. */
export function useMap(container: RefObject<HTMLDivElement | null>, store: AppStore): MapController | null {
  const [controller, setController] = useState<MapController | null>(null)
  const zones = useStoreField(store, 'zones')
  const coverage = useStoreField(store, 'coverage')
  const owner = useStoreField(store, 'owner')
  const selectedId = useStoreField(store, 'selectedId')

  // The map is made once; React only hands it data from here on.
  useEffect(() => {
    const map = new MapController(container.current!, { basemapTiles: basemapFromUrl(window.location.search) })
    window.jiezhang = { map: map.map, controller: map, ready: false, edits: 0, timings: { created: performance.now() } }
    map.ready.then(() => (window.jiezhang.timings.mapLoaded = performance.now()))
    setController(map)
    return () => map.destroy()
  }, [container])

  useEffect(() => controller?.setZones(zones), [controller, zones])
  useEffect(() => controller?.setCoverage(coverage), [controller, coverage])
  useEffect(() => {
    if (!controller) return
    const chain = owner?.chain.map((link) => link.zone.id) ?? []
    controller.setHighlight(chain, selectedId === null ? [] : [selectedId])
  }, [controller, owner, selectedId])

  return controller
}
