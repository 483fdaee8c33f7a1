import { describe, expect, it } from 'vitest'
import type { ZoneCollection, ZoneFeature } from '../api/types.js'
import { loadAllZones, zoneLoadingFromUrl, type FetchZonePage } from './load-all-zones.js'

/** A fake of GET /api/zones?after=&limit=&total= over `count` zones with ids 1..count. */
function fakeApi(count: number, kindOf: (id: number) => string = () => 'grid') {
  const calls: Parameters<FetchZonePage>[0][] = []
  const fetchPage: FetchZonePage = async (page) => {
    calls.push(page)
    const ids = Array.from({ length: count }, (_, i) => i + 1).filter((id) => id > page.after)
    const listed = ids.slice(0, page.limit)
    const truncated = ids.length > page.limit
    const features = listed.map((id) => ({ type: 'Feature', id, geometry: null, properties: { id, kind: kindOf(id), code: `C${String(1000 - id)}` } }))
    return {
      type: 'FeatureCollection',
      features,
      truncated,
      ...(truncated ? { next_after: listed[listed.length - 1] } : {}),
      ...(page.total ? { total: count } : {}),
    } as unknown as ZoneCollection
  }
  return { fetchPage, calls }
}

const ids = (zones: ZoneFeature[]) => zones.map((zone) => zone.id).sort((a, b) => a - b)

describe('loadAllZones', () => {
  it('pages until the last page and gets every zone once', async () => {
    const { fetchPage, calls } = fakeApi(23)
    const loaded = await loadAllZones(fetchPage, { pageSize: 5 })
    expect(ids(loaded.zones)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1))
    expect(loaded).toMatchObject({ total: 23, complete: true })
    // 5 + 5 + 5 + 5 + 3, counting only with the first page.
    expect(calls.map((call) => [call.after, call.total])).toEqual([[0, true], [5, false], [10, false], [15, false], [20, false]])
  })

  it('stops at the cap and says how many zones the database holds', async () => {
    const { fetchPage } = fakeApi(23)
    const loaded = await loadAllZones(fetchPage, { pageSize: 5, cap: 12 })
    expect(loaded.zones).toHaveLength(12)
    expect(loaded).toMatchObject({ total: 23, complete: false })
  })

  it('is complete when the cap falls exactly on the last zone', async () => {
    const { fetchPage } = fakeApi(10)
    expect(await loadAllZones(fetchPage, { pageSize: 5, cap: 10 })).toMatchObject({ total: 10, complete: true })
  })

  it('orders the zones least specific kind first, then by code, as an unpaged list is', async () => {
    const { fetchPage } = fakeApi(6, (id) => (id % 2 ? 'grid' : 'community'))
    const loaded = await loadAllZones(fetchPage, { pageSize: 2 })
    // Communities 2, 4, 6 (codes C998, C996, C994) before grids 1, 3, 5 (C999, C997, C995).
    expect(loaded.zones.map((zone) => zone.id)).toEqual([6, 4, 2, 5, 3, 1])
  })
})

describe('zoneLoadingFromUrl', () => {
  it('reads positive whole numbers and ignores anything else', () => {
    expect(zoneLoadingFromUrl('?zone_page=50&zone_cap=100')).toEqual({ pageSize: 50, cap: 100 })
    expect(zoneLoadingFromUrl('?zone_page=0&zone_cap=-3')).toEqual({})
    expect(zoneLoadingFromUrl('?zone_page=abc&zone_cap=1.5')).toEqual({})
  })
})
