import type { ZoneCollection, ZoneFeature } from '../api/types.js'
import { zoneKinds } from '../kinds/zone-kinds.js'

/** Zones per request while the editor loads them (the API takes at most 50,000). */
export const ZONE_PAGE_SIZE = 10_000

/**
 * How many zones the editor loads at most: past this a browser tab holds too much GeoJSON to stay
 * usable. Whatever is left out is said on the page, never silently dropped.
 */
export const EDITOR_ZONE_CAP = 200_000

export interface LoadedZones {
  /** In the order the map draws them: least specific kind first, then by code. */
  zones: ZoneFeature[]
  /** How many zones the database holds (counted when loading began). */
  total: number
  /** False when the cap stopped the loading before the last page. */
  complete: boolean
}

export type FetchZonePage = (page: { after: number; limit: number; total: boolean }) => Promise<ZoneCollection>

const kindOrder = new Map(zoneKinds.map((kind, index) => [kind, index]))

/**
 * Pages through every zone with the API's keyset paging (`after`, `next_after`) until the last
 * page or `cap` zones, so that the map is the database and not its first page.
 */
export async function loadAllZones(fetchPage: FetchZonePage, options: { pageSize?: number; cap?: number } = {}): Promise<LoadedZones> {
  const pageSize = options.pageSize ?? ZONE_PAGE_SIZE
  const cap = options.cap ?? EDITOR_ZONE_CAP
  const zones: ZoneFeature[] = []
  let total: number | undefined
  let after: number | undefined = 0
  while (after !== undefined && zones.length < cap) {
    const page: ZoneCollection = await fetchPage({ after, limit: Math.min(pageSize, cap - zones.length), total: total === undefined })
    total ??= page.total ?? page.features.length
    zones.push(...(page.features as ZoneFeature[]))
    after = page.next_after
  }
  const complete = after === undefined
  // Keyset pages come in id order; the map and the lists expect the kind order of an unpaged list.
  zones.sort((a, b) => {
    const byKind = (kindOrder.get(a.properties.kind) ?? 0) - (kindOrder.get(b.properties.kind) ?? 0)
    if (byKind) return byKind
    return a.properties.code < b.properties.code ? -1 : a.properties.code > b.properties.code ? 1 : a.id - b.id
  })
  return { zones, total: complete ? zones.length : Math.max(total ?? 0, zones.length), complete }
}

/** `?zone_page=N` and `?zone_cap=N` force smaller pages and a lower cap (the browser tests use them). */
export function zoneLoadingFromUrl(search: string): { pageSize?: number; cap?: number } {
  const params = new URLSearchParams(search)
  const positive = (name: string) => {
    const value = Number(params.get(name))
    return Number.isInteger(value) && value > 0 ? value : undefined
  }
  const pageSize = positive('zone_page')
  const cap = positive('zone_cap')
  return { ...(pageSize ? { pageSize } : {}), ...(cap ? { cap } : {}) }
}
