import { duties, isDuty, type Duty, type ZoneKind } from '../kernel/zone-kinds.js'
import type { ErrorDetail } from '../errors.js'
import { defaultChiefRole, dutiesByKind } from '../zones/zone-rules.js'
import { parseInstant } from '../kernel/time.js'
import { parsePhone } from '../kernel/phone.js'

/** Readers for the fields of an import feature: each records its problems and returns null on one. */

/**
 * A problem with its class: `format` means the file is not in the import format (400), `rule`
 * that it is well-formed but breaks a rule of the data (422).
 */
export interface ImportProblem extends ErrorDetail {
  class: 'format' | 'rule'
}

export interface PartyInput {
  name: string
  phone: string | null
  title: string | null
  role: string | null
  /** ISO time the assignment starts; null: now. */
  since: string | null
}

export interface HistoryInput {
  duty: Duty
  name: string
  phone: string | null
  title: string | null
  role: string | null
  from: string
  to: string
}

/** Which duties a kind of zone can carry (the editing API's rules). */
export function dutyApplies(duty: Duty, kind: ZoneKind): boolean {
  return dutiesByKind[kind].includes(duty)
}

export const dutiesOf = (kind: ZoneKind) => `it can have ${dutiesByKind[kind].join(', ')}`

export type Json = Record<string, unknown>
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
export const describe = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'string' ? `text "${value.slice(0, 40)}"` : typeof value

export function readText(
  value: unknown,
  field: string,
  problems: ImportProblem[],
  index: number | undefined,
  options: { required?: boolean; max: number },
): string | null {
  const at = index === undefined ? { field } : { index, field }
  if (value === undefined || value === null) {
    if (options.required) problems.push({ class: 'format', ...at, reason: 'is missing' })
    return null
  }
  if (typeof value !== 'string') {
    problems.push({ class: 'format', ...at, reason: `must be text, got ${describe(value)}` })
    return null
  }
  const text = value.trim()
  if (text.length === 0) {
    problems.push({ class: 'format', ...at, reason: 'is empty' })
    return null
  }
  if (text.length > options.max) {
    problems.push({ class: 'format', ...at, reason: `is longer than ${options.max} characters` })
    return null
  }
  return text
}

/** A phone, in its normal form (kernel/phone.ts), as the editing API stores it; a number that does not parse is a format problem. */
export function readPhone(value: unknown, field: string, problems: ImportProblem[], index: number | undefined): string | null {
  const text = readText(value, field, problems, index, { max: 40 })
  if (text === null) return null
  const reading = parsePhone(text)
  if (reading.ok) return reading.phone.display
  problems.push({ class: 'format', ...(index === undefined ? { field } : { index, field }), reason: reading.reason })
  return null
}

export function readTime(value: unknown, field: string, problems: ImportProblem[], index: number, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) problems.push({ class: 'format', index, field, reason: 'is missing (an ISO date or time)' })
    return null
  }
  // The API's one reading of instants: a bare date is midnight China Standard Time, and a day
  // that does not exist (2024-02-30) is refused rather than rolled over.
  const time = typeof value === 'string' ? parseInstant(value) : null
  if (time === null) {
    const reason = `must be an ISO date or time from 1900 to 9999 such as 2024-03-01 or 2024-03-01T08:00:00+08:00, got ${describe(value)}`
    problems.push({ class: 'format', index, field, reason })
    return null
  }
  return time.toISOString()
}

/** chief, merchant, fallback: an object with a name; a department may also be just its name. */
export function readParty(
  value: unknown,
  field: string,
  problems: ImportProblem[],
  index: number,
  options: { person?: boolean } = {},
): PartyInput | null {
  if (value === undefined || value === null) return null
  if (!isObject(value)) {
    problems.push({ class: 'format', index, field, reason: `must be an object with a name and phone, got ${describe(value)}` })
    return null
  }
  const before = problems.length
  const name = readText(value.name, `${field}.name`, problems, index, { required: true, max: 200 })
  const phone = readPhone(value.phone, `${field}.phone`, problems, index)
  const title = options.person ? readText(value.title, `${field}.title`, problems, index, { max: 200 }) : null
  const role = options.person ? readText(value.role, `${field}.role`, problems, index, { max: 40 }) : null
  const since = readTime(value.since, `${field}.since`, problems, index, false)
  if (problems.length > before || !name) return null
  return { name, phone, title, role, since }
}

