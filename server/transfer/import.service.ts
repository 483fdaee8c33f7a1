import { sql, type KyselyPlugin } from 'kysely'
import { type Db, type DbOrTx, type PartyType } from '../db/database.js'
import { duties, isLineKind, zoneKinds, type ZoneKind } from '../kernel/zone-kinds.js'
import { DomainError, type ErrorDetail } from '../errors.js'
import { workLockOf } from '../db/work-lock.js'
import { STANDBY_MIN_FEATURES, withStandby } from '../resolve/import-standby.js'
import { analyzeTables } from '../db/analyze.js'
import { defaultWidthM } from '../zones/street-width.js'
import { cjtCodeProblem, parentRules } from '../zones/zone-rules.js'
import { GRID_MAX_OUTSIDE_SHARE, gridsOutsideParent, SEGMENT_TOLERANCE_M, segmentsOffStreet, zonesAwayFromParent } from '../zones/zone-checks.js'
import {
  parseFeatureCollectionPaced,
  zoneKey,
  type ImportFeature,
  type ImportProblem,
  type ParsedImport,
  type PartyInput,
} from './import-format.js'
import {
  findCategories,
  findInvalidGeometries,
  findParties,
  findZonesByCode,
  insertAssignments,
  insertCategories,
  insertCategoryRoutes,
  insertParties,
  insertZones,
  type NewAssignment,
  type PartyRow,
  type StoredZone,
} from './transfer.repository.js'

export interface ImportCounts {
  zones: number
  parties: number
  assignments: number
  categories: number
  routes: number
}

export interface ImportResult {
  created: ImportCounts
}

export interface ImportOptions {
  /** Validate and count everything, inside a transaction that is then rolled back. */
  dryRun?: boolean
  /**
   * The caller's scope (server/auth/scope.ts): called, before anything is written, with every
   * feature whose parent is a stored zone (its id) or that has none (null: a new root). Features
   * under another feature of the file lie wherever that one lies. Throws to refuse the import.
   */
  checkScope?: (placed: { index: number; code: string; parentZoneId: number | null }[]) => Promise<void>
}

/** How long validation on the embedded database steps aside for a request being answered, at most. */
const FOREGROUND_WAIT_MS = 50

/**
 * PGlite runs each statement on this thread and hands back its result without a turn of the event
 * loop, so a transaction of many statements held the whole server, not only the database: no
 * request was even read until it ended. After each of the import's statements this lets the event
 * loop run, so that requests are read and those that need no database (a resolution answered from
 * the import's standby, resolve/import-standby.ts) are answered meanwhile.
 */
const yieldAfterEachStatement: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    await new Promise((resolve) => setImmediate(resolve))
    return args.result
  },
}

class DryRunRollback extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run')
  }
}

/**
 * Imports a FeatureCollection in the import format, all or nothing: every problem is collected
 * and reported together, and nothing is written unless the whole file is good.
 */
export async function importFeatureCollection(db: Db, input: unknown, options: ImportOptions = {}): Promise<ImportResult> {
  const parsed = await parseFeatureCollectionPaced(input)
  if (parsed.unreadable) throw invalidImport(parsed.problems)
  const problems = [...parsed.problems]
  const stored = await lookUpStoredZones(db, parsed)
  problems.push(...alreadyStored(parsed, stored))
  const parents = resolveParents(parsed, stored, problems)
  if (options.checkScope) {
    const placed = parsed.features.flatMap((feature): { index: number; code: string; parentZoneId: number | null }[] => {
      if (!feature.parent) return [{ index: feature.index, code: feature.code, parentZoneId: null }]
      const parent = parents.get(feature.index)
      const storedParent = parent && stored.get(zoneKey(parent.kind, parent.code))
      return storedParent ? [{ index: feature.index, code: feature.code, parentZoneId: storedParent.id }] : []
    })
    await options.checkScope(placed)
  }
  // Outside the transaction, and on the embedded database stepping aside between statements for
  // requests being answered: validation is most of a dry run's reading.
  const lock = workLockOf(db)
  const between = lock ? () => lock.yieldToForeground(FOREGROUND_WAIT_MS) : undefined
  const invalid = await findInvalidGeometries(db, parsed.features.map(({ index, geometry }) => ({ index, geometry })), between)
  for (const { index, field, reason } of invalid) problems.push({ class: 'rule', index, field, reason })
  if (problems.length) throw invalidImport(problems)

  let result: ImportResult
  try {
    result = await db.transaction().execute(async (trx) => {
      const write = async () => {
        const written = await writeImport(lock ? trx.withPlugin(yieldAfterEachStatement) : trx, parsed, parents, stored)
        if (options.dryRun) throw new DryRunRollback(written)
        return written
      }
      // On the embedded database the transaction holds the only connection: resolutions are
      // answered meanwhile from the state it starts from (import-standby.ts).
      if (!lock || parsed.features.length < STANDBY_MIN_FEATURES) return write()
      return withStandby(db, trx, write)
    })
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result
    // A concurrent import wrote the same codes after the check above (PostgreSQL runs the two side
    // by side; the embedded backend, one after the other): the same answer as if it had come first.
    if ((error as { code?: string }).code === '23505') {
      const duplicates = alreadyStored(parsed, await lookUpStoredZones(db, parsed))
      if (duplicates.length) throw invalidImport(duplicates)
    }
    throw error
  }
  await refreshStatistics(db)
  return result
}

