import type { Feature, FeatureCollection, Position } from 'geojson'
import type { Permission, ZoneFeature } from '../api/types.js'
import type { Applied, Transaction } from '../edits/transaction.js'
import type { Translate } from '../i18n/i18n.js'
import type { MapController, MapPointerEvent } from '../map/MapController.js'
import { drawFrontageHandlers, drawGridHandlers, drawStreetHandlers, frontageDoorHandlers } from './draw-handlers.js'
import { cutGridHandlers, mergeGridsHandlers, reshapeHandlers, splitStreetHandlers } from './edit-handlers.js'
import { measureHandlers } from './measure-handlers.js'

export type Mode =
  | 'inspect'
  | 'draw-grid'
  | 'draw-street'
  | 'split-street'
  | 'cut-grid'
  | 'merge-grids'
  | 'reshape'
  | 'generate-grids'
  | 'frontage-door'
  | 'draw-frontage'
  | 'measure'

/** A drawing in progress: the clicked points and the zones it works on. */
export interface Draft {
  points: Position[]
  targetId: number | null
  targetIds: number[]
  dragIndex: number | null
}

export const emptyDraft = (): Draft => ({ points: [], targetId: null, targetIds: [], dragIndex: null })

/** What a mode may do: everything goes through here, never straight to React state or the map. */
export interface ModeContext {
  controller: MapController
  zones(): ZoneFeature[]
  draft: Draft
  redraw(features: Feature[]): void
  inspect(position: Position, zoneIds: number[]): void
  select(id: number | null): void
  commit(transaction: Transaction): Promise<Applied | null>
  notify(message: string, tone?: 'info' | 'error'): void
  setMeasurement(text: string | null): void
  /** Asks the planner who the shop at a door is (name, phone, frontage width); null when cancelled. */
  askShop(door: Position): Promise<{ name: string; phone: string; widthM: number } | null>
  t: Translate
}

export interface Handlers {
  cursor: string
  click?(context: ModeContext, event: MapPointerEvent): void
  dblclick?(context: ModeContext, event: MapPointerEvent): void
  mousemove?(context: ModeContext, event: MapPointerEvent): void
  /** Returns true when it takes the press (a vertex drag), so the map does not pan. */
  mousedown?(context: ModeContext, event: MapPointerEvent): boolean
  mouseup?(context: ModeContext, event: MapPointerEvent): void
  /** Enter. */
  finish?(context: ModeContext): void
  /** Backspace: take back the last point. */
  dropPoint?(context: ModeContext): void
}

const inspectHandlers: Handlers = {
  cursor: 'pointer',
  click(context, event) {
    context.inspect(event.lngLat, event.zoneIds)
  },
}

/** The generator works from its panel; the map only shows its proposal. */
const generateGridsHandlers: Handlers = { cursor: 'default' }

export const MODES: Record<Mode, Handlers> = {
  inspect: inspectHandlers,
  'draw-grid': drawGridHandlers,
  'draw-street': drawStreetHandlers,
  'split-street': splitStreetHandlers,
  'cut-grid': cutGridHandlers,
  'merge-grids': mergeGridsHandlers,
  reshape: reshapeHandlers,
  'generate-grids': generateGridsHandlers,
  'frontage-door': frontageDoorHandlers,
  'draw-frontage': drawFrontageHandlers,
  measure: measureHandlers,
}

export const MODE_SHORTCUTS: Record<Mode, string> = {
  inspect: 'v',
  'draw-grid': 'g',
  'draw-street': 's',
  'split-street': 'x',
  'cut-grid': 'c',
  'merge-grids': 'm',
  reshape: 'e',
  'generate-grids': 'n',
  'frontage-door': 'd',
  'draw-frontage': 'f',
  measure: 'r',
}

export const MODE_ORDER = Object.keys(MODES) as Mode[]

/**
 * What a mode needs of the person using it (server/kernel/permissions.ts): looking and measuring
 * need nothing beyond reading the map; every mode that draws or changes zones needs zones.edit.
 * The toolbar shows only the modes allowed; the server refuses the rest anyway.
 */
export const MODE_PERMISSION: Record<Mode, Permission | null> = {
  inspect: null,
  'draw-grid': 'zones.edit',
  'draw-street': 'zones.edit',
  'split-street': 'zones.edit',
  'cut-grid': 'zones.edit',
  'merge-grids': 'zones.edit',
  reshape: 'zones.edit',
  'generate-grids': 'zones.edit',
  'frontage-door': 'zones.edit',
  'draw-frontage': 'zones.edit',
  measure: null,
}

export const modeAllowed = (mode: Mode, can: (permission: Permission) => boolean): boolean => {
  const needed = MODE_PERMISSION[mode]
  return needed === null || can(needed)
}

/** The draft's points as map features: vertices, and the line or ring they make so far. */
/** Backspace in a mode that draws an open line: forget the last point and redraw the draft. */
export function dropLastDraftPoint(context: ModeContext): void {
  context.draft.points.pop()
  context.redraw(draftFeatures(context.draft.points, false))
}

export function draftFeatures(points: Position[], closed: boolean): Feature[] {
  const features: Feature[] = points.map((p, index) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: { index } }))
  if (closed && points.length >= 3) {
    features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[...points, points[0]!]] }, properties: {} })
  } else if (points.length >= 2) {
    features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: points }, properties: {} })
  }
  return features
}

export const collection = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features })
