import { describe, expect, it } from 'vitest'
import type { Feature, FeatureCollection } from 'geojson'
import type { Api } from '../api/client.js'
import type { Assignment, CategoryRoute, Duty, ZoneFeature, ZoneInput, ZoneKind } from '../api/types.js'
import { applyTransaction, History, type Transaction } from './transaction.js'

const square = (x: number) => ({ type: 'Polygon' as const, coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 0]]] })

/**
 * An in-memory engine with the contract of the assignment, category and import endpoints: one
 * open assignment per duty (a new holder closes the old one), a zone's own route per category
 * inherited by the zones below it, and an import that makes zones without saying which.
 */
function fakeEngine() {
  const zones = new Map<number, ZoneFeature>()
  const assignments: (Assignment & { zoneId: number })[] = []
  const parties: { id: number; type: Duty; name: string; phone: string | null }[] = []
  const routes = new Map<string, string>() // `${zoneId}:${category}` → department
  let nextId = 1
  const makeZone = (input: ZoneInput): ZoneFeature => {
    const id = nextId++
    const parent = [...zones.values()].find((z) => z.properties.code === input.parent)
    const zone: ZoneFeature = {
      type: 'Feature', id, geometry: input.geometry,
      properties: {
        id, kind: input.kind, code: input.code, name: input.name, parent_id: parent?.id ?? null, parent_code: input.parent ?? null,
        street_class: null, width_m: null, version: 1, area_m2: 0, length_m: null, updated_at: '2024-01-01T00:00:00.000Z', chief: null, department: null, merchant: null, fallback: null,
      },
    }
    zones.set(id, zone)
    return zone
  }
  const holderOf = (zoneId: number, duty: Duty) => assignments.find((a) => a.zoneId === zoneId && a.duty === duty && a.valid_to === null)
  const api = {
    getZone: async (id: number) => zones.get(id)!,
    listZones: async () => ({ type: 'FeatureCollection', features: [...zones.values()] }),
    deleteZone: async (id: number, version: number) => {
      if (zones.get(id)?.properties.version !== version) throw new Error('version_conflict')
      if ([...zones.values()].some((z) => z.properties.parent_id === id)) throw new Error('has_dependents')
      zones.delete(id)
    },
    listAssignments: async (zoneId: number) => assignments.filter((a) => a.zoneId === zoneId).reverse(),
    assign: async (zoneId: number, body: { duty: Duty; party_id?: number; party?: { name: string; phone?: string } }) => {
      let party = parties.find((p) => p.id === body.party_id)
      if (!party && body.party) {
        party = { id: nextId++, type: body.duty, name: body.party.name, phone: body.party.phone ?? null }
        parties.push(party)
      }
      if (!party) throw new Error('unknown_party')
      const open = holderOf(zoneId, body.duty)
      if (open?.party.id === party.id) return open
      if (open) open.valid_to = 'now'
      const assignment = { id: nextId++, zoneId, zone_id: zoneId, duty: body.duty, party: { ...party, title: null }, valid_from: 'now', valid_to: null, version: 1 }
      assignments.push(assignment)
      return assignment
    },
    endAssignment: async (id: number, version: number) => {
      const assignment = assignments.find((a) => a.id === id)!
      if (assignment.version !== version || assignment.valid_to !== null) throw new Error('version_conflict')
      assignment.valid_to = 'now'
      return assignment
    },
    zoneCategories: async (zoneId: number): Promise<CategoryRoute[]> => {
      const found: CategoryRoute[] = []
      for (let zone = zones.get(zoneId); zone; zone = zone.properties.parent_id === null ? undefined : zones.get(zone.properties.parent_id)) {
        for (const [key, department] of routes) {
          const [id, category] = key.split(':') as [string, string]
          if (Number(id) !== zone.id || found.some((r) => r.category === category)) continue
          found.push({ category, department: { id: 0, name: department, phone: null }, via: { id: zone.id, code: zone.properties.code, kind: zone.properties.kind }, inherited: zone.id !== zoneId })
        }
      }
      return found
    },
    routeCategory: async (zoneId: number, category: string, department: string) => void routes.set(`${zoneId}:${category}`, department),
    unrouteCategory: async (zoneId: number, category: string) => void routes.delete(`${zoneId}:${category}`),
    importCollection: async (collection: FeatureCollection) => {
      for (const feature of collection.features) {
        const p = feature.properties as { kind: ZoneKind; code: string; name: string; parent?: string }
        makeZone({ kind: p.kind, code: p.code, name: p.name, parent: p.parent ?? null, geometry: feature.geometry as ZoneInput['geometry'] })
      }
      return { created: { zones: collection.features.length } }
    },
  } as unknown as Api
  const chiefOf = (zoneId: number) => holderOf(zoneId, 'chief')?.party.name ?? null
  return { api, zones, chiefOf, routes, before: async (id: number) => zones.get(id)! }
}