export function readDepartment(value: unknown, problems: ImportProblem[], index: number): PartyInput | null {
  if (typeof value === 'string') {
    const name = readText(value, 'properties.department', problems, index, { max: 200 })
    return name ? { name, phone: null, title: null, role: null, since: null } : null
  }
  return readParty(value, 'properties.department', problems, index)
}

export function noteDepartmentPhone(
  name: string,
  phone: string | null,
  phones: Map<string, string | null>,
  problems: ImportProblem[],
  index: number | undefined,
  field: string,
): void {
  const known = phones.get(name)
  if (known && phone && known !== phone) {
    problems.push({ class: 'rule', ...(index === undefined ? {} : { index }), field, reason: `department ${name} is given two phones: ${known} and ${phone}` })
    return
  }
  if (!known) phones.set(name, phone ?? known ?? null)
}

export function readCategories(value: unknown, index: number, problems: ImportProblem[]): [string, string][] {
  if (value === undefined || value === null) return []
  const field = 'properties.categories'
  if (!isObject(value)) {
    problems.push({ class: 'format', index, field, reason: 'must be an object {"<category>": "<department name>"}' })
    return []
  }
  const routes: [string, string][] = []
  for (const [category, department] of Object.entries(value)) {
    const key = category.trim()
    if (!key || key.length > 100) {
      problems.push({ class: 'format', index, field, reason: `category name "${category}" must have 1 to 100 characters` })
      continue
    }
    const name = readText(department, `${field}.${key}`, problems, index, { required: true, max: 200 })
    if (name) routes.push([key, name])
  }
  return routes
}

export function readHistory(value: unknown, kind: ZoneKind | null, index: number, problems: ImportProblem[]): HistoryInput[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    problems.push({ class: 'format', index, field: 'properties.history', reason: 'must be a list of past assignments {duty, name, from, to}' })
    return []
  }
  const history: HistoryInput[] = []
  value.forEach((raw, i) => {
    const field = `properties.history[${i}]`
    if (!isObject(raw)) return problems.push({ class: 'format', index, field, reason: 'must be an object {duty, name, phone, from, to}' })
    const before = problems.length
    const duty = raw.duty
    if (!isDuty(duty)) {
      problems.push({ class: 'format', index, field: `${field}.duty`, reason: `must be one of ${duties.join(', ')}` })
    } else if (kind && !dutyApplies(duty, kind)) {
      problems.push({ class: 'rule', index, field: `${field}.duty`, reason: `a ${kind} has no ${duty}` })
    }
    const name = readText(raw.name, `${field}.name`, problems, index, { required: true, max: 200 })
    const phone = readPhone(raw.phone, `${field}.phone`, problems, index)
    const person = duty === 'chief'
    const title = person ? readText(raw.title, `${field}.title`, problems, index, { max: 200 }) : null
    const role = person ? readText(raw.role, `${field}.role`, problems, index, { max: 40 }) : null
    const from = readTime(raw.from, `${field}.from`, problems, index, true)
    const to = readTime(raw.to, `${field}.to`, problems, index, true)
    if (from && to && from >= to) problems.push({ class: 'rule', index, field: `${field}.to`, reason: `must be after from (${from})` })
    if (problems.length > before || !name || !from || !to) return
    const entry: HistoryInput = { duty: duty as Duty, name, phone, title, role, from, to }
    if (person && role === null && kind) entry.role = defaultChiefRole[kind]
    const overlap = history.find((other) => other.duty === entry.duty && other.from < entry.to && entry.from < other.to)
    if (overlap) {
      problems.push({ class: 'rule', index, field, reason: `overlaps another past ${entry.duty} (${overlap.name}, ${overlap.from} to ${overlap.to})` })
      return
    }
    history.push(entry)
  })
  return history
}

/** A past holder must have left before the current one started: "who owned it on 3 March" has one answer. */
export function checkHistoryAgainstCurrent(history: HistoryInput[], duty: Duty, current: PartyInput, index: number, problems: ImportProblem[]): void {
  const since = current.since ?? new Date().toISOString()
  const late = history.find((entry) => entry.duty === duty && entry.to > since)
  if (late) {
    problems.push({
      class: 'rule',
      index,
      field: `properties.history[${history.indexOf(late)}].to`,
      reason: `ends at ${late.to}, after the current ${duty} started (${since})`,
    })
  }
}
