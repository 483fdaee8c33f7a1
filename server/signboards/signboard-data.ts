import { maskPrivatePhonesIn } from '../auth/scope.js'
import type { DbOrTx, ZoneRow } from '../db/database.js'
import { isJurisdictionKind, kindFacts, signboardKinds, zoneKindTable, type SignboardKind, type ZoneKind } from '../kernel/zone-kinds.js'
import type { Geometry } from '../db/geo-sql.js'
import { DomainError, notFound } from '../errors.js'
import { holdersAt, type Holders } from '../db/holders.js'
import {
  findZonesByCode,
  getDutyText,
  listAncestors,
  listCategoryRoutes,
  listChildren,
  listCrossing,
  listEnclosingJurisdictions,
  listMapFeatures,
  zoneAnchor,
  zoneExtent,
  zoneOutline,
} from './signboards.repository.js'
import { publicStaffOf, staffOnSignboard, type PublicStaff } from '../rosters/public-staff.js'

/** Everything printed on one signboard, gathered from the database; the layout only draws it. */
// The kinds a board is made for are rows of the kind table; re-exported for the schemas and routes.
export { signboardKinds, type SignboardKind }

/** The national government service hotline: printed as the supervision line on every signboard. */
export const SUPERVISION_HOTLINE = '12345'

export interface Person {
  role: string
  name: string
  title: string | null
  phone: string | null
  /** What this person holds: a segment's stretch, a grid, a street. */
  holds: string | null
  /** The map colour of the segment this person holds. */
  color?: string
}

export interface PeopleGroup {
  heading: string
  people: Person[]
}

export interface MapLine {
  code: string
  name: string
  geometry: Geometry
  widthM: number
  fromOsm: boolean
}

export interface MapData {
  srid: number
  extent: { minX: number; minY: number; maxX: number; maxY: number }
  focus: {
    kind: SignboardKind
    name: string
    /** The street whose name labels the highlight: the zone itself, or a segment's street. */
    streetName: string | null
    widthM: number
    outline: Geometry
    line: Geometry | null
  }
  streets: MapLine[]
  segments: (MapLine & { color: string; chief: string | null; isFocus: boolean })[]
  grids: { code: string; name: string; geometry: Geometry; label: [number, number]; isFocus: boolean }[]
  jurisdictions: { kind: ZoneKind; name: string; geometry: Geometry }[]
  attribution: string
}

export interface SignboardData {
  zone: { id: number; kind: SignboardKind; code: string; name: string }
  title: string
  jurisdiction: string
  groups: PeopleGroup[]
  departments: { name: string; phone: string | null; categories: string[] }[]
  fallback: { name: string; phone: string | null } | null
  /** The zone's staff shown publicly today (docs/rosters.md): always on the /r/ page. */
  staff: PublicStaff[]
  /** Whether the printed board lists `staff` too (the city's switch, sql/016). */
  staffOnBoard: boolean
  hotline: string
  duties: string
  qrUrl: string
  generatedAt: Date
  map: MapData
}

/** Distinct, print-safe colours for segments; the focus colour marks a zone without segments. */
export const SEGMENT_COLORS = ['#1f77b4', '#e8710a', '#2ca02c', '#9467bd', '#d62728', '#17becf', '#8c564b', '#e377c2', '#7f7f00', '#393b79']
export const FOCUS_COLOR = '#c8102e'

/**
 * Finds the zone a signboard is for. A code is unique within a kind; where kinds share a code the
 * more specific one wins unless `kind` says which.
 */
export async function findSignboardZone(db: DbOrTx, code: string, kind?: string): Promise<ZoneRow & { kind: SignboardKind }> {
  const candidates = (await findZonesByCode(db, code)).filter((zone) => !kind || zone.kind === kind)
  const zone = signboardKinds.map((k) => candidates.find((candidate) => candidate.kind === k)).find(Boolean)
  if (!zone) {
    if (candidates.length > 0) {
      throw new DomainError('unsupported_kind', `Signboards are made for ${signboardKinds.join(', ')}; ${code} is a ${candidates[0]!.kind}`)
    }
    throw notFound(`Zone ${kind ? `${kind} ` : ''}${code}`)
  }
  return zone as ZoneRow & { kind: SignboardKind }
}

