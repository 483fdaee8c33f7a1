import { kindFacts, zoneKinds, type ZoneKind } from '../kernel/zone-kinds.js'
import type { Geometry } from '../db/geo-sql.js'
import { validateGeometry } from '../geometry/validate-geometry.js'
import { codeProblem, defaultChiefRole, isLineKind, parentRules } from '../zones/zone-rules.js'
import { MAX_STREET_WIDTH_M, MIN_STREET_WIDTH_M } from '../zones/street-width.js'
import {
  checkHistoryAgainstCurrent,
  describe,
  dutiesOf,
  dutyApplies,
  isObject,
  noteDepartmentPhone,
  readCategories,
  readDepartment,
  readHistory,
  readParty,
  readPhone,
  readText,
  type HistoryInput,
  type ImportProblem,
  type Json,
  type PartyInput,
} from './import-fields.js'

export type { HistoryInput, ImportProblem, PartyInput } from './import-fields.js'

/**
 * Reads a FeatureCollection in the import format (docs/import-format.md) into typed features,
 * collecting every problem instead of stopping at the first. Pure: no database, no HTTP; what
 * needs the database (codes already stored, parents stored earlier, PostGIS validity, a segment
 * on its street) is checked by import.service.ts.
 */

export const MAX_FEATURES = 200_000

export interface ImportFeature {
  index: number
  kind: ZoneKind
  code: string
  name: string
  parent: string | null
  parentKind: ZoneKind | null
  geometry: Geometry
  /** Given in the file; null: a default by street class or from the parent street. */
  widthM: number | null
  streetClass: string | null
  chief: PartyInput | null
  department: PartyInput | null
  merchant: PartyInput | null
  fallback: PartyInput | null
  /** [category, department name], in file order. */
  categories: [string, string][]
  history: HistoryInput[]
}

export interface ParsedImport {
  features: ImportFeature[]
  /** Department phones from the top-level `departments` list and from features' department objects. */
  departmentPhones: Map<string, string | null>
  /** Categories listed at the top level, whether or not a zone routes them. */
  categories: string[]
  problems: ImportProblem[]
  /** True when the document is not a usable FeatureCollection at all (nothing else was read). */
  unreadable: boolean
  /** `kind|code` of every feature whose kind and code could be read, valid or not: parents may name them. */
  declared: Map<string, number>
}

export function parseFeatureCollection(input: unknown): ParsedImport {
  const { result, features } = startParse(input)
  features.forEach((raw, index) => readListed(raw, index, result))
  return result
}

/** Features read between two pauses for the event loop. */
const PARSE_SLICE = 2000

/**
 * The same reading, pausing for the event loop every few thousand features: 200,000 features
 * are seconds of work that other requests must not wait behind.
 */
export async function parseFeatureCollectionPaced(input: unknown): Promise<ParsedImport> {
  const { result, features } = startParse(input)
  for (let index = 0; index < features.length; index++) {
    if (index > 0 && index % PARSE_SLICE === 0) await new Promise((resolve) => setImmediate(resolve))
    readListed(features[index], index, result)
  }
  return result
}

/** Checks the document's shape and reads its top level; `features` is empty when it is unreadable. */
function startParse(input: unknown): { result: ParsedImport; features: unknown[] } {
  const result: ParsedImport = {
    features: [], departmentPhones: new Map(), categories: [], problems: [], unreadable: true, declared: new Map(),
  }
  const problems = result.problems
  const unreadable = { result, features: [] }
  if (!isObject(input) || input.type !== 'FeatureCollection') {
    problems.push({ class: 'format', field: 'type', reason: 'the body must be a GeoJSON FeatureCollection' })
    return unreadable
  }
  if (!Array.isArray(input.features)) {
    problems.push({ class: 'format', field: 'features', reason: 'must be a list of features' })
    return unreadable
  }
  if (input.features.length === 0) {
    problems.push({ class: 'format', field: 'features', reason: 'is empty: there is nothing to import' })
    return unreadable
  }
  if (input.features.length > MAX_FEATURES) {
    problems.push({
      class: 'format',
      field: 'features',
      reason: `has ${input.features.length} features; at most ${MAX_FEATURES} can be imported at once`,
    })
    return unreadable
  }
  result.unreadable = false
  readTopLevel(input, result)
  return { result, features: input.features as unknown[] }
}

