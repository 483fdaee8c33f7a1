import * as maplibregl from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { bbox } from '@turf/turf'
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson'
import type { CoverageReport, ZoneFeature } from '../api/types.js'
import { chainKinds, isJurisdictionKind, isZoneKind } from '../kinds/zone-kinds.js'
import { baseStyle, chiefColour, LOCAL_IDEOGRAPH_FONT, PICKABLE_LAYERS } from './style.js'

maplibregl.setWorkerUrl(workerUrl)

// What the browser tests (and a curious planner's console) reach on the page.
declare global {
  interface Window {
    jiezhang: { map: MapController['map']; controller: MapController; ready: boolean; edits: number; timings: Record<string, number> }
  }
}

export interface MapPointerEvent {
  lngLat: Position
  /** Zone ids under the pointer, most specific first. */
  zoneIds: number[]
  originalEvent: MouseEvent
}

export interface MapListener {
  click?(event: MapPointerEvent): void
  dblclick?(event: MapPointerEvent): void
  mousemove?(event: MapPointerEvent): void
  mousedown?(event: MapPointerEvent): boolean | void
  mouseup?(event: MapPointerEvent): void
}

const emptyCollection: FeatureCollection = { type: 'FeatureCollection', features: [] }

/**
 * The one owner of the MapLibre map. React hands it data (zones, coverage, drafts, highlights)
 * and a listener for pointer events; nothing else touches the map. Exposed to tests as
 * window.jiezhang.map / window.jiezhang.controller.
 */
export class MapController {
  readonly map: maplibregl.Map
  readonly ready: Promise<void>
  private listener: MapListener = {}
  private zonesById = new Map<number, ZoneFeature>()
  private pendingSources = new Map<string, FeatureCollection>()
  private loaded = false

  constructor(container: HTMLElement, options: { basemapTiles: string | null }) {
    this.map = new maplibregl.Map({
      container,
      style: baseStyle(options.basemapTiles),
      center: [114.3, 30.55],
      zoom: 12,
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT,
      doubleClickZoom: false,
      // Labels appear at once: no fade, so the first full draw (and the page's 'ready') comes sooner.
      fadeDuration: 0,
      attributionControl: options.basemapTiles ? {} : false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    })
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right')
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left')
    this.ready = new Promise((resolve) => {
      this.map.once('load', () => {
        this.map.addImage('hatch', hatchPattern())
        this.loaded = true
        for (const [id, data] of this.pendingSources) this.source(id)?.setData(data)
        this.pendingSources.clear()
        resolve()
      })
    })
    const forward = (type: keyof MapListener) => (e: maplibregl.MapMouseEvent) => {
      const event = { lngLat: [e.lngLat.lng, e.lngLat.lat], zoneIds: this.zoneIdsAt(e.point), originalEvent: e.originalEvent }
      const handled = this.listener[type]?.(event)
      if (type === 'mousedown' && handled === true) e.preventDefault()
    }
    this.map.on('click', forward('click'))
    this.map.on('dblclick', forward('dblclick'))
    this.map.on('mousemove', forward('mousemove'))
    this.map.on('mousedown', forward('mousedown'))
    this.map.on('mouseup', forward('mouseup'))
  }

  setListener(listener: MapListener): void {
    this.listener = listener
  }

  setCursor(cursor: string): void {
    this.map.getCanvas().style.cursor = cursor
  }

  setDragPan(enabled: boolean): void {
    if (enabled) this.map.dragPan.enable()
    else this.map.dragPan.disable()
  }

  zone(id: number): ZoneFeature | undefined {
    return this.zonesById.get(id)
  }

  allZones(): ZoneFeature[] {
    return [...this.zonesById.values()]
  }

  setZones(zones: ZoneFeature[]): void {
    this.zonesById = new Map(zones.map((z) => [z.id, z]))
    this.setSource('zones', {
      type: 'FeatureCollection',
      features: zones.map((zone) => ({
        ...zone,
        properties: {
          ...zone.properties,
          colour: chiefColour(zone.properties.chief?.name ?? zone.properties.merchant?.name),
          has_chief: Boolean(zone.properties.chief || zone.properties.merchant),
        },
      })),
    })
  }

