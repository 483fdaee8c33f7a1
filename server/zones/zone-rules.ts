import { isLineKind, kindFacts, zoneKinds, zoneKindTable, type Duty, type ZoneKind, type ZoneKindFacts } from '../kernel/zone-kinds.js'

/**
 * The shape of the zone tree, as pure data, so that the editing API and the importer apply the
 * same rules: which kinds may be a zone's parent, whether it needs one, what geometry it has,
 * which duties it can have filled, and how codes are written.
 */
export interface ParentRule {
  /** Allowed parent kinds, most usual first. Empty: the kind has no parent. */
  kinds: readonly ZoneKind[]
  required: boolean
}

const fromTable = <T>(pick: (facts: ZoneKindFacts) => T): Record<ZoneKind, T> =>
  Object.fromEntries(zoneKinds.map((kind) => [kind, pick(zoneKindTable[kind])])) as Record<ZoneKind, T>

export const parentRules: Record<ZoneKind, ParentRule> = fromTable((facts) => ({ kinds: facts.parents, required: facts.parentRequired }))

export { isLineKind }

export function geometryFamily(kind: ZoneKind): 'area' | 'line' {
  return zoneKindTable[kind].geometry
}

/** Problems with `parentKind` as the parent of a `kind` zone (null parent: none given). */
export function parentProblem(kind: ZoneKind, parentKind: ZoneKind | null): string | null {
  const rule = parentRules[kind]
  if (parentKind === null) {
    return rule.required ? `a ${kind} needs a parent ${rule.kinds.join(' or ')}` : null
  }
  if (rule.kinds.length === 0) return `a ${kind} has no parent`
  if (!rule.kinds.includes(parentKind)) {
    return `a ${kind}'s parent must be a ${rule.kinds.join(' or ')}, not a ${parentKind}`
  }
  return null
}

/** Duties a zone of each kind can have filled (the kind table's `duties`). */
export const dutiesByKind: Record<ZoneKind, readonly Duty[]> = fromTable((facts) => facts.duties)

/** The role a chief has by default on each kind of zone (chief roles of the street-chief system). */
export const defaultChiefRole: Record<ZoneKind, string> = fromTable((facts) => facts.chiefRole)

/** Codes appear in URLs (/api/zones/by-code/grid/33010500301), so no spaces or URL syntax. */
const codePattern = /^[^\s/\\?#%]{1,64}$/u

export function codeProblem(code: string): string | null {
  if (code.length < 1 || code.length > 64) return `must be 1 to 64 characters, got ${code.length}`
  if (!codePattern.test(code)) return 'must not contain spaces or any of / \\ ? # %'
  return null
}

/**
 * CJ/T 213-2005 codes, where the parents have them: a 6-digit county code, then 3 digits of
 * sub-district, 3 of community and 2 of unit grid, each level extending its parent's code.
 */
export function cjtCodeProblem(kind: ZoneKind, code: string, parentKind: ZoneKind | null, parentCode: string | null): string | null {
  const rule = kindFacts(kind).cjt
  if (!rule || parentKind !== rule.parent || parentCode === null) return null
  if (!new RegExp(`^\\d{${rule.parentDigits}}$`).test(parentCode)) return null
  const extra = rule.digits - rule.parentDigits
  if (new RegExp(`^${parentCode}\\d{${extra}}$`).test(code)) return null
  return `must follow CJ/T 213-2005: the ${parentKind}'s code ${parentCode} followed by ${extra} digits (e.g. ${parentCode}${'1'.padStart(extra, '0')})`
}
