import type { Duty, ZoneKind } from '../db/database.js'

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

export const parentRules: Record<ZoneKind, ParentRule> = {
  district: { kinds: [], required: false },
  // A city may start its tree at the sub-district, the level that runs the street-chief system.
  subdistrict: { kinds: ['district'], required: false },
  community: { kinds: ['subdistrict'], required: true },
  grid: { kinds: ['community'], required: true },
  street: { kinds: ['subdistrict', 'community', 'district'], required: false },
  segment: { kinds: ['street'], required: true },
  frontage: { kinds: ['segment', 'street', 'grid', 'community'], required: false },
}

export function isLineKind(kind: ZoneKind): boolean {
  return kind === 'street' || kind === 'segment'
}

export function geometryFamily(kind: ZoneKind): 'area' | 'line' {
  return isLineKind(kind) ? 'line' : 'area'
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

/**
 * Duties a zone of each kind can have filled: a frontage answers through its merchant (门前三包),
 * and only jurisdictions have a fall-back party (属地兜底).
 */
export const dutiesByKind: Record<ZoneKind, readonly Duty[]> = {
  district: ['chief', 'department', 'fallback'],
  subdistrict: ['chief', 'department', 'fallback'],
  community: ['chief', 'department', 'fallback'],
  grid: ['chief', 'department'],
  street: ['chief', 'department'],
  segment: ['chief', 'department'],
  frontage: ['merchant', 'chief', 'department'],
}

/** The role a chief has by default on each kind of zone (chief roles of the street-chief system). */
export const defaultChiefRole: Record<ZoneKind, string> = {
  district: '区总街长',
  subdistrict: '街道总街长',
  community: '社区书记',
  grid: '网格长',
  street: '街长',
  segment: '段长',
  frontage: '责任人',
}

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
const cjtDigits: Partial<Record<ZoneKind, { parent: ZoneKind; parentDigits: number; digits: number }>> = {
  subdistrict: { parent: 'district', parentDigits: 6, digits: 9 },
  community: { parent: 'subdistrict', parentDigits: 9, digits: 12 },
  grid: { parent: 'community', parentDigits: 12, digits: 14 },
}

export function cjtCodeProblem(kind: ZoneKind, code: string, parentKind: ZoneKind | null, parentCode: string | null): string | null {
  const rule = cjtDigits[kind]
  if (!rule || parentKind !== rule.parent || parentCode === null) return null
  if (!new RegExp(`^\\d{${rule.parentDigits}}$`).test(parentCode)) return null
  const extra = rule.digits - rule.parentDigits
  if (new RegExp(`^${parentCode}\\d{${extra}}$`).test(code)) return null
  return `must follow CJ/T 213-2005: the ${parentKind}'s code ${parentCode} followed by ${extra} digits (e.g. ${parentCode}${'1'.padStart(extra, '0')})`
}