/**
 * After a committed import the planner's statistics describe the tables before it (or nothing,
 * on the embedded database, which never autovacuums): "who holds this zone" then scans every
 * assignment. The import is committed either way, so a failure here is not the import's: stale
 * statistics only slow queries down until the next import or start analyzes again.
 */
async function refreshStatistics(db: Db): Promise<void> {
  try {
    await analyzeTables(db)
  } catch {
    // See above: never turn a committed import into an error answer.
  }
}

function alreadyStored(parsed: ParsedImport, stored: Map<string, StoredZone>): ImportProblem[] {
  return [...parsed.declared].flatMap(([key, index]) => {
    const zone = stored.get(key)
    return zone ? [{ class: 'rule' as const, index, field: 'properties.code', reason: `${zone.kind} "${zone.code}" already exists in the database` }] : []
  })
}

async function lookUpStoredZones(db: Db, parsed: ParsedImport): Promise<Map<string, StoredZone>> {
  const codes = [...parsed.declared.keys()].map((key) => key.slice(key.indexOf('|') + 1))
  for (const feature of parsed.features) if (feature.parent) codes.push(feature.parent)
  const stored = new Map<string, StoredZone>()
  for (const zone of await findZonesByCode(db, codes)) stored.set(zoneKey(zone.kind, zone.code), zone)
  return stored
}

interface ParentRef {
  kind: ZoneKind
  code: string
}

/** Finds each feature's parent among the allowed kinds, in this file or already stored. */
function resolveParents(parsed: ParsedImport, stored: Map<string, StoredZone>, problems: ImportProblem[]): Map<number, ParentRef> {
  const parents = new Map<number, ParentRef>()
  const exists = (kind: ZoneKind, code: string) => parsed.declared.has(zoneKey(kind, code)) || stored.has(zoneKey(kind, code))
  for (const feature of parsed.features) {
    if (!feature.parent) continue
    const allowed = feature.parentKind ? [feature.parentKind] : parentRules[feature.kind].kinds
    const found = allowed.filter((kind) => exists(kind, feature.parent!))
    const field = 'properties.parent'
    if (found.length === 1) {
      parents.set(feature.index, { kind: found[0]!, code: feature.parent })
      const badCode = cjtCodeProblem(feature.kind, feature.code, found[0]!, feature.parent)
      if (badCode) problems.push({ class: 'rule', index: feature.index, field: 'properties.code', reason: badCode })
    } else if (found.length > 1) {
      problems.push({ class: 'rule', index: feature.index, field, reason: `"${feature.parent}" is both a ${found.join(' and a ')}: say which with parent_kind` })
    } else {
      const other = zoneKinds.filter((kind) => exists(kind, feature.parent!))
      const hint = other.length ? `; "${feature.parent}" is a ${other.join(', ')}` : ''
      problems.push({
        class: 'rule',
        index: feature.index,
        field,
        reason: `no ${allowed.join(' or ')} with code "${feature.parent}" in this file or in the database${hint}`,
      })
    }
  }
  return parents
}

