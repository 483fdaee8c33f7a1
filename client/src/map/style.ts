import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl'
import { isOwnerKind, jurisdictionKinds, kindsDrawnAs, labelledJurisdictionKinds, wholeLineKinds, zoneKinds, zoneKindTable, type ZoneKind } from '../kinds/zone-kinds.js'

/**
 * The app's own base style: a plain background and our GeoJSON layers, no remote sprite and no
 * glyphs URL. MapLibre 6 then draws every label (Chinese through localIdeographFontFamily, Latin
 * and digits through the same local TinySDF path) with the browser's own fonts, so labels work
 * offline and the app ships no glyph PBFs.
 */
export const LABEL_FONT = ['Noto Sans CJK SC', 'sans-serif']
export const LOCAL_IDEOGRAPH_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"

export const COLOURS = {
  background: '#f3f1ec',
  jurisdiction: zoneKindTable[jurisdictionKinds[0]!].map.colour,
  noChief: '#9e9e9e',
  gap: '#e53935',
  overlap: '#fb8c00',
  spill: '#8e24aa',
  highlight: '#1565c0',
  selected: '#00acc1',
  draft: '#d81b60',
  proposal: '#3949ab',
} as const

/** Colours given to chiefs: one chief's streets, segments and grids read as one colour. */
export const CHIEF_PALETTE = ['#1e88e5', '#43a047', '#f4511e', '#8e24aa', '#00897b', '#c0ca33', '#6d4c41', '#3949ab', '#d81b60', '#00acc1', '#7cb342', '#fdd835']

export function chiefColour(name: string | null | undefined): string {
  if (!name) return COLOURS.noChief
  let hash = 0
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) >>> 0
  return CHIEF_PALETTE[hash % CHIEF_PALETTE.length]!
}

const kindIs = (kinds: readonly ZoneKind[]): ExpressionSpecification => ['in', ['get', 'kind'], ['literal', [...kinds]]]
/** A per-kind value from the table, as a `match` on the feature's kind. */
function byKind<T extends number | string>(kinds: readonly ZoneKind[], value: (kind: ZoneKind) => T, otherwise: T): ExpressionSpecification | T {
  if (kinds.length === 0) return otherwise
  return ['match', ['get', 'kind'], ...kinds.flatMap((kind) => [kind, value(kind)]), otherwise] as unknown as ExpressionSpecification
}
const lineWidth = (kind: ZoneKind) => zoneKindTable[kind].map.lineWidth ?? 1

const boundaryKinds = kindsDrawnAs('boundary')
const cellKinds = kindsDrawnAs('cell')
const stripKinds = kindsDrawnAs('strip')
const ownerAreaKinds = zoneKinds.filter((kind) => isOwnerKind(kind) && zoneKindTable[kind].geometry === 'area')

/** One layer per line kind, named `<kind>-line`; the kinds parts belong to are drawn under their parts. */
function lineLayers(): LayerSpecification[] {
  return [...kindsDrawnAs('band'), ...kindsDrawnAs('part')].map((kind): LayerSpecification => {
    const band = kindsDrawnAs('band').includes(kind)
    const widthAtStreetLevel = zoneKindTable[kind].map.nearLineWidth ?? lineWidth(kind)
    return {
      id: `${kind}-line`, type: 'line', source: 'zones', filter: kindIs([kind]),
      layout: { 'line-cap': band ? 'round' : 'butt', 'line-join': 'round' },
      paint: {
        'line-color': ['get', 'colour'],
        'line-width': ['interpolate', ['linear'], ['zoom'], 12, lineWidth(kind), 17, widthAtStreetLevel],
        ...(band ? { 'line-opacity': 0.7 } : {}),
      },
    }
  })
}

const empty = { type: 'FeatureCollection' as const, features: [] }

