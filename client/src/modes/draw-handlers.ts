import type { Position } from 'geojson'
import type { ZoneFeature } from '../api/types.js'
import { validateLineDraft, validatePolygonDraft } from '../edits/validate.js'
import { DRAWING_REASONS } from '../geometry/drawing-reasons.js'
import { generateFrontage } from '../geometry/generate-frontage.js'
import { reasonText } from '../i18n/reason-text.js'
import { snapPosition } from '../geometry/snap-position.js'
import { jurisdictionKindsBySpecificity, snapKindsFor } from '../kinds/zone-kinds.js'
import { isAreal } from './zone-helpers.js'
import { centreOf, containingZone, nearestLineZone, nextChildCode, snapTargets } from './zone-helpers.js'
import { draftFeatures, dropLastDraftPoint, type Handlers, type ModeContext } from './modes.js'

const SNAP_M = 6

/** Polygon drawing shared by grids and hand-drawn frontages: click, snap, finish. */
function polygonDrawing(finish: (context: ModeContext, ring: Position[]) => Promise<void>, snapKinds: readonly ZoneFeature['properties']['kind'][]): Handlers {
  const redraw = (context: ModeContext) => context.redraw(draftFeatures(context.draft.points, true))
  const done = (context: ModeContext) => {
    const points = context.draft.points
    const validation = validatePolygonDraft(points)
    if (!validation.valid) {
      context.notify(reasonText(context.t, validation.reason), 'error')
      return
    }
    const ring = [...points]
    context.draft.points = []
    redraw(context)
    void finish(context, ring)
  }
  return {
    cursor: 'crosshair',
    click(context, event) {
      const metresPerPixel = (40075016 * Math.cos((event.lngLat[1]! * Math.PI) / 180)) / (512 * 2 ** context.controller.map.getZoom())
      const first = context.draft.points[0]
      // Clicking the first vertex again closes the ring.
      if (first && context.draft.points.length >= 3) {
        const a = context.controller.project(first)
        const b = context.controller.project(event.lngLat)
        if (Math.hypot(a.x - b.x, a.y - b.y) < 8) {
          done(context)
          return
        }
      }
      const tolerance = Math.max(SNAP_M, metresPerPixel * 8)
      const snapped = snapPosition(event.lngLat, snapTargets(context.zones(), event.lngLat, snapKinds), tolerance)
      context.draft.points.push(snapped.position)
      redraw(context)
    },
    dblclick(context) {
      // The double click's own two clicks added the same point twice.
      const points = context.draft.points
      if (points.length >= 2 && samePlace(points[points.length - 1]!, points[points.length - 2]!)) points.pop()
      done(context)
    },
    finish: done,
    dropPoint(context) {
      context.draft.points.pop()
      redraw(context)
    },
  }
}

function samePlace(a: Position, b: Position): boolean {
  return Math.abs(a[0]! - b[0]!) < 1e-9 && Math.abs(a[1]! - b[1]!) < 1e-9
}

export const drawGridHandlers = polygonDrawing(async (context, ring) => {
  const zones = context.zones()
  const geometry = { type: 'Polygon' as const, coordinates: [[...ring, ring[0]!]] }
  const community = containingZone(zones, centreOf(geometry), jurisdictionKindsBySpecificity)
  const prefix = community?.properties.code ?? 'GRID-'
  const code = nextChildCode(zones, 'grid', prefix)
  const applied = await context.commit({
    note: `${context.t('mode.draw-grid')} ${code}`,
    put: [{ zone: { kind: 'grid', code, name: `${community?.properties.name ?? ''}${context.t('kind.grid')}${code.slice(-2)}`, parent: community?.properties.code ?? null, geometry } }],
    delete: [],
  })
  if (applied?.created[0]) context.select(applied.created[0].id)
}, snapKindsFor('grid'))