/** The URL a signboard's QR code carries. The kind is added only where kinds share the code. */
export async function mobileUrl(db: DbOrTx, publicUrl: string, zone: ZoneRow): Promise<string> {
  const shared = (await findZonesByCode(db, zone.code)).filter((other) => (signboardKinds as readonly string[]).includes(other.kind))
  const base = `${publicUrl}/r/${encodeURIComponent(zone.code)}`
  return shared.length > 1 ? `${base}?kind=${zone.kind}` : base
}

/** The zone's jurisdictions, nearest first: its parent chain, or where it lies when it has none. */
async function jurisdictionsOf(db: DbOrTx, zone: ZoneRow): Promise<ZoneRow[]> {
  const ancestors = await listAncestors(db, zone.id)
  const jurisdictions = ancestors.filter((a) => isJurisdictionKind(a.kind))
  if (jurisdictions.length > 0) return ancestors
  return [...ancestors, ...(await listEnclosingJurisdictions(db, zone.id))]
}

function peopleOf(holders: Map<number, Holders>, zone: ZoneRow, holds: string | null, color?: string): Person[] {
  const chief = holders.get(zone.id)?.chief
  if (!chief) return []
  return [{ role: chief.role || kindFacts(zone.kind).chiefRole, name: chief.name, title: chief.title, phone: chief.phone, holds, ...(color ? { color } : {}) }]
}

const formatLength = (metres: number | null) => (metres === null ? '' : metres >= 1000 ? `约 ${(metres / 1000).toFixed(1)} 千米` : `约 ${Math.round(metres / 10) * 10} 米`)

/** UTM zone of a point: a true metric CRS, so that the scale bar is right everywhere. */
export function utmSrid(lon: number, lat: number): number {
  const zone = Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1))
  return (lat >= 0 ? 32600 : 32700) + zone
}