async function writeImport(
  trx: DbOrTx,
  parsed: ParsedImport,
  parents: Map<number, ParentRef>,
  stored: Map<string, StoredZone>,
): Promise<ImportResult> {
  const created: ImportCounts = { zones: 0, parties: 0, assignments: 0, categories: 0, routes: 0 }
  const zoneIds = new Map<string, number>()
  const widths = new Map<string, number | null>()
  for (const zone of stored.values()) {
    zoneIds.set(zoneKey(zone.kind, zone.code), zone.id)
    widths.set(zoneKey(zone.kind, zone.code), zone.width_m)
  }
  const indexByZoneId = new Map<number, number>()

  // Parents come before children: the kinds are listed from the top of the tree down.
  for (const kind of zoneKinds) {
    const features = parsed.features.filter((feature) => feature.kind === kind)
    if (!features.length) continue
    const rows = features.map((feature) => {
      const parent = parents.get(feature.index)
      const parentKey = parent ? zoneKey(parent.kind, parent.code) : null
      const widthM = widthOf(feature, parentKey ? widths.get(parentKey) ?? null : null)
      widths.set(zoneKey(kind, feature.code), widthM)
      return {
        kind,
        code: feature.code,
        name: feature.name,
        parentId: parentKey ? zoneIds.get(parentKey)! : null,
        streetClass: feature.streetClass,
        widthM,
        geometry: feature.geometry,
      }
    })
    const ids = await insertZones(trx, rows)
    for (const feature of features) {
      const id = ids.get(feature.code)!
      zoneIds.set(zoneKey(kind, feature.code), id)
      indexByZoneId.set(id, feature.index)
    }
    created.zones += features.length
  }

  const parties = new PartyBook()
  // Departments listed at the top level exist even where no zone names them yet.
  for (const [name, phone] of parsed.departmentPhones) parties.want('department', { name, phone, title: null, role: null }, parsed)
  for (const feature of parsed.features) {
    for (const duty of duties) {
      const party = feature[duty]
      if (party) parties.want(duty, party, parsed)
    }
    for (const entry of feature.history) parties.want(entry.duty, entry, parsed)
    for (const [, department] of feature.categories) parties.want('department', { name: department, phone: null, title: null, role: null }, parsed)
  }
  created.parties = await parties.save(trx)

  const now = (await sql<{ now: Date }>`SELECT now() AS now`.execute(trx)).rows[0]!.now.toISOString()
  const assignments: NewAssignment[] = []
  for (const feature of parsed.features) {
    const zoneId = zoneIds.get(zoneKey(feature.kind, feature.code))!
    for (const duty of duties) {
      const party = feature[duty]
      if (!party) continue
      assignments.push({ zone_id: zoneId, party_id: parties.id(duty, party), duty, valid_from: party.since ?? now, valid_to: null })
    }
    for (const entry of feature.history) {
      assignments.push({ zone_id: zoneId, party_id: parties.id(entry.duty, entry), duty: entry.duty, valid_from: entry.from, valid_to: entry.to })
    }
  }
  await insertAssignments(trx, assignments)
  created.assignments = assignments.length

  const categoryNames = new Set(parsed.categories)
  for (const feature of parsed.features) for (const [category] of feature.categories) categoryNames.add(category)
  const categoryIds = await findCategories(trx, [...categoryNames])
  const newCategories = [...categoryNames].filter((name) => !categoryIds.has(name))
  for (const [name, id] of await insertCategories(trx, newCategories)) categoryIds.set(name, id)
  created.categories = newCategories.length
  const routes = parsed.features.flatMap((feature) =>
    feature.categories.map(([category, department]) => ({
      zone_id: zoneIds.get(zoneKey(feature.kind, feature.code))!,
      category_id: categoryIds.get(category)!,
      department_id: parties.id('department', { name: department, phone: null, title: null, role: null }),
    })),
  )
  await insertCategoryRoutes(trx, routes)
  created.routes = routes.length

  await checkPlacement(trx, indexByZoneId)
  return { created }
}

/** A line's width: given, else by its street class, else (a segment) its street's width. */
function widthOf(feature: ImportFeature, parentWidth: number | null): number | null {
  if (!isLineKind(feature.kind)) return null
  if (feature.widthM !== null) return feature.widthM
  // Only a line has a width, so a parent with one is a line too: a segment's street.
  if (!feature.streetClass && parentWidth !== null) return parentWidth
  return defaultWidthM(feature.streetClass)
}

/**
 * The checks the editing API makes too (server/zones/zone-checks.ts), which need the rows in
 * place; a failure throws, which rolls everything back.
 */
