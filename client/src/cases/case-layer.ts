import type * as maplibregl from 'maplibre-gl'
import { cases } from '../api/cases.js'
import type { MapController } from '../map/MapController.js'

/** Urgency colours: overdue red, warning amber, normal blue, no limit grey. */
export const URGENCY_COLOURS = { overdue: '#d32f2f', warning: '#ffa000', normal: '#1e88e5', none: '#90a4ae' } as const

export const CASE_LAYER = 'cases-open'
const SOURCE = 'cases-open'

/**
 * The open cases of the view as a layer of the desk's map (GET /api/cases/map?bbox=), fetched
 * again after each move; a click on a case calls onPick. Returns what removes it again.
 */
export function attachCaseLayer(controller: MapController, onPick: (id: number) => void, onError: (text: string) => void): { refresh(): void; detach(): void } {
  const map = controller.map
  let live = true
  let asked = 0
  const refresh = () => {
    if (!live || !map.getSource(SOURCE)) return
    const bounds = map.getBounds()
    const ticket = ++asked
    cases.map([bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]).then((collection) => {
      if (!live || ticket !== asked) return
      ;(map.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(collection)
      ;(window as unknown as { jiezhangCases?: number }).jiezhangCases = collection.features.length
    }, (error: unknown) => onError(error instanceof Error ? error.message : String(error)))
  }
  const click = (event: maplibregl.MapLayerMouseEvent) => {
    const id = Number(event.features?.[0]?.properties?.id)
    if (Number.isFinite(id)) onPick(id)
  }
  const add = () => {
    if (!live || map.getSource(SOURCE)) return
    map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
    map.addLayer({
      id: CASE_LAYER,
      type: 'circle',
      source: SOURCE,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 5, 17, 9],
        'circle-color': ['match', ['get', 'urgency'], 'overdue', URGENCY_COLOURS.overdue, 'warning', URGENCY_COLOURS.warning, 'normal', URGENCY_COLOURS.normal, URGENCY_COLOURS.none],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    })
    map.on('click', CASE_LAYER, click)
    map.on('moveend', refresh)
    refresh()
  }
  void controller.ready.then(add)
  return {
    refresh,
    detach: () => {
      live = false
      map.off('moveend', refresh)
      map.off('click', CASE_LAYER, click)
      if (map.getLayer(CASE_LAYER)) map.removeLayer(CASE_LAYER)
      if (map.getSource(SOURCE)) map.removeSource(SOURCE)
    },
  }
}
