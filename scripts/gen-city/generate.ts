/**
 * The synthetic city (docs/city-data.md): copies of the demo sub-district, which
 * scripts/build-demo.ts cut from the real OpenStreetMap streets of 天水街道 (grids along the
 * streets, segments at junctions, frontage strips), each placed by its own seeded transform
 * (tile-transform.ts) and renamed. Four copies make a sub-district; one district holds them all.
 * A few grids are left out (coverage gaps) and a few streets lose their segments, in places listed
 * in `known`, so that fall-back and street-level answers have somewhere to come out.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as turf from '@turf/turf'
import type { Feature, Geometry, GeometryCollection, LineString, MultiPolygon, Polygon, Position as GeoPosition } from 'geojson'
import { seededRandom } from '../demo/streets.js'
import { shopName } from '../demo/people.js'
import { densifyLine, nodeAreas } from './prepare-template.js'
import { CityPeople, landline, placeName, streetName } from './names.js'
import { makeTileTransform, mapCoordinates, tileParameters, type Position, type TileTransform } from './tile-transform.js'

const templateFile = fileURLToPath(new URL('../../data/demo/tianshui.geojson', import.meta.url))

/** Copies of the template at scale 1: 1,256 × 16 grids = 20,096, × 240 frontages = 301,440. */
export const TILES_AT_SCALE_1 = 1256
export const TILES_PER_SUBDISTRICT = 4
const DISTRICT = { code: '330188', name: '杭州市示例城区', short: '示例城区' }
const CITY_ORIGIN: Position = [120.0, 30.2]
/** Room between copies beyond their largest extent: no street area of one reaches the next. */
const TILE_GAP_M = 300
const SINCE = '2024-01-01T00:00:00+08:00'
/** Probes in a gap keep this far from every street's centre line (half 40 m plus frontages). */
const PROBE_CLEARANCE_M = 35

export type CityGeometry = Exclude<Geometry, GeometryCollection>
export type CityFeature = Feature<CityGeometry, Record<string, unknown>>

export interface KnownPlaces {
  /** Grids left out: their community has a hole there, so a point in it falls back to the community. */
  gaps: { community: string; missingGrid: string; areaM2: number; probe: Position }[]
  /** Streets with no segment: a point on them is answered at street level; their frontages hang on the street. */
  unsegmentedStreets: { street: string; probe: Position }[]
}

export interface City {
  head: Record<string, unknown>
  features: CityFeature[]
  known: KnownPlaces
  counts: Record<string, number>
  tiles: number
  subdistricts: number
}

interface Template {
  head: Record<string, unknown>
  features: CityFeature[]
  centre: Position
  radiusM: number
  gapGrids: { code: string; probe: Position }[]
  unsegmentable: { code: string; probe: Position }[]
}

let loaded: Template | null = null

/** The template, read and prepared once a process: it is the same for every city. */
function loadTemplate(): Template {
  loaded ??= prepareTemplate()
  return loaded
}