export async function gatherSignboard(
  db: DbOrTx,
  zone: ZoneRow & { kind: SignboardKind },
  options: { publicUrl: string; mapAspect: number; now?: Date },
): Promise<SignboardData> {
  const ancestors = await jurisdictionsOf(db, zone)
  const parentStreet = zone.kind === 'segment' ? ancestors.find((a) => a.kind === 'street') : undefined
  const segments = zone.kind === 'street' ? await listChildren(db, zone.id, 'segment') : []
  const siblings = parentStreet ? await listChildren(db, parentStreet.id, 'segment') : []
  // A community lists its own grids; any other zone but a grid, the grids it crosses. Areas list
  // the streets through them.
  const grids =
    zone.kind === 'community' ? await listChildren(db, zone.id, 'grid') : zone.kind === 'grid' ? [] : await listCrossing(db, zone.id, 'grid')
  const streets = zoneKindTable[zone.kind].geometry === 'area' ? await listCrossing(db, zone.id, 'street') : []
  const related = [zone, ...ancestors, ...segments, ...grids, ...streets, ...siblings]
  const holders = await holdersAt(db, [...new Set(related.map((z) => z.id))])

  const segmentColor = new Map<number, string>()
  ;(segments.length ? segments : siblings).forEach((segment, i) => segmentColor.set(segment.id, SEGMENT_COLORS[i % SEGMENT_COLORS.length]!))

  const groups: PeopleGroup[] = []
  const push = (heading: string, people: Person[]) => {
    if (people.length) groups.push({ heading, people })
  }
  const { chiefRole } = kindFacts(zone.kind)
  switch (zone.kind) {
    case 'street':
      push('街长', peopleOf(holders, zone, null))
      push('段长', segments.flatMap((s) => peopleOf(holders, s, [s.name, formatLength(s.length_m)].filter(Boolean).join('，'), segmentColor.get(s.id))))
      push('网格长', grids.flatMap((g) => peopleOf(holders, g, g.name)))
      break
    case 'segment':
      push('段长', peopleOf(holders, zone, zone.name, FOCUS_COLOR))
      if (parentStreet) push('街长', peopleOf(holders, parentStreet, parentStreet.name))
      push('网格长', grids.flatMap((g) => peopleOf(holders, g, g.name)))
      break
    case 'grid':
      push('网格长', peopleOf(holders, zone, null))
      push('街长', streets.flatMap((s) => peopleOf(holders, s, s.name)))
      break
    case 'community':
      push('社区书记', peopleOf(holders, zone, null))
      push('网格长', grids.flatMap((g) => peopleOf(holders, g, g.name)))
      push('街长', streets.flatMap((s) => peopleOf(holders, s, s.name)))
      break
    default:
      // A kind added to the table later (a scenic area, say): its own chief, then the grid chiefs
      // and street chiefs of what it crosses.
      push(chiefRole, peopleOf(holders, zone, null))
      push('网格长', grids.flatMap((g) => peopleOf(holders, g, g.name)))
      push('街长', streets.flatMap((s) => peopleOf(holders, s, s.name)))
  }

  // A category is handled by the department mapped at the nearest zone up the chain.
  const chain = [zone, ...ancestors]
  const routes = await listCategoryRoutes(db, chain.map((z) => z.id))
  const byCategory = new Map<string, { department: string; phone: string | null }>()
  for (const link of chain) {
    for (const route of routes.filter((r) => r.zone_id === link.id)) {
      if (!byCategory.has(route.category)) byCategory.set(route.category, route)
    }
  }
  const departments = new Map<string, { name: string; phone: string | null; categories: string[] }>()
  // In zone id order, as the departments have always been listed.
  for (const id of [zone.id, ...(parentStreet ? [parentStreet.id] : [])].sort((a, b) => a - b)) {
    const holder = holders.get(id)?.department
    if (holder) departments.set(holder.name, { name: holder.name, phone: holder.phone, categories: [] })
  }
  for (const [category, route] of byCategory) {
    const entry = departments.get(route.department) ?? { name: route.department, phone: route.phone, categories: [] }
    entry.categories.push(category)
    departments.set(route.department, entry)
  }
  const fallbackHolder = chain.map((link) => holders.get(link.id)?.fallback).find(Boolean)

  const jurisdictionNames = ancestors
    .filter((a) => isJurisdictionKind(a.kind))
    .reverse()
    .map((a) => a.name)
  const map = await gatherMap(db, zone, {
    mapAspect: options.mapAspect,
    segmentColor,
    chiefOf: (id) => holders.get(id)?.chief?.name ?? null,
    focusGridIds: new Set(zone.kind === 'grid' ? [zone.id] : []),
    ...(parentStreet ? { streetName: parentStreet.name } : {}),
  })

  // A signboard is public: a phone its owner marked private is printed masked (docs/permissions.md).
  const contacts = (
    await maskPrivatePhonesIn(db, null, {
      groups,
      departments: [...departments.values()],
      fallback: fallbackHolder ? { name: fallbackHolder.name, phone: fallbackHolder.phone } : null,
      staff: await publicStaffOf(db, zone.id, options.now),
    })
  ).body
  return {
    zone: { id: zone.id, kind: zone.kind, code: zone.code, name: zone.name },
    title: `${zone.name} ${zoneKindTable[zone.kind].signboard!.title}`,
    jurisdiction: [...jurisdictionNames, ...(parentStreet ? [parentStreet.name] : [])].join(' · '),
    groups: contacts.groups,
    departments: contacts.departments,
    fallback: contacts.fallback,
    staff: contacts.staff,
    staffOnBoard: contacts.staff.length > 0 && (await staffOnSignboard(db, zone)),
    hotline: SUPERVISION_HOTLINE,
    duties: (await getDutyText(db, zone.kind)) ?? '',
    qrUrl: await mobileUrl(db, options.publicUrl, zone),
    generatedAt: options.now ?? new Date(),
    map,
  }
}