export function baseStyle(basemapTiles: string | null): StyleSpecification {
  return {
    version: 8,
    sources: {
      ...(basemapTiles
        ? { basemap: { type: 'raster' as const, tiles: [basemapTiles], tileSize: 256, attribution: '© OpenStreetMap contributors / 天地图' } }
        : {}),
      zones: { type: 'geojson', data: empty },
      coverage: { type: 'geojson', data: empty },
      proposal: { type: 'geojson', data: empty },
      draft: { type: 'geojson', data: empty },
      marker: { type: 'geojson', data: empty },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLOURS.background } },
      ...(basemapTiles ? [{ id: 'basemap', type: 'raster' as const, source: 'basemap', paint: { 'raster-opacity': 0.6 } }] : []),
      {
        id: 'jurisdiction-fill', type: 'fill', source: 'zones', filter: kindIs(boundaryKinds),
        paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.35 },
      },
      {
        id: 'grid-fill', type: 'fill', source: 'zones', filter: kindIs(cellKinds),
        paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.14 },
      },
      {
        id: 'no-chief-hatch', type: 'fill', source: 'zones', filter: ['all', kindIs(ownerAreaKinds), ['!', ['get', 'has_chief']]],
        paint: { 'fill-pattern': 'hatch' },
      },
      {
        id: 'grid-line', type: 'line', source: 'zones', filter: kindIs(cellKinds),
        paint: { 'line-color': ['get', 'colour'], 'line-width': byKind(cellKinds, lineWidth, 1) },
      },
      {
        id: 'jurisdiction-line', type: 'line', source: 'zones', filter: kindIs(boundaryKinds),
        paint: {
          'line-color': byKind<string>(boundaryKinds, (kind) => zoneKindTable[kind].map.colour, COLOURS.jurisdiction),
          'line-width': byKind(boundaryKinds, lineWidth, 1),
          'line-dasharray': [4, 2],
        },
      },
      {
        id: 'frontage-fill', type: 'fill', source: 'zones', filter: kindIs(stripKinds),
        paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.55, 'fill-outline-color': '#5d4037' },
      },
      ...lineLayers(),
      { id: 'gap-fill', type: 'fill', source: 'coverage', filter: ['==', ['get', 'defect'], 'gap'], paint: { 'fill-color': COLOURS.gap, 'fill-opacity': 0.55 } },
      { id: 'overlap-fill', type: 'fill', source: 'coverage', filter: ['==', ['get', 'defect'], 'overlap'], paint: { 'fill-color': COLOURS.overlap, 'fill-opacity': 0.65 } },
      { id: 'spill-fill', type: 'fill', source: 'coverage', filter: ['==', ['get', 'defect'], 'spill'], paint: { 'fill-color': COLOURS.spill, 'fill-opacity': 0.5 } },
      {
        id: 'uncovered-line', type: 'line', source: 'coverage', filter: ['==', ['get', 'defect'], 'uncovered'],
        paint: { 'line-color': COLOURS.gap, 'line-width': 3, 'line-dasharray': [2, 1] },
      },
      {
        id: 'highlight-fill', type: 'fill', source: 'zones', filter: ['in', ['get', 'id'], ['literal', []]],
        paint: { 'fill-color': COLOURS.highlight, 'fill-opacity': 0.18 },
      },
      {
        id: 'highlight-line', type: 'line', source: 'zones', filter: ['in', ['get', 'id'], ['literal', []]],
        paint: { 'line-color': COLOURS.highlight, 'line-width': 3 },
      },
      {
        id: 'selected-line', type: 'line', source: 'zones', filter: ['in', ['get', 'id'], ['literal', []]],
        paint: { 'line-color': COLOURS.selected, 'line-width': 4 },
      },
      { id: 'proposal-fill', type: 'fill', source: 'proposal', paint: { 'fill-color': COLOURS.proposal, 'fill-opacity': 0.18 } },
      { id: 'proposal-line', type: 'line', source: 'proposal', paint: { 'line-color': COLOURS.proposal, 'line-width': 2, 'line-dasharray': [3, 2] } },
      {
        id: 'proposal-label', type: 'symbol', source: 'proposal', filter: ['has', 'label'],
        layout: { 'text-field': ['get', 'label'], 'text-font': LABEL_FONT, 'text-size': 12 },
        paint: { 'text-color': COLOURS.proposal, 'text-halo-color': '#fff', 'text-halo-width': 1.5 },
      },
      { id: 'draft-fill', type: 'fill', source: 'draft', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': COLOURS.draft, 'fill-opacity': 0.15 } },
      { id: 'draft-line', type: 'line', source: 'draft', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': COLOURS.draft, 'line-width': 2 } },
      {
        id: 'draft-point', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 4, 'circle-color': '#fff', 'circle-stroke-color': COLOURS.draft, 'circle-stroke-width': 2 },
      },
      {
        id: 'grid-label', type: 'symbol', source: 'zones', filter: kindIs(cellKinds),
        minzoom: 13,
        layout: { 'text-field': ['get', 'code'], 'text-font': LABEL_FONT, 'text-size': 11, 'text-allow-overlap': false },
        paint: { 'text-color': '#37474f', 'text-halo-color': '#fff', 'text-halo-width': 1.5 },
      },
      {
        id: 'street-label', type: 'symbol', source: 'zones', filter: kindIs(wholeLineKinds),
        layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 12 },
        paint: { 'text-color': '#263238', 'text-halo-color': '#fff', 'text-halo-width': 2 },
      },
      {
        id: 'jurisdiction-label', type: 'symbol', source: 'zones', filter: kindIs(labelledJurisdictionKinds),
        maxzoom: 15,
        // The highest level named on the map in large type, the levels below it smaller.
        layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': byKind(labelledJurisdictionKinds.slice(0, 1), () => 16, 13) },
        paint: { 'text-color': COLOURS.jurisdiction, 'text-halo-color': '#fff', 'text-halo-width': 2 },
      },
      {
        id: 'marker', type: 'circle', source: 'marker',
        paint: { 'circle-radius': 8, 'circle-color': '#d32f2f', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 },
      },
    ],
  }
}

/** Interactive layers, most specific first: a click picks the first hit in this order. */
export const PICKABLE_LAYERS = ['frontage-fill', 'segment-line', 'street-line', 'grid-fill', 'jurisdiction-fill'] as const

export function basemapFromUrl(search: string): string | null {
  const params = new URLSearchParams(search)
  const basemap = params.get('basemap') ?? window.localStorage.getItem('jiezhang.basemap')
  if (!basemap || basemap === 'none') return null
  if (basemap === 'osm') return 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
  if (basemap === 'tianditu') {
    const key = params.get('tk') ?? ''
    return `https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${key}`
  }
  return /^https?:\/\//.test(basemap) ? basemap : null
}
