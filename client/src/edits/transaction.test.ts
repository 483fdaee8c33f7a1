import { describe, expect, it } from 'vitest'
import type { Api } from '../api/client.js'
import type { ZoneFeature, ZoneInput } from '../api/types.js'
import { applyTransaction, History, type Transaction } from './transaction.js'

/** An in-memory engine with the zone endpoints' contract: versions, ids, 409 on stale versions. */
function fakeApi() {
  const zones = new Map<number, ZoneFeature>()
  let nextId = 1
  const make = (id: number, zone: ZoneInput, version: number): ZoneFeature => ({
    type: 'Feature', id, geometry: zone.geometry,
    properties: {
      id, kind: zone.kind, code: zone.code, name: zone.name, parent_id: null, parent_code: zone.parent ?? null,
      street_class: null, width_m: null, version, area_m2: 0, length_m: null, updated_at: '', chief: null, department: null, merchant: null, fallback: null,
    },
  })
  const api = {
    getZone: async (id: number) => zones.get(id)!,
    createZone: async (zone: ZoneInput) => {
      if ([...zones.values()].some((z) => z.properties.code === zone.code)) throw new Error('duplicate code')
      const feature = make(nextId++, zone, 1)
      zones.set(feature.id, feature)
      return feature
    },
    updateZone: async (id: number, patch: Partial<ZoneInput> & { version: number }) => {
      const old = zones.get(id)!
      if (old.properties.version !== patch.version) throw new Error('version_conflict')
      const feature = make(id, { ...old.properties, geometry: old.geometry, ...patch, kind: old.properties.kind } as ZoneInput, patch.version + 1)
      zones.set(id, feature)
      return feature
    },
    assign: async (id: number, body: { duty: string; party: { name: string; phone?: string } }) => {
      const zone = zones.get(id)!
      if (body.duty === 'merchant') zones.set(id, { ...zone, properties: { ...zone.properties, merchant: { name: body.party.name, phone: body.party.phone ?? null } } })
      return { id: 1 }
    },
    deleteZone: async (id: number, version: number) => {
      if (zones.get(id)?.properties.version !== version) throw new Error('version_conflict')
      zones.delete(id)
    },
  } as unknown as Api
  return { api, zones, before: async (id: number) => zones.get(id)! }
}

const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }

describe('transactions', () => {
  it('undoes and redoes a create, an update and a delete', async () => {
    const { api, zones, before } = fakeApi()
    const a = await api.createZone({ kind: 'grid', code: 'A', name: 'A', geometry: square })
    const b = await api.createZone({ kind: 'grid', code: 'B', name: 'B', geometry: square })
    const history = new History()
    const run = async (t: Transaction) => (await applyTransaction(api, t, before)).inverse
    const edit: Transaction = {
      note: 'merge B into A and add C',
      put: [{ id: a.id, version: 1, zone: { kind: 'grid', code: 'A', name: 'A2', geometry: square } }, { zone: { kind: 'grid', code: 'C', name: 'C', geometry: square } }],
      delete: [{ id: b.id, version: 1 }],
    }
    history.record(await run(edit))
    expect([...zones.values()].map((z) => z.properties.name).sort()).toEqual(['A2', 'C'])
    await history.undo(run)
    expect([...zones.values()].map((z) => z.properties.name).sort()).toEqual(['A', 'B'])
    expect(history.canRedo).toBe(true)
    await history.redo(run)
    expect([...zones.values()].map((z) => z.properties.name).sort()).toEqual(['A2', 'C'])
  })

  it('creates a frontage with its merchant, and undo then redo brings the merchant back', async () => {
    const { api, zones, before } = fakeApi()
    const history = new History()
    const run = async (t: Transaction) => (await applyTransaction(api, t, before)).inverse
    const applied = await applyTransaction(api, {
      note: 'frontage',
      put: [{ zone: { kind: 'frontage', code: 'S-F01', name: '老王面馆', parent: 'S', geometry: square }, merchant: { name: '老王面馆', phone: '1' } }],
      delete: [],
    }, before)
    expect(applied.created[0]!.properties.merchant).toEqual({ name: '老王面馆', phone: '1' })
    expect([...zones.values()][0]!.properties.merchant).toEqual({ name: '老王面馆', phone: '1' })
    history.record(applied.inverse)
    await history.undo(run)
    expect(zones.size).toBe(0)
    await history.redo(run)
    expect([...zones.values()].map((z) => [z.properties.code, z.properties.merchant?.name])).toEqual([['S-F01', '老王面馆']])
    // Deleting it and undoing the delete keeps the shop too.
    const [frontage] = [...zones.values()]
    history.record(await run({ note: 'delete', put: [], delete: [{ id: frontage!.id, version: frontage!.properties.version }] }))
    await history.undo(run)
    expect([...zones.values()].map((z) => z.properties.merchant?.name)).toEqual(['老王面馆'])
  })

  it('undoes an overwrite of someone else\'s edit back to theirs, not to the copy the page had', async () => {
    const { api, zones } = fakeApi()
    const a = await api.createZone({ kind: 'grid', code: 'A', name: 'mine before', geometry: square })
    const pageCopy = structuredClone(a)
    await api.updateZone(a.id, { version: 1, name: 'theirs' })
    const overwrite: Transaction = { note: 'rename', put: [{ id: a.id, version: 2, zone: { kind: 'grid', code: 'A', name: 'mine', geometry: square } }], delete: [] }
    const applied = await applyTransaction(api, overwrite, async () => pageCopy)
    expect(zones.get(a.id)!.properties.name).toBe('mine')
    await applyTransaction(api, applied.inverse, async (id) => zones.get(id)!)
    expect(zones.get(a.id)!.properties.name).toBe('theirs')
  })

  it('rolls back the steps already done when a later step fails', async () => {
    const { api, zones, before } = fakeApi()
    await api.createZone({ kind: 'grid', code: 'X', name: 'X', geometry: square })
    const failing: Transaction = {
      note: 'two grids, the second a duplicate',
      put: [{ zone: { kind: 'grid', code: 'Y', name: 'Y', geometry: square } }, { zone: { kind: 'grid', code: 'X', name: 'X again', geometry: square } }],
      delete: [],
    }
    await expect(applyTransaction(api, failing, before)).rejects.toThrow('duplicate code')
    expect([...zones.values()].map((z) => z.properties.code)).toEqual(['X'])
  })
})