function readListed(raw: unknown, index: number, result: ParsedImport): void {
  const problems = result.problems
  const { feature, kind, code } = readFeature(raw, index, problems, result.departmentPhones)
  if (!kind || !code) return
  const key = zoneKey(kind, code)
  const first = result.declared.get(key)
  if (first !== undefined) {
    problems.push({
      class: 'rule',
      index,
      field: 'properties.code',
      reason: `duplicate code "${code}" for kind ${kind} (also feature #${first})`,
    })
    return
  }
  result.declared.set(key, index)
  if (feature) result.features.push(feature)
}

function readTopLevel(input: Json, result: ParsedImport): void {
  const { problems } = result
  if (input.departments !== undefined && input.departments !== null) {
    if (!Array.isArray(input.departments)) {
      problems.push({ class: 'format', field: 'departments', reason: 'must be a list of {name, phone}' })
    } else {
      input.departments.forEach((raw, i) => {
        const field = `departments[${i}]`
        if (!isObject(raw)) return problems.push({ class: 'format', field, reason: 'must be an object {name, phone}' })
        const name = readText(raw.name, `${field}.name`, problems, undefined, { required: true, max: 200 })
        const phone = readPhone(raw.phone, `${field}.phone`, problems, undefined)
        if (name) noteDepartmentPhone(name, phone, result.departmentPhones, problems, undefined, `${field}.phone`)
      })
    }
  }
  if (input.categories !== undefined && input.categories !== null) {
    if (!Array.isArray(input.categories)) {
      problems.push({ class: 'format', field: 'categories', reason: 'must be a list of category names' })
    } else {
      input.categories.forEach((raw, i) => {
        const name = readText(raw, `categories[${i}]`, problems, undefined, { required: true, max: 100 })
        if (name && !result.categories.includes(name)) result.categories.push(name)
      })
    }
  }
}

export const zoneKey = (kind: ZoneKind, code: string) => `${kind}|${code}`

interface ReadFeature {
  /** Null when the feature has a problem. */
  feature: ImportFeature | null
  kind: ZoneKind | null
  code: string | null
}

function readFeature(
  raw: unknown,
  index: number,
  problems: ImportProblem[],
  departmentPhones: Map<string, string | null>,
): ReadFeature {
  if (!isObject(raw) || raw.type !== 'Feature') {
    problems.push({ class: 'format', index, field: 'type', reason: `must be a GeoJSON Feature, got ${isObject(raw) ? `type ${describe(raw.type)}` : describe(raw)}` })
    return { feature: null, kind: null, code: null }
  }
  if (!isObject(raw.properties)) {
    problems.push({ class: 'format', index, field: 'properties', reason: 'must be an object with kind, code and name' })
    return { feature: null, kind: null, code: null }
  }
  const before = problems.length
  const props = raw.properties
  let kind: ZoneKind | null = null
  if (typeof props.kind === 'string' && (zoneKinds as readonly string[]).includes(props.kind)) {
    kind = props.kind as ZoneKind
  } else {
    problems.push({
      class: 'format',
      index,
      field: 'properties.kind',
      reason: `${props.kind === undefined ? 'is missing' : `unknown kind ${describe(props.kind)}`}; expected one of ${zoneKinds.join(', ')}`,
    })
  }
  let code = readText(props.code, 'properties.code', problems, index, { required: true, max: 64 })
  const badCode = code === null ? null : codeProblem(code)
  if (badCode) {
    problems.push({ class: 'format', index, field: 'properties.code', reason: badCode })
    code = null
  }
  const merchant = readParty(props.merchant, 'properties.merchant', problems, index)
  let name = readText(props.name, 'properties.name', problems, index, { max: 200 })
  // A zone that answers through its merchant first (a frontage) may be named after the shop.
  const namedByMerchant = kind !== null && kindFacts(kind).duties[0] === 'merchant'
  if (name === null && namedByMerchant && merchant) name = merchant.name
  if (name === null && (props.name === undefined || props.name === null)) {
    problems.push({
      class: 'format',
      index,
      field: 'properties.name',
      reason: namedByMerchant ? `is missing (a ${kind} may name its merchant instead)` : 'is missing',
    })
  }
  const parent = readText(props.parent, 'properties.parent', problems, index, { max: 64 })
  let parentKind: ZoneKind | null = null
  if (props.parent_kind !== undefined && props.parent_kind !== null) {
    const allowed = kind ? parentRules[kind].kinds : zoneKinds
    if (typeof props.parent_kind === 'string' && (allowed as readonly string[]).includes(props.parent_kind)) {
      parentKind = props.parent_kind as ZoneKind
    } else {
      problems.push({ class: 'format', index, field: 'properties.parent_kind', reason: `must be one of ${allowed.join(', ') || '(none: this kind has no parent)'}` })
    }
  }
  if (kind) {
    const rule = parentRules[kind]
    if (parent && rule.kinds.length === 0) {
      problems.push({ class: 'rule', index, field: 'properties.parent', reason: `a ${kind} has no parent` })
    } else if (!parent && rule.required && (props.parent === undefined || props.parent === null)) {
      problems.push({ class: 'rule', index, field: 'properties.parent', reason: `is missing: a ${kind} needs the code of its ${rule.kinds.join(' or ')}` })
    }
  }
  const geometry = readGeometry(raw.geometry, kind, index, problems)
  const line = kind !== null && isLineKind(kind)
  const widthM = readWidth(props.width_m, line, kind, index, problems)
  const streetClass = readText(props.street_class, 'properties.street_class', problems, index, { max: 40 })
  if (streetClass !== null && kind !== null && !line) {
    problems.push({ class: 'format', index, field: 'properties.street_class', reason: 'only streets and segments have a street class' })
  }
  const chief = readParty(props.chief, 'properties.chief', problems, index, { person: true })
  const department = readDepartment(props.department, problems, index)
  if (department) noteDepartmentPhone(department.name, department.phone, departmentPhones, problems, index, 'properties.department.phone')
  const fallback = readParty(props.fallback, 'properties.fallback', problems, index)
  if (kind) {
    for (const [duty, party] of [['merchant', merchant], ['fallback', fallback]] as const) {
      if (party && !dutyApplies(duty, kind)) {
        problems.push({ class: 'rule', index, field: `properties.${duty}`, reason: `a ${kind} has no ${duty} (${dutiesOf(kind)})` })
      }
    }
    if (chief && !dutyApplies('chief', kind)) {
      problems.push({ class: 'rule', index, field: 'properties.chief', reason: `a ${kind} has no chief (${dutiesOf(kind)})` })
    }
    if (department && !dutyApplies('department', kind)) {
      problems.push({ class: 'rule', index, field: 'properties.department', reason: `a ${kind} has no department (${dutiesOf(kind)})` })
    }
    if (chief && chief.role === null) chief.role = defaultChiefRole[kind]
  }
  const categories = readCategories(props.categories, index, problems)
  const history = readHistory(props.history, kind, index, problems)
  for (const [duty, party] of [['chief', chief], ['department', department], ['merchant', merchant], ['fallback', fallback]] as const) {
    if (party) checkHistoryAgainstCurrent(history, duty, party, index, problems)
  }
  if (problems.length > before || !kind || !code || !name || !geometry) return { feature: null, kind, code }
  const feature: ImportFeature = {
    index, kind, code, name, parent, parentKind, geometry, widthM, streetClass,
    chief, department, merchant, fallback, categories, history,
  }
  return { feature, kind, code }
}

