import type { RawBuilder } from 'kysely'
import { type Db, type DbOrTx } from '../db/database.js'
import { duties, zoneKinds, type Duty, type ZoneKind } from '../kernel/zone-kinds.js'
import { badRequest, notFound } from '../errors.js'
import type { Geometry } from '../db/geo-sql.js'
import { parentRules } from '../zones/zone-rules.js'
import {
  findExportAssignments,
  findExportRoutes,
  findExportZones,
  findRootZones,
  listCategoryNames,
  listDepartments,
} from './export.repository.js'
import { findZonesByCode } from './transfer.repository.js'

/** A party as the import format writes it; fields without a value are left out. */
export interface ExportParty {
  name: string
  phone?: string
  title?: string
  role?: string
  since: string
}

export interface ExportHistory {
  duty: Duty
  name: string
  phone?: string
  title?: string
  role?: string
  from: string
  to: string
}

export interface ExportProperties {
  kind: ZoneKind
  code: string
  name: string
  parent?: string
  /** Only where the parent's code is used by more than one kind it may be. */
  parent_kind?: ZoneKind
  street_class?: string
  width_m?: number
  chief?: ExportParty
  department?: ExportParty
  merchant?: ExportParty
  fallback?: ExportParty
  categories?: Record<string, string>
  history?: ExportHistory[]
}

export interface ExportDocument {
  type: 'FeatureCollection'
  departments: { name: string; phone?: string }[]
  categories: string[]
  features: { type: 'Feature'; properties: ExportProperties; geometry: Geometry }[]
}

export interface ExportOptions {
  /** Code of the zone whose subtree (by parent links) to export; all zones without it. */
  root?: string | undefined
  /** The root's kind, where its code is used by more than one kind. */
  rootKind?: ZoneKind | undefined
  /** Only the zones in this subquery (a scoped caller's jurisdiction, server/auth/scope.ts); null or absent: all. */
  within?: RawBuilder<unknown> | null
  /** Called with the export's transaction and the root's id before anything is read (the caller's scope check of the root). */
  checkRoot?: (db: DbOrTx, rootId: number) => Promise<void>
}

// Byte order, not the database's collation, so both backends give the same document.
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Everything (or one zone's subtree) in the import format, in a stable order (kind from the top
 * of the tree down, then code), so that export → import into an empty database → export gives
 * the same document.
 */
export async function exportFeatureCollection(db: Db, options: ExportOptions = {}): Promise<ExportDocument> {
  // One snapshot: an edit landing between the queries must not give a document that mixes states.
  return db.transaction().setIsolationLevel('repeatable read').execute((trx) => exportIn(trx, options))
}

