import { bbox } from '@turf/turf'
import type { FeatureCollection } from 'geojson'
import type { Api } from '../api/client.js'
import type { Duty, ZoneFeature } from '../api/types.js'
import { zoneKinds } from '../kinds/zone-kinds.js'

/**
 * The writes of a transaction besides putting and deleting zones: who holds a duty, where a
 * category is routed, and imports. Each applier does its write and says what undoes it, so that
 * undo and redo cover every write the planner makes.
 */

/** A duty of a zone given to a party (by id, or a new person), or ended (holder null). */
export interface DutyChange {
  zoneId: number
  duty: Duty
  holder: { party_id: number } | { party: { name: string; phone?: string; title?: string; role?: string } } | null
}

/** A zone's own route of a category to a department (by name), or its removal (department null). */
export interface RouteChange {
  zoneId: number
  category: string
  department: string | null
}

/** One request to the engine's import: zones in the import format, or OSM roads under a parent. */
export interface ImportRequest {
  format: 'zones' | 'osm-roads'
  collection: FeatureCollection
  parent?: string
}

/** Taking an import back: the zones it made, deleted leaves first; the requests are what redo sends again. */
export interface ImportUndo {
  zones: { id: number; version: number }[]
  requests: ImportRequest[]
}

/** Sets a duty's holder; answers the change that puts the holder before it back. */
export async function applyDutyChange(api: Api, change: DutyChange): Promise<DutyChange> {
  const open = (await api.listAssignments(change.zoneId)).find((a) => a.duty === change.duty && a.valid_to === null) ?? null
  if (change.holder === null) {
    if (open) await api.endAssignment(open.id, open.version)
  } else {
    await api.assign(change.zoneId, { duty: change.duty, ...change.holder })
  }
  return { zoneId: change.zoneId, duty: change.duty, holder: open ? { party_id: open.party.id } : null }
}

/** Sets or removes a zone's own route of a category; answers the change that puts the route before it back. */
export async function applyRouteChange(api: Api, change: RouteChange): Promise<RouteChange> {
  const own = (await api.zoneCategories(change.zoneId)).find((route) => route.category === change.category && !route.inherited) ?? null
  if (change.department === null) {
    if (own) await api.unrouteCategory(change.zoneId, change.category)
  } else {
    await api.routeCategory(change.zoneId, change.category, change.department)
  }
  return { zoneId: change.zoneId, category: change.category, department: own ? own.department.name : null }
}

/** The zones an import could have made: those meeting the box of what it sends. */
async function zonesWhere(api: Api, collection: FeatureCollection): Promise<ZoneFeature[]> {
  const box = bbox(collection)
  if (!box.every(Number.isFinite)) return []
  return (await api.listZones({ bbox: box.slice(0, 4), limit: 50_000 })).features as ZoneFeature[]
}

/** Zones below their parents: children first, so that no delete finds a zone still below it. */
const leavesFirst = (zones: ZoneFeature[]) =>
  [...zones].sort((a, b) => zoneKinds.indexOf(b.properties.kind) - zoneKinds.indexOf(a.properties.kind))

/**
 * Sends one import request. What it made is read back as the zones in its box that were not
 * there before (the engine answers with counts, and the OSM converter names its own streets).
 */
export async function applyImport(api: Api, request: ImportRequest): Promise<{ undo: ImportUndo; made: ZoneFeature[]; counts: Record<string, number> }> {
  const before = new Set((await zonesWhere(api, request.collection)).map((zone) => zone.id))
  const result = request.format === 'zones'
    ? await api.importCollection(request.collection, false)
    : await api.importOsmRoads(request.collection, request.parent, false)
  const made = (await zonesWhere(api, request.collection)).filter((zone) => !before.has(zone.id))
  return {
    undo: { zones: leavesFirst(made).map((zone) => ({ id: zone.id, version: zone.properties.version })), requests: [request] },
    made,
    counts: result.created,
  }
}

/** Deletes what an import made; answers the requests that make it again. */
export async function applyImportUndo(api: Api, undo: ImportUndo, deleted: (id: number) => void): Promise<ImportRequest[]> {
  for (const zone of undo.zones) {
    await api.deleteZone(zone.id, zone.version)
    deleted(zone.id)
  }
  return undo.requests
}