  /** Zones of the chain drawn strong; the selected zone outlined. */
  setHighlight(zoneIds: number[], selectedIds: number[] = []): void {
    const filter = (ids: number[]): maplibregl.FilterSpecification => ['in', ['get', 'id'], ['literal', ids]]
    const apply = () => {
      this.map.setFilter('highlight-fill', filter(zoneIds.filter((id) => !isJurisdiction(this.zonesById.get(id)))))
      this.map.setFilter('highlight-line', filter(zoneIds))
      this.map.setFilter('selected-line', filter(selectedIds))
    }
    if (this.loaded) apply()
    else void this.ready.then(apply)
  }

  setMarker(position: Position | null): void {
    this.setSource('marker', position ? { type: 'FeatureCollection', features: [pointFeature(position)] } : emptyCollection)
  }

  setCoverage(report: CoverageReport | null): void {
    const features: Feature[] = []
    if (report) {
      for (const gap of report.gaps) features.push({ type: 'Feature', geometry: gap.geometry, properties: { defect: 'gap' } })
      for (const overlap of report.overlaps) features.push({ type: 'Feature', geometry: overlap.geometry, properties: { defect: 'overlap' } })
      for (const spill of report.spills) features.push({ type: 'Feature', geometry: spill.geometry, properties: { defect: 'spill' } })
      for (const street of report.uncovered_streets) features.push({ type: 'Feature', geometry: street.geometry, properties: { defect: 'uncovered' } })
    }
    this.setSource('coverage', { type: 'FeatureCollection', features: features.filter((f) => f.geometry) })
  }

  setDraft(collection: FeatureCollection | null): void {
    this.setSource('draft', collection ?? emptyCollection)
  }

  setProposal(collection: FeatureCollection | null): void {
    this.setSource('proposal', collection ?? emptyCollection)
  }

  fitTo(geometry: Geometry | FeatureCollection, options: { maxZoom?: number; animate?: boolean } = {}): void {
    const [west, south, east, north] = bbox(geometry)
    if (![west, south, east, north].every(Number.isFinite)) return
    this.map.fitBounds([[west, south], [east, north]], { padding: 60, maxZoom: options.maxZoom ?? 17, animate: options.animate ?? true, duration: 400 })
  }

  /** Screen position of a coordinate, for tests that click a known place. */
  project(position: Position): { x: number; y: number } {
    const p = this.map.project(position as [number, number])
    return { x: p.x, y: p.y }
  }

  zoneIdsAt(point: { x: number; y: number }): number[] {
    if (!this.loaded) return []
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [[point.x - 3, point.y - 3], [point.x + 3, point.y + 3]]
    const hits = this.map.queryRenderedFeatures(box, { layers: [...PICKABLE_LAYERS] })
    const rank = (layer: string) => PICKABLE_LAYERS.indexOf(layer as (typeof PICKABLE_LAYERS)[number])
    // Within one layer the more specific kind first: a community before its sub-district.
    const kindRank = (kind: string) => (isZoneKind(kind) ? chainKinds.indexOf(kind) : chainKinds.length)
    const sorted = hits
      .map((hit) => ({ id: Number(hit.properties.id), layer: hit.layer.id, kind: String(hit.properties.kind) }))
      .sort((a, b) => rank(a.layer) - rank(b.layer) || kindRank(a.kind) - kindRank(b.kind))
    return [...new Set(sorted.map((hit) => hit.id))]
  }

  destroy(): void {
    this.map.remove()
  }

  private source(id: string): maplibregl.GeoJSONSource | undefined {
    return this.map.getSource(id) as maplibregl.GeoJSONSource | undefined
  }

  private setSource(id: string, data: FeatureCollection): void {
    if (!this.loaded) {
      this.pendingSources.set(id, data)
      return
    }
    this.source(id)?.setData(data)
  }
}

function isJurisdiction(zone: ZoneFeature | undefined): boolean {
  return Boolean(zone && isJurisdictionKind(zone.properties.kind))
}

function pointFeature(position: Position): Feature {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: position }, properties: {} }
}

/** Diagonal hatching drawn in code, so zones without a chief need no sprite from a server. */
function hatchPattern(): { width: number; height: number; data: Uint8Array } {
  const size = 8
  const data = new Uint8Array(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = (x + y) % size === 0 || (x + y) % size === 1
      const offset = (y * size + x) * 4
      data.set(on ? [120, 120, 120, 200] : [0, 0, 0, 0], offset)
    }
  }
  return { width: size, height: size, data }
}
