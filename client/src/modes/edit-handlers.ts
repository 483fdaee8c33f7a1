import type { Feature, Geometry, Position } from 'geojson'
import type { ZoneFeature } from '../api/types.js'
import { inputOf, type ZonePut } from '../edits/transaction.js'
import { cutPolygon } from '../geometry/cut-polygon.js'
import { DRAWING_REASONS } from '../geometry/drawing-reasons.js'
import { reasonText } from '../i18n/reason-text.js'
import { mergeGrids } from '../geometry/merge-grids.js'
import { snapPosition } from '../geometry/snap-position.js'
import { splitStreet } from '../geometry/split-street.js'
import { area } from '@turf/turf'
import { lineKindsBySpecificity, ownerKinds, snapKindsFor } from '../kinds/zone-kinds.js'
import { childrenOf, isAreal, isLinear, nextChildCode, snapTargets } from './zone-helpers.js'
import { draftFeatures, dropLastDraftPoint, type Handlers, type ModeContext } from './modes.js'

function targetOutline(zone: ZoneFeature | undefined): Feature[] {
  return zone ? [{ type: 'Feature', geometry: zone.geometry, properties: {} }] : []
}

function firstOfKind(context: ModeContext, zoneIds: number[], kinds: readonly string[]): ZoneFeature | undefined {
  return zoneIds.map((id) => context.controller.zone(id)).find((z) => z && kinds.includes(z.properties.kind))
}

/**
 * Split a street: the first click picks the street (or a segment), the next clicks are the split
 * points. A street becomes segments (replacing any it had); a segment is cut into more segments.
 */
export const splitStreetHandlers: Handlers = {
  cursor: 'crosshair',
  click(context, event) {
    const draft = context.draft
    if (draft.targetId === null) {
      const target = firstOfKind(context, event.zoneIds, lineKindsBySpecificity)
      if (!target) return
      draft.targetId = target.id
      context.select(target.id)
      context.redraw(targetOutline(target))
      return
    }
    draft.points.push(event.lngLat)
    context.redraw([...targetOutline(context.controller.zone(draft.targetId)), ...draftFeatures(draft.points, false).filter((f) => f.geometry.type === 'Point')])
  },
  finish(context) {
    const draft = context.draft
    const target = draft.targetId === null ? undefined : context.controller.zone(draft.targetId)
    if (!target || target.geometry.type !== 'LineString') {
      context.notify(reasonText(context.t, DRAWING_REASONS.streetHasNoLine), 'error')
      return
    }
    const result = splitStreet(target.geometry, draft.points)
    if (!result.valid) {
      context.notify(reasonText(context.t, result.reason), 'error')
      return
    }
    const zones = context.zones()
    const p = target.properties
    const isStreet = p.kind === 'street'
    const streetCode = isStreet ? p.code : (p.parent_code ?? p.code)
    const existing = isStreet ? childrenOf(zones, target.id, 'segment') : []
    const others = zones.filter((z) => !existing.includes(z))
    const taken = new Set<string>()
    const puts: ZonePut[] = result.value.map((line, index) => {
      if (!isStreet && index === 0) return { id: target.id, version: p.version, zone: { ...inputOf(target), geometry: line } }
      const code = nextChildCode(others, 'segment', `${streetCode}-`, taken)
      taken.add(code)
      const name = `${isStreet ? p.name : p.name.replace(/第?\d+段$/, '')}${code.slice(-2)}段`
      return { zone: { kind: 'segment', code, name, parent: streetCode, geometry: line, width_m: p.width_m ?? 12 } }
    })
    draft.points = []
    draft.targetId = null
    context.redraw([])
    void context.commit({
      note: `${context.t('mode.split-street')} ${p.code}`,
      put: puts,
      delete: existing.map((z) => ({ id: z.id, version: z.properties.version })),
    })
  },
  dropPoint: dropLastDraftPoint,
}

/** Cut a grid in two (or more) along a drawn line. */
export const cutGridHandlers: Handlers = {
  cursor: 'crosshair',
  click(context, event) {
    const draft = context.draft
    if (draft.targetId === null) {
      const target = firstOfKind(context, event.zoneIds, ['grid'])
      if (!target) return
      draft.targetId = target.id
      context.select(target.id)
      context.redraw(targetOutline(target))
      return
    }
    draft.points.push(event.lngLat)
    context.redraw([...targetOutline(context.controller.zone(draft.targetId)), ...draftFeatures(draft.points, false)])
  },
  finish(context) {
    const draft = context.draft
    const target = draft.targetId === null ? undefined : context.controller.zone(draft.targetId)
    if (!target || !isAreal(target.geometry)) return
    const result = cutPolygon(target.geometry, [draft.points])
    if (!result.valid) {
      context.notify(reasonText(context.t, result.reason), 'error')
      return
    }
    const pieces = [...result.value].sort((a, b) => area(b) - area(a))
    const zones = context.zones()
    const prefix = target.properties.parent_code ?? target.properties.code
    const taken = new Set<string>()
    const puts: ZonePut[] = pieces.map((piece, index) => {
      if (index === 0) return { id: target.id, version: target.properties.version, zone: { ...inputOf(target), geometry: piece } }
      const code = nextChildCode(zones, 'grid', prefix, taken)
      taken.add(code)
      return { zone: { kind: 'grid', code, name: `${target.properties.name}-${index + 1}`, parent: target.properties.parent_code, geometry: piece } }
    })
    draft.points = []
    draft.targetId = null
    context.redraw([])
    void context.commit({ note: `${context.t('mode.cut-grid')} ${target.properties.code}`, put: puts, delete: [] })
  },
  dropPoint: dropLastDraftPoint,
}