async function checkPlacement(trx: DbOrTx, indexByZoneId: Map<number, number>): Promise<void> {
  const ids = [...indexByZoneId.keys()]
  const problems: ImportProblem[] = []
  for (const segment of await segmentsOffStreet(trx, ids)) {
    problems.push({
      class: 'rule',
      index: indexByZoneId.get(segment.id)!,
      field: 'geometry',
      reason: `the segment is not on its street ${segment.street_code}: ${Math.round(segment.outside_m)} m of it lies outside the street's area (${SEGMENT_TOLERANCE_M} m allowed)`,
    })
  }
  for (const grid of await gridsOutsideParent(trx, ids)) {
    problems.push({
      class: 'rule',
      index: indexByZoneId.get(grid.id)!,
      field: 'geometry',
      reason: `${Math.round(grid.outside_share * 100)}% of the grid lies outside its community ${grid.community_code}; at most ${GRID_MAX_OUTSIDE_SHARE * 100}% may`,
    })
  }
  for (const child of await zonesAwayFromParent(trx, ids)) {
    if (!indexByZoneId.has(child.id)) continue
    problems.push({
      class: 'rule',
      index: indexByZoneId.get(child.id)!,
      field: 'geometry',
      reason: `the ${child.kind} lies entirely outside its parent ${child.parent_kind} ${child.parent_code}`,
    })
  }
  if (problems.length) throw invalidImport(problems)
}

/**
 * The parties a file names, deduplicated: departments by name, chiefs by name, phone, title and
 * role (the role is part of the party, so one person as 街长 and as 段长 is two rows), merchants
 * and fallback parties by name and phone. Parties already stored are reused, never changed.
 */
class PartyBook {
  private readonly wanted = new Map<string, Omit<PartyRow, 'id'>>()
  private readonly ids = new Map<string, number>()

  private static key(type: PartyType, party: Pick<PartyInput, 'name' | 'phone' | 'title' | 'role'>): string {
    if (type === 'department') return `department|${party.name}`
    if (type === 'chief') return JSON.stringify([type, party.name, party.phone, party.title, party.role])
    return JSON.stringify([type, party.name, party.phone])
  }

  want(type: PartyType, party: Pick<PartyInput, 'name' | 'phone' | 'title' | 'role'>, parsed: ParsedImport): void {
    const key = PartyBook.key(type, party)
    if (this.wanted.has(key)) return
    const chief = type === 'chief'
    const phone = type === 'department' ? parsed.departmentPhones.get(party.name) ?? party.phone : party.phone
    this.wanted.set(key, { type, name: party.name, phone: phone ?? null, title: chief ? party.title : null, role: chief ? party.role : null })
  }

  /** Looks up the stored parties, inserts the rest; returns how many were created. */
  async save(trx: DbOrTx): Promise<number> {
    for (const type of duties) {
      const names = [...this.wanted.values()].filter((party) => party.type === type).map((party) => party.name)
      if (!names.length) continue
      for (const row of await findParties(trx, type, names)) {
        const key = PartyBook.key(type, row)
        if (!this.ids.has(key)) this.ids.set(key, row.id)
      }
    }
    const missing = [...this.wanted.entries()].filter(([key]) => !this.ids.has(key)).map(([, party]) => party)
    for (const row of await insertParties(trx, missing)) this.ids.set(PartyBook.key(row.type, row), row.id)
    return missing.length
  }

  id(type: PartyType, party: Pick<PartyInput, 'name' | 'phone' | 'title' | 'role'>): number {
    return this.ids.get(PartyBook.key(type, party))!
  }
}

/**
 * How many problems an answer lists: enough to fix a file by, while a file that is wrong
 * everywhere (a 36.8 MB file once answered with a 32.7 MB list) costs a bounded answer. The
 * message gives the whole count.
 */
export const MAX_LISTED_IMPORT_PROBLEMS = 1000

/** 400 when the file is not in the import format; 422 when it is but breaks a rule of the data. */
export function invalidImport(problems: ImportProblem[]): DomainError {
  const details: ErrorDetail[] = problems
    .map(({ index, field, reason }) => ({ ...(index === undefined ? {} : { index }), field, reason }))
    .sort((a, b) => (a.index ?? -1) - (b.index ?? -1))
  const code = problems.some((problem) => problem.class === 'format') ? 'invalid_import' : 'import_rejected'
  const features = new Set(problems.flatMap((problem) => (problem.index === undefined ? [] : [problem.index]))).size
  const first = problems.find((problem) => problem.index === undefined)
  const message = features
    ? `${features} feature${features === 1 ? ' is' : 's are'} invalid${first ? `, and ${first.field} ${first.reason}` : ''}`
    : `The import is invalid: ${first?.field ?? 'body'} ${first?.reason ?? ''}`.trim()
  if (details.length <= MAX_LISTED_IMPORT_PROBLEMS) return new DomainError(code, message, details)
  const listed = details.slice(0, MAX_LISTED_IMPORT_PROBLEMS)
  const rest = details.length - listed.length
  return new DomainError(
    code,
    `${message}; ${details.length} problems, the first ${MAX_LISTED_IMPORT_PROBLEMS} listed in details and ${rest} more not listed`,
    listed,
  )
}