function readGeometry(value: unknown, kind: ZoneKind | null, index: number, problems: ImportProblem[]): Geometry | null {
  if (!isObject(value) || typeof value.type !== 'string') {
    problems.push({ class: 'format', index, field: 'geometry', reason: 'is missing: every feature needs a GeoJSON geometry' })
    return null
  }
  if (!kind) return null
  const expected = isLineKind(kind) ? 'line' : 'area'
  const allowed = expected === 'line' ? ['LineString', 'MultiLineString'] : ['Polygon', 'MultiPolygon']
  if (!allowed.includes(value.type)) {
    problems.push({
      class: 'format',
      index,
      field: 'geometry.type',
      reason: `a ${kind} needs a ${allowed.join(' or ')}${expected === 'line' ? ' centre line' : ''}, got ${value.type}`,
    })
    return null
  }
  const details = validateGeometry(value, expected, 'geometry')
  for (const detail of details) problems.push({ class: 'format', index, field: detail.field ?? 'geometry', reason: detail.reason })
  return details.length ? null : (value as Geometry)
}

function readWidth(value: unknown, line: boolean, kind: ZoneKind | null, index: number, problems: ImportProblem[]): number | null {
  if (value === undefined || value === null) return null
  const field = 'properties.width_m'
  if (kind && !line) {
    problems.push({ class: 'format', index, field, reason: 'only streets and segments have a width' })
    return null
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push({ class: 'format', index, field, reason: `must be a number of metres, got ${describe(value)}` })
    return null
  }
  if (value < MIN_STREET_WIDTH_M || value > MAX_STREET_WIDTH_M) {
    const range = `at least ${MIN_STREET_WIDTH_M} and at most ${MAX_STREET_WIDTH_M} metres`
    problems.push({ class: 'format', index, field, reason: `must be ${range}, got ${value}` })
    return null
  }
  return value
}