async function exportIn(db: DbOrTx, options: ExportOptions): Promise<ExportDocument> {
  const rootId = options.root === undefined ? null : await findRoot(db, options.root, options.rootKind)
  if (rootId !== null) await options.checkRoot?.(db, rootId)
  const within = options.within ?? null
  const zones = await findExportZones(db, rootId, within)
  const partial = rootId !== null || within !== null
  const zoneIds = partial ? zones.map((zone) => zone.id) : null
  const assignments = await findExportAssignments(db, zoneIds)
  const routes = await findExportRoutes(db, zoneIds)
  const ambiguousParents = await findAmbiguousParents(db, zones)
  const assignmentsByZone = groupBy(assignments, (row) => row.zone_id)
  const routesByZone = groupBy(routes, (row) => row.zone_id)

  const features = zones
    .map((zone) => {
      const properties: ExportProperties = { kind: zone.kind, code: zone.code, name: zone.name }
      if (zone.parent_code !== null && zone.parent_kind !== null) {
        properties.parent = zone.parent_code
        if (ambiguousParents.has(zone.parent_code)) properties.parent_kind = zone.parent_kind
      }
      if (zone.street_class !== null) properties.street_class = zone.street_class
      if (zone.width_m !== null) properties.width_m = zone.width_m
      const own = assignmentsByZone.get(zone.id) ?? []
      for (const duty of duties) {
        // Open assignments: the latest start is the current holder.
        const current = own.filter((row) => row.duty === duty && row.valid_to === null).at(-1)
        if (current) properties[duty] = { ...partyFields(current), since: current.valid_from.toISOString() }
      }
      const zoneRoutes = (routesByZone.get(zone.id) ?? []).sort((a, b) => byText(a.category, b.category))
      if (zoneRoutes.length) properties.categories = Object.fromEntries(zoneRoutes.map((route) => [route.category, route.department]))
      const history = own
        .filter((row) => row.valid_to !== null)
        .map((row): ExportHistory => ({ duty: row.duty, ...partyFields(row), from: row.valid_from.toISOString(), to: row.valid_to!.toISOString() }))
        .sort((a, b) => duties.indexOf(a.duty) - duties.indexOf(b.duty) || byText(a.from, b.from) || byText(a.to, b.to) || byText(a.name, b.name))
      if (history.length) properties.history = history
      return { type: 'Feature' as const, properties, geometry: zone.geometry }
    })
    .sort((a, b) => zoneKinds.indexOf(a.properties.kind) - zoneKinds.indexOf(b.properties.kind) || byText(a.properties.code, b.properties.code))

  let departments = await listDepartments(db)
  let categories = await listCategoryNames(db)
  if (partial) {
    // A subtree (or a scope) carries only the departments and categories its zones use.
    const usedDepartments = new Set([
      ...assignments.filter((row) => row.duty === 'department').map((row) => row.name),
      ...routes.map((route) => route.department),
    ])
    departments = departments.filter((department) => usedDepartments.has(department.name))
    const usedCategories = new Set(routes.map((route) => route.category))
    categories = categories.filter((name) => usedCategories.has(name))
  }
  return {
    type: 'FeatureCollection',
    departments: departments
      .map((department) => (department.phone === null ? { name: department.name } : { name: department.name, phone: department.phone }))
      .sort((a, b) => byText(a.name, b.name)),
    categories: categories.sort(byText),
    features,
  }
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const group = groups.get(key(item))
    if (group) group.push(item)
    else groups.set(key(item), [item])
  }
  return groups
}

function partyFields(row: { duty: Duty; name: string; phone: string | null; title: string | null; role: string | null }) {
  const party: { name: string; phone?: string; title?: string; role?: string } = { name: row.name }
  if (row.phone !== null) party.phone = row.phone
  if (row.duty === 'chief' && row.title !== null) party.title = row.title
  if (row.duty === 'chief' && row.role !== null) party.role = row.role
  return party
}

async function findRoot(db: DbOrTx, code: string, kind: ZoneKind | undefined): Promise<number> {
  const roots = await findRootZones(db, code, kind)
  if (roots.length === 0) throw notFound(`Zone ${kind ? `${kind} ` : ''}"${code}"`)
  if (roots.length > 1) {
    throw badRequest('ambiguous_root', `"${code}" is the code of a ${roots.map((root) => root.kind).join(' and a ')}: say which with root_kind`)
  }
  return roots[0]!.id
}

/** Parent codes that the import could read as more than one of the kinds the child allows. */
async function findAmbiguousParents(
  db: DbOrTx,
  zones: { kind: ZoneKind; parent_code: string | null }[],
): Promise<Set<string>> {
  const codes = zones.filter((zone) => zone.parent_code !== null && parentRules[zone.kind].kinds.length > 1).map((zone) => zone.parent_code!)
  const ambiguous = new Set<string>()
  if (!codes.length) return ambiguous
  const kindsByCode = new Map<string, Set<ZoneKind>>()
  for (const zone of await findZonesByCode(db, codes)) {
    kindsByCode.set(zone.code, (kindsByCode.get(zone.code) ?? new Set()).add(zone.kind))
  }
  for (const zone of zones) {
    if (zone.parent_code === null) continue
    const kinds = kindsByCode.get(zone.parent_code)
    if (kinds && parentRules[zone.kind].kinds.filter((kind) => kinds.has(kind)).length > 1) ambiguous.add(zone.parent_code)
  }
  return ambiguous
}