/** Merge grids: click to pick (again to unpick), Enter to merge into the lowest code. */
export const mergeGridsHandlers: Handlers = {
  cursor: 'pointer',
  click(context, event) {
    const target = firstOfKind(context, event.zoneIds, ['grid'])
    if (!target) return
    const ids = context.draft.targetIds
    const at = ids.indexOf(target.id)
    if (at >= 0) ids.splice(at, 1)
    else ids.push(target.id)
    context.redraw(ids.flatMap((id) => targetOutline(context.controller.zone(id))))
  },
  finish(context) {
    const grids = context.draft.targetIds.map((id) => context.controller.zone(id)).filter((z): z is ZoneFeature => Boolean(z))
    const result = mergeGrids(grids.map((g) => g.geometry).filter(isAreal))
    if (!result.valid) {
      context.notify(reasonText(context.t, result.reason), 'error')
      return
    }
    grids.sort((a, b) => a.properties.code.localeCompare(b.properties.code))
    const [keep, ...rest] = grids
    context.draft.targetIds = []
    context.redraw([])
    void context.commit({
      note: `${context.t('mode.merge-grids')} ${grids.map((g) => g.properties.code).join('+')}`,
      put: [{ id: keep!.id, version: keep!.properties.version, zone: { ...inputOf(keep!), geometry: result.value } }],
      delete: rest.map((g) => ({ id: g.id, version: g.properties.version })),
    }).then((applied) => {
      if (applied) context.select(keep!.id)
    })
  },
}

/** The editable vertices of a zone: a line's points, or a polygon's outer ring without the closing point. */
function editableVertices(geometry: Geometry): Position[] | null {
  if (isLinear(geometry) && geometry.type === 'LineString') return geometry.coordinates.map((p) => [...p])
  if (geometry.type === 'Polygon') return geometry.coordinates[0]!.slice(0, -1).map((p) => [...p])
  return null
}

function reshaped(original: Geometry, vertices: Position[]): Geometry {
  if (original.type === 'LineString') return { type: 'LineString', coordinates: vertices }
  const holes = original.type === 'Polygon' ? original.coordinates.slice(1) : []
  return { type: 'Polygon', coordinates: [[...vertices, vertices[0]!], ...holes] }
}

/** Reshape a street, segment, grid or frontage by dragging its vertices; Enter saves. */
export const reshapeHandlers: Handlers = {
  cursor: 'default',
  click(context, event) {
    const draft = context.draft
    if (draft.targetId !== null) return
    const target = event.zoneIds.map((id) => context.controller.zone(id)).find((z) => z && ownerKinds.includes(z.properties.kind))
    const vertices = target ? editableVertices(target.geometry) : null
    if (!target || !vertices) return
    draft.targetId = target.id
    draft.points = vertices
    context.select(target.id)
    context.redraw(draftFeatures(vertices, target.geometry.type === 'Polygon'))
  },
  mousedown(context, event) {
    const draft = context.draft
    if (draft.targetId === null) return false
    const at = context.controller.project(event.lngLat)
    const index = draft.points.findIndex((p) => {
      const q = context.controller.project(p)
      return Math.hypot(q.x - at.x, q.y - at.y) < 8
    })
    if (index < 0) return false
    draft.dragIndex = index
    context.controller.setDragPan(false)
    return true
  },
  mousemove(context, event) {
    const draft = context.draft
    if (draft.dragIndex === null || draft.targetId === null) return
    draft.points[draft.dragIndex] = event.lngLat
    const target = context.controller.zone(draft.targetId)
    context.redraw(draftFeatures(draft.points, target?.geometry.type === 'Polygon'))
  },
  mouseup(context, event) {
    const draft = context.draft
    if (draft.dragIndex === null || draft.targetId === null) return
    const target = context.controller.zone(draft.targetId)
    const neighbours = context.zones().filter((z) => z.id !== draft.targetId)
    draft.points[draft.dragIndex] = snapPosition(event.lngLat, snapTargets(neighbours, event.lngLat, target ? snapKindsFor(target.properties.kind) : []), 6).position
    draft.dragIndex = null
    context.controller.setDragPan(true)
    context.redraw(draftFeatures(draft.points, target?.geometry.type === 'Polygon'))
  },
  finish(context) {
    const draft = context.draft
    const target = draft.targetId === null ? undefined : context.controller.zone(draft.targetId)
    if (!target) return
    const geometry = reshaped(target.geometry, draft.points)
    draft.targetId = null
    draft.points = []
    context.redraw([])
    void context.commit({
      note: `${context.t('mode.reshape')} ${target.properties.code}`,
      put: [{ id: target.id, version: target.properties.version, zone: { ...inputOf(target), geometry } }],
      delete: [],
    })
  },
}