export const drawFrontageHandlers = polygonDrawing(async (context, ring) => {
  const zones = context.zones()
  const geometry = { type: 'Polygon' as const, coordinates: [[...ring, ring[0]!]] }
  const street = nearestLineZone(zones, centreOf(geometry))
  const prefix = `${street?.zone.properties.code ?? 'F'}-F`
  const code = nextChildCode(zones, 'frontage', prefix)
  const applied = await context.commit({
    note: `${context.t('mode.draw-frontage')} ${code}`,
    put: [{ zone: { kind: 'frontage', code, name: `${context.t('kind.frontage')}${code.slice(-2)}`, parent: street?.zone.properties.code ?? null, geometry } }],
    delete: [],
  })
  if (applied?.created[0]) context.select(applied.created[0].id)
}, snapKindsFor('frontage'))

export const drawStreetHandlers: Handlers = {
  cursor: 'crosshair',
  click(context, event) {
    const snapped = snapPosition(event.lngLat, snapTargets(context.zones(), event.lngLat, snapKindsFor('street')), SNAP_M)
    context.draft.points.push(snapped.position)
    context.redraw(draftFeatures(context.draft.points, false))
  },
  dblclick(context) {
    const points = context.draft.points
    if (points.length >= 2 && samePlace(points[points.length - 1]!, points[points.length - 2]!)) points.pop()
    drawStreetHandlers.finish!(context)
  },
  finish(context) {
    const points = [...context.draft.points]
    const validation = validateLineDraft(points)
    if (!validation.valid) {
      context.notify(reasonText(context.t, validation.reason), 'error')
      return
    }
    context.draft.points = []
    context.redraw([])
    const zones = context.zones()
    const geometry = { type: 'LineString' as const, coordinates: points }
    const parent = containingZone(zones, points[Math.floor(points.length / 2)]!, jurisdictionKindsBySpecificity)
    const prefix = `${parent?.properties.code ?? 'ST'}-S`
    const code = nextChildCode(zones, 'street', prefix)
    void context.commit({
      note: `${context.t('mode.draw-street')} ${code}`,
      put: [{ zone: { kind: 'street', code, name: `${context.t('kind.street')}${code.slice(-2)}`, parent: parent?.properties.code ?? null, geometry, width_m: 12 } }],
      delete: [],
    }).then((applied) => {
      if (applied?.created[0]) context.select(applied.created[0].id)
    })
  },
  dropPoint: dropLastDraftPoint,
}

/** The shop's door: the planner says who the shop is, then its strip is made and saved with its merchant. */
export const frontageDoorHandlers: Handlers = {
  cursor: 'crosshair',
  click(context, event) {
    const door = event.lngLat
    const street = nearestLineZone(context.zones(), door)
    if (!street || street.distanceM > 120) {
      context.notify(reasonText(context.t, DRAWING_REASONS.noStreetNearby), 'error')
      return
    }
    context.redraw(draftFeatures([door], false))
    void context.askShop(door).then(async (shop) => {
      context.redraw([])
      if (!shop) return
      // The zones may have changed while the form was open.
      const zones = context.zones()
      const neighbours = zones.filter((z) => z.properties.kind === 'frontage').map((z) => z.geometry).filter(isAreal)
      const strip = generateFrontage({
        door,
        street: street.zone.geometry as Parameters<typeof generateFrontage>[0]['street'],
        streetWidthM: street.zone.properties.width_m ?? 12,
        frontageWidthM: shop.widthM,
        neighbours,
      })
      if (!strip.valid) {
        context.notify(reasonText(context.t, strip.reason), 'error')
        return
      }
      const code = nextChildCode(zones, 'frontage', `${street.zone.properties.code}-F`)
      const applied = await context.commit({
        note: `${context.t('mode.frontage-door')} ${shop.name} ${code}`,
        put: [{
          zone: { kind: 'frontage', code, name: shop.name, parent: street.zone.properties.code, geometry: strip.value },
          merchant: { name: shop.name, ...(shop.phone ? { phone: shop.phone } : {}) },
        }],
        delete: [],
      })
      if (applied?.created[0]) context.select(applied.created[0].id)
    })
  },
}