async function gatherMap(
  db: DbOrTx,
  zone: ZoneRow & { kind: SignboardKind },
  options: {
    mapAspect: number
    segmentColor: Map<number, string>
    chiefOf: (id: number) => string | null
    focusGridIds: Set<number>
    streetName?: string
  },
): Promise<MapData> {
  const anchor = await zoneAnchor(db, zone.id)
  const srid = utmSrid(anchor.lon, anchor.lat)
  const extent = fitExtent(await zoneExtent(db, zone.id, srid), options.mapAspect)
  const features = await listMapFeatures(db, extent, srid)
  const outline = await zoneOutline(db, zone.id, srid)
  const lineOf = (row: (typeof features)[number]): MapLine | null =>
    row.geometry && row.geometry.type.endsWith('LineString')
      ? { code: row.code, name: row.name, geometry: row.geometry, widthM: row.width_m ?? 10, fromOsm: row.street_class !== null }
      : null
  const focusRow = features.find((f) => f.id === zone.id)
  const streets = features.filter((f) => f.kind === 'street').map(lineOf).filter((l): l is MapLine => l !== null)
  const segments = features
    .filter((f) => f.kind === 'segment' && (options.segmentColor.has(f.id) || f.id === zone.id))
    .flatMap((f) => {
      const line = lineOf(f)
      if (!line) return []
      const isFocus = f.id === zone.id
      return [{ ...line, color: isFocus ? FOCUS_COLOR : options.segmentColor.get(f.id)!, chief: options.chiefOf(f.id), isFocus }]
    })
  const osm = streets.some((s) => s.fromOsm)
  return {
    srid,
    extent,
    focus: { kind: zone.kind, name: zone.name, streetName: zone.kind === 'street' ? zone.name : (options.streetName ?? null), widthM: zone.width_m ?? 20, outline, line: focusRow && (zone.kind === 'street' || zone.kind === 'segment') ? focusRow.geometry : null },
    streets,
    segments,
    grids: features
      .filter((f) => f.kind === 'grid' && f.geometry)
      .map((f) => ({ code: f.code, name: f.name, geometry: f.geometry!, label: [f.label_x, f.label_y], isFocus: options.focusGridIds.has(f.id) })),
    jurisdictions: features.filter((f) => (f.kind === 'community' || f.kind === 'subdistrict') && f.geometry).map((f) => ({ kind: f.kind, name: f.name, geometry: f.geometry! })),
    attribution: osm ? '地图数据 © OpenStreetMap contributors（ODbL）· 责任区数据：街长制管理系统' : '地图数据：街长制管理系统',
  }
}

/** The zone's extent with a margin, widened to the map's aspect ratio; at least 300 m across. */
export function fitExtent(
  extent: { minX: number; minY: number; maxX: number; maxY: number },
  aspect: number,
): { minX: number; minY: number; maxX: number; maxY: number } {
  const cx = (extent.minX + extent.maxX) / 2
  const cy = (extent.minY + extent.maxY) / 2
  let width = Math.max(extent.maxX - extent.minX, 1)
  let height = Math.max(extent.maxY - extent.minY, 1)
  const margin = Math.max(Math.max(width, height) * 0.12, 40)
  width = Math.max(width + 2 * margin, 300)
  height = Math.max(height + 2 * margin, 300 / aspect)
  if (width / height > aspect) height = width / aspect
  else width = height * aspect
  return { minX: cx - width / 2, minY: cy - height / 2, maxX: cx + width / 2, maxY: cy + height / 2 }
}