function prepareTemplate(): Template {
  const document = JSON.parse(readFileSync(templateFile, 'utf8')) as { features: CityFeature[] } & Record<string, unknown>
  const { features: raw, ...head } = document
  const areaKinds = new Set(['district', 'subdistrict', 'community', 'grid'])
  const areas = raw.filter((feature) => areaKinds.has(feature.properties.kind as string))
  const noded = nodeAreas(areas.map((feature) => feature.geometry))
  const features = raw.map((feature) => {
    const a = areas.indexOf(feature)
    if (a >= 0) return { ...feature, geometry: noded[a]! }
    if (feature.properties.kind === 'street' || feature.properties.kind === 'segment') return { ...feature, geometry: densifyLine(feature.geometry) }
    return feature
  })
  const subdistrict = features.find((feature) => feature.properties.kind === 'subdistrict')!
  const [west, south, east, north] = turf.bbox(subdistrict)
  const centre: Position = [(west + east) / 2, (south + north) / 2]
  let radiusM = 0
  for (const feature of features) {
    turf.coordEach(feature, (position) => {
      radiusM = Math.max(radiusM, turf.distance(centre, position as Position, { units: 'meters' }))
    })
  }
  // Probes are found on the template as built (the inserted points change no shape).
  const streets = raw.filter((feature) => feature.properties.kind === 'street')
  const lines = streets.map((street) => turf.flatten(street).features).flat()
  const clearance = (point: Position, except?: string) =>
    Math.min(
      ...lines
        .filter((line) => line.properties?.code !== except)
        .map((line) => turf.pointToLineDistance(point, line as Feature<LineString>, { units: 'meters' })),
    )
  // A grid whose probe is well away from every street: the point must land in the gap itself.
  const gapGrids: Template['gapGrids'] = []
  for (const grid of raw.filter((feature) => feature.properties.kind === 'grid')) {
    const [gw, gs, ge, gn] = turf.bbox(grid)
    let best: { probe: Position; clearance: number } | null = null
    for (let i = 1; i < 12; i++) {
      for (let j = 1; j < 12; j++) {
        const probe: Position = [gw + ((ge - gw) * i) / 12, gs + ((gn - gs) * j) / 12]
        if (!turf.booleanPointInPolygon(probe, grid as Feature<MultiPolygon>)) continue
        const c = clearance(probe)
        if (!best || c > best.clearance) best = { probe, clearance: c }
      }
    }
    if (best && best.clearance >= PROBE_CLEARANCE_M) gapGrids.push({ code: grid.properties.code as string, probe: best.probe })
  }
  // A street with segments (not the first, which has a history) and a point on it far from the others.
  const segmented = new Set(raw.filter((f) => f.properties.kind === 'segment').map((f) => f.properties.parent as string))
  const unsegmentable: Template['unsegmentable'] = []
  for (const street of streets.slice(1)) {
    const code = street.properties.code as string
    if (!segmented.has(code)) continue
    let best: { probe: Position; clearance: number } | null = null
    turf.coordEach(street, (position) => {
      const c = clearance(position as Position, code)
      if (!best || c > best.clearance) best = { probe: position as Position, clearance: c }
    })
    const found = best as { probe: Position; clearance: number } | null
    if (found && found.clearance >= PROBE_CLEARANCE_M) unsegmentable.push({ code, probe: found.probe })
  }
  return { head, features, centre, radiusM, gapGrids, unsegmentable }
}

/** The indexes of `count` copies spread evenly over `tiles`, shifted by `phase` (0–1). */
function spread(tiles: number, count: number, phase: number): number[] {
  return Array.from({ length: count }, (_, k) => Math.min(tiles - 1, Math.floor(((k + phase) * tiles) / count)))
}

const pad = (value: number, width: number) => String(value).padStart(width, '0')

