import type * as maplibregl from 'maplibre-gl'
import type { Feature, FeatureCollection } from 'geojson'
import type { MapController } from '../map/MapController.js'

export const GRID_VALUE_LAYER = 'assessment-grid-fill'
const LINE_LAYER = 'assessment-grid-line'
const SOURCE = 'assessment-grids'

export interface GridValue {
  zoneId: number
  code: string
  name: string
  value: number | null
  colour: string
  label: string
}

/**
 * The grids coloured by an indicator (a choropleth) as a layer of the map, drawn under the grid
 * lines and labels so the zones stay readable; the geometries are the zones the map already holds
 * (MapController.allZones). Returns what sets the values and what removes the layer again.
 */
export function attachGridValueLayer(controller: MapController): { set(values: GridValue[]): void; detach(): void } {
  const map = controller.map
  let live = true
  let pending: FeatureCollection = { type: 'FeatureCollection', features: [] }
  let values: GridValue[] = []
  let zoneCount = controller.allZones().length
  const collection = (): FeatureCollection => {
    const byId = new Map(values.map((value) => [value.zoneId, value]))
    const features: Feature[] = []
    for (const zone of controller.allZones()) {
      const value = byId.get(zone.id)
      if (!value || zone.properties.kind !== 'grid') continue
      features.push({ type: 'Feature', geometry: zone.geometry, properties: { id: zone.id, code: value.code, name: value.name, value: value.value, colour: value.colour, label: value.label } })
    }
    return { type: 'FeatureCollection', features }
  }
  const add = () => {
    if (!live || map.getSource(SOURCE)) return
    map.addSource(SOURCE, { type: 'geojson', data: pending })
    const below = map.getLayer('grid-line') ? 'grid-line' : undefined
    map.addLayer({ id: GRID_VALUE_LAYER, type: 'fill', source: SOURCE, paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.75 } }, below)
    map.addLayer({ id: LINE_LAYER, type: 'line', source: SOURCE, paint: { 'line-color': '#37474f', 'line-width': 0.8 } }, below)
  }
  const draw = () => {
    pending = collection()
    if (live) (map.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(pending)
  }
  // The zones may arrive (or change) after the values: draw again when the map holds other zones.
  const zonesChanged = (event: maplibregl.MapSourceDataEvent) => {
    if (event.sourceId !== 'zones' || controller.allZones().length === zoneCount) return
    zoneCount = controller.allZones().length
    draw()
  }
  map.on('sourcedata', zonesChanged)
  void controller.ready.then(add)
  return {
    set(next) {
      values = next
      draw()
    },
    detach() {
      live = false
      map.off('sourcedata', zonesChanged)
      if (map.getLayer(LINE_LAYER)) map.removeLayer(LINE_LAYER)
      if (map.getLayer(GRID_VALUE_LAYER)) map.removeLayer(GRID_VALUE_LAYER)
      if (map.getSource(SOURCE)) map.removeSource(SOURCE)
    },
  }
}