describe('transactions of duties, routes and imports', () => {
  it('gives a grid a new chief, and undo brings the old chief back while redo gives the new one again', async () => {
    const { api, before, chiefOf } = fakeEngine()
    const history = new History()
    const run = async (t: Transaction) => (await applyTransaction(api, t, before)).inverse
    await api.importCollection({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: square(0), properties: { kind: 'grid', code: 'G1', name: 'G1' } }] }, false)
    const grid = 1
    await api.assign(grid, { duty: 'chief', party: { name: '老张' } })

    history.record(await run({ note: 'chief', put: [], delete: [], assign: [{ zoneId: grid, duty: 'chief', holder: { party: { name: '小李', phone: '139' } } }] }))
    expect(chiefOf(grid)).toBe('小李')
    await history.undo(run)
    expect(chiefOf(grid)).toBe('老张')
    await history.redo(run)
    expect(chiefOf(grid)).toBe('小李')
  })

  it('undoes the first chief of a zone by ending the assignment, so the zone has no chief again', async () => {
    const { api, before, chiefOf } = fakeEngine()
    await api.importCollection({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: square(0), properties: { kind: 'grid', code: 'G1', name: 'G1' } }] }, false)
    const applied = await applyTransaction(api, { note: 'chief', put: [], delete: [], assign: [{ zoneId: 1, duty: 'chief', holder: { party: { name: '小李' } } }] }, before)
    expect(applied.inverse.assign).toEqual([{ zoneId: 1, duty: 'chief', holder: null }])
    await applyTransaction(api, applied.inverse, before)
    expect(chiefOf(1)).toBeNull()
  })

  it('undoes a route set at a zone back to the route it inherited, and undoes a removal back to the zone\'s own route', async () => {
    const { api, before, routes } = fakeEngine()
    await api.importCollection({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: square(0), properties: { kind: 'community', code: 'C', name: 'C' } },
        { type: 'Feature', geometry: square(0), properties: { kind: 'grid', code: 'C01', name: 'C01', parent: 'C' } },
      ],
    }, false)
    routes.set('1:占道经营', '城管局')
    const set = await applyTransaction(api, { note: 'route', put: [], delete: [], route: [{ zoneId: 2, category: '占道经营', department: '市场监管局' }] }, before)
    expect(routes.get('2:占道经营')).toBe('市场监管局')
    // The grid had no route of its own (only the community's): undo removes the grid's, and the inherited one applies again.
    expect(set.inverse.route).toEqual([{ zoneId: 2, category: '占道经营', department: null }])
    await applyTransaction(api, set.inverse, before)
    expect([...routes.keys()]).toEqual(['1:占道经营'])

    const removal = await applyTransaction(api, { note: 'unroute', put: [], delete: [], route: [{ zoneId: 1, category: '占道经营', department: null }] }, before)
    expect(routes.size).toBe(0)
    await applyTransaction(api, removal.inverse, before)
    expect(routes.get('1:占道经营')).toBe('城管局')
  })

  it('undoes an import by deleting the zones it made, children before parents, and redo imports the file again', async () => {
    const { api, before, zones } = fakeEngine()
    await api.importCollection({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: square(5), properties: { kind: 'grid', code: 'OLD', name: 'old' } }] }, false)
    const features: Feature[] = [
      { type: 'Feature', geometry: square(0), properties: { kind: 'community', code: 'C', name: '社区' } },
      { type: 'Feature', geometry: square(0), properties: { kind: 'grid', code: 'C01', name: '网格', parent: 'C' } },
    ]
    const history = new History()
    const run = async (t: Transaction) => (await applyTransaction(api, t, before)).inverse
    const applied = await applyTransaction(api, { note: 'import', put: [], delete: [], import: [{ format: 'zones', collection: { type: 'FeatureCollection', features } }] }, before)
    expect(applied.imported.map((z) => z.properties.code).sort()).toEqual(['C', 'C01'])
    expect(applied.importCounts).toEqual([{ zones: 2 }])
    // The grid (below the community) is deleted first, or the community's delete would be refused.
    expect(applied.inverse.unimport![0]!.zones.map((z) => zones.get(z.id)!.properties.code)).toEqual(['C01', 'C'])
    history.record(applied.inverse)

    await history.undo(run)
    expect([...zones.values()].map((z) => z.properties.code)).toEqual(['OLD'])
    await history.redo(run)
    expect([...zones.values()].map((z) => z.properties.code).sort()).toEqual(['C', 'C01', 'OLD'])
    await history.undo(run)
    expect([...zones.values()].map((z) => z.properties.code)).toEqual(['OLD'])
  })

  it('rolls back a new chief when the route in the same transaction fails', async () => {
    const { api, before, chiefOf } = fakeEngine()
    await api.importCollection({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: square(0), properties: { kind: 'grid', code: 'G1', name: 'G1' } }] }, false)
    const failing = { ...api, routeCategory: async () => { throw new Error('unknown_department') } } as Api
    await expect(applyTransaction(failing, {
      note: 'both', put: [], delete: [],
      assign: [{ zoneId: 1, duty: 'chief', holder: { party: { name: '小李' } } }],
      route: [{ zoneId: 1, category: '占道经营', department: '无此部门' }],
    }, before)).rejects.toThrow('unknown_department')
    expect(chiefOf(1)).toBeNull()
  })
})