export function generateCity(options: { scale: number; seed: number }): City {
  const template = loadTemplate()
  const tiles = Math.max(1, Math.round(TILES_AT_SCALE_1 * options.scale))
  const subdistricts = Math.ceil(tiles / TILES_PER_SUBDISTRICT)
  const knownCount = Math.max(1, Math.min(8, Math.ceil(tiles / 150)))
  const gapTiles = new Map(spread(tiles, knownCount, 0.25).map((tile, k) => [tile, template.gapGrids[k % template.gapGrids.length]!]))
  const unsegmentedTiles = new Map(
    spread(tiles, knownCount, 0.75).map((tile, k) => [tile, template.unsegmentable[k % template.unsegmentable.length]!]),
  )
  const random = seededRandom(options.seed)
  const people = new CityPeople()
  let landlines = 0
  const fallbackPhone = () => landline(99, ++landlines)
  const cell = 2 * template.radiusM * 1.1 + TILE_GAP_M
  const side = Math.ceil(Math.sqrt(subdistricts))

  const renameDepartment = (name: string) => name.replaceAll('拱墅区', DISTRICT.short).replaceAll('天水街道', DISTRICT.short).replaceAll('天水', '城区')
  const templateDepartments = (template.head.departments as { name: string; phone: string }[]) ?? []
  const departments = templateDepartments.map((department, d) => ({ name: renameDepartment(department.name), phone: landline(98, d + 1) }))
  const templateSubdistrict = template.features.find((f) => f.properties.kind === 'subdistrict')!
  const templateCommunities = template.features.filter((f) => f.properties.kind === 'community')
  const templateStreets = template.features.filter((f) => f.properties.kind === 'street')

  const byKind: Record<string, CityFeature[]> = { district: [], subdistrict: [], community: [], grid: [], street: [], segment: [], frontage: [] }
  const districtPolygons: GeoPosition[][][] = []
  const known: KnownPlaces = { gaps: [], unsegmentedStreets: [] }
  let communityIndex = 0
  let streetIndex = 0
  let frontageIndex = 0
  const polygonsOf = (geometry: CityGeometry) =>
    geometry.type === 'MultiPolygon' ? geometry.coordinates : geometry.type === 'Polygon' ? [geometry.coordinates] : []

  for (let s = 0; s < subdistricts; s++) {
    const subCode = `${DISTRICT.code}${pad(s + 1, 3)}`
    const subName = `${placeName(s, 1)}街道`
    const subPolygons: GeoPosition[][][] = []
    let communityInSub = 0
    let streetInSub = 0
    let frontageInSub = 0
    const subCategories = Object.fromEntries(
      Object.entries((templateSubdistrict.properties.categories as Record<string, string>) ?? {}).map(([category, department]) => [
        category,
        renameDepartment(department),
      ]),
    )
    for (let t = s * TILES_PER_SUBDISTRICT; t < Math.min(tiles, (s + 1) * TILES_PER_SUBDISTRICT); t++) {
      const j = t - s * TILES_PER_SUBDISTRICT
      const centreM: Position = [
        ((s % side) * 2 + (j % 2)) * cell + (random() - 0.5) * (TILE_GAP_M / 3),
        -((Math.floor(s / side) * 2 + Math.floor(j / 2)) * cell) + (random() - 0.5) * (TILE_GAP_M / 3),
      ]
      const transform: TileTransform = makeTileTransform(template.centre, CITY_ORIGIN, tileParameters(random, centreM))
      const codes = new Map<string, string>([[templateSubdistrict.properties.code as string, subCode]])
      const names: [string, string][] = [['天水街道', subName], ['拱墅区', DISTRICT.short]]
      for (const community of templateCommunities) {
        communityInSub++
        const name = `${placeName(communityIndex++, 2)}社区`
        codes.set(community.properties.code as string, `${subCode}${pad(communityInSub, 3)}`)
        names.unshift([community.properties.name as string, name], [(community.properties.name as string).replace(/社区$/, ''), name.replace(/社区$/, '')])
      }
      const streetNames = new Map<string, string>()
      for (const street of templateStreets) {
        streetInSub++
        const name = streetName(street.properties.name as string, streetIndex++)
        streetNames.set(street.properties.name as string, name)
        codes.set(street.properties.code as string, `${subCode}J${pad(streetInSub, 3)}`)
      }
      const rename = (text: string) => {
        for (const [from, to] of names) text = text.replaceAll(from, to)
        return text
      }
      const gap = gapTiles.get(t)
      const unsegmented = unsegmentedTiles.get(t)
      const chief = (value: unknown) => {
        const old = value as { title: string; role: string }
        return { ...people.person(rename(old.title), old.role), since: SINCE }
      }
      const copy = (feature: CityFeature, properties: Record<string, unknown>): CityFeature => ({
        type: 'Feature',
        properties,
        geometry: { type: feature.geometry.type, coordinates: mapCoordinates(feature.geometry.coordinates, transform) } as CityGeometry,
      })
      for (const feature of template.features) {
        const p = feature.properties
        const kind = p.kind as string
        if (kind === 'district') continue
        if (kind === 'subdistrict') {
          subPolygons.push(...polygonsOf(copy(feature, {}).geometry))
          continue
        }
        if (kind === 'community') {
          byKind.community!.push(
            copy(feature, {
              kind, code: codes.get(p.code as string), name: rename(p.name as string), parent: subCode, chief: chief(p.chief),
              fallback: { name: rename((p.fallback as { name: string }).name), phone: fallbackPhone(), since: SINCE },
            }),
          )
        } else if (kind === 'grid') {
          const code = `${codes.get(p.parent as string)}${(p.code as string).slice(-2)}`
          if (gap?.code === p.code) {
            const areaM2 = Math.round(turf.area(copy(feature, {}) as Feature<Polygon | MultiPolygon>))
            known.gaps.push({ community: codes.get(p.parent as string)!, missingGrid: code, areaM2, probe: transform(gap!.probe) })
            continue
          }
          byKind.grid!.push(
            copy(feature, {
              kind, code, name: rename(p.name as string), parent: codes.get(p.parent as string), chief: chief(p.chief),
              department: renameDepartment(p.department as string),
            }),
          )
        } else if (kind === 'street') {
          const code = codes.get(p.code as string)!
          const properties: Record<string, unknown> = {
            kind, code, name: streetNames.get(p.name as string), parent: subCode, street_class: p.street_class, width_m: p.width_m,
            chief: chief(p.chief), department: renameDepartment(p.department as string),
          }
          if (p.categories) {
            properties.categories = Object.fromEntries(
              Object.entries(p.categories as Record<string, string>).map(([category, department]) => [category, renameDepartment(department)]),
            )
          }
          if (Array.isArray(p.history)) {
            properties.history = (p.history as Record<string, unknown>[]).map((entry) => {
              const { since: _, ...before } = chief(entry)
              return { duty: entry.duty, ...before, from: entry.from, to: entry.to }
            })
          }
          if (unsegmented?.code === p.code) known.unsegmentedStreets.push({ street: code, probe: transform(unsegmented!.probe) })
          byKind.street!.push(copy(feature, properties))
        } else if (kind === 'segment') {
          if (unsegmented?.code === p.parent) continue
          const templateStreet = templateStreets.find((street) => street.properties.code === p.parent)!.properties.name as string
          const newStreet = streetNames.get(templateStreet)!
          const name = (p.name as string).startsWith(templateStreet) ? newStreet + (p.name as string).slice(templateStreet.length) : newStreet
          byKind.segment!.push(
            copy(feature, {
              kind, code: `${codes.get(p.parent as string)}${(p.code as string).slice((p.parent as string).length)}`, name,
              parent: codes.get(p.parent as string), street_class: p.street_class, width_m: p.width_m, chief: chief(p.chief),
              department: renameDepartment(p.department as string),
            }),
          )
        } else if (kind === 'frontage') {
          const segment = p.parent as string
          const street = segment.slice(0, segment.lastIndexOf('-'))
          const merchant = { name: shopName(frontageIndex).name, phone: landline(0, ++frontageIndex), since: SINCE }
          const onStreet = unsegmented?.code === street
          byKind.frontage!.push(
            copy(feature, {
              kind, code: `${subCode}MQ${pad(++frontageInSub, 4)}`, name: merchant.name,
              parent: onStreet ? codes.get(street) : `${codes.get(street)}${segment.slice(street.length)}`,
              parent_kind: onStreet ? 'street' : 'segment', merchant,
            }),
          )
        }
      }
    }
    districtPolygons.push(...subPolygons)
    byKind.subdistrict!.push({
      type: 'Feature',
      properties: {
        kind: 'subdistrict', code: subCode, name: subName, parent: DISTRICT.code,
        chief: { ...people.person(`${subName}办事处主任`, '街道主任'), since: SINCE },
        fallback: { name: `${subName}城市物业（兜底单位）`, phone: fallbackPhone(), since: SINCE },
        categories: subCategories,
      },
      geometry: { type: 'MultiPolygon', coordinates: subPolygons },
    })
  }
  byKind.district!.push({
    type: 'Feature',
    properties: {
      kind: 'district', code: DISTRICT.code, name: DISTRICT.name,
      chief: { ...people.person(`${DISTRICT.short}区长`, '区长'), since: SINCE },
      fallback: { name: `${DISTRICT.short}城市物业兜底服务中心`, phone: fallbackPhone(), since: SINCE },
    },
    geometry: { type: 'MultiPolygon', coordinates: districtPolygons },
  })
  const features = Object.values(byKind).flat()
  const counts = Object.fromEntries(Object.entries(byKind).map(([kind, list]) => [kind, list.length]))
  const head = {
    type: 'FeatureCollection',
    name: `${DISTRICT.name}: a synthetic city (scale ${options.scale}, seed ${options.seed}; fictional people, places and shops; street patterns © OpenStreetMap contributors, ODbL 1.0)`,
    attribution: '© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)',
    departments,
    categories: template.head.categories,
  }
  return { head, features, known, counts, tiles, subdistricts }
}
