import type { JurisdictionAudit, WriteAudit } from '../api/types.js'

export const FINDING_KINDS = ['gaps', 'overlaps', 'spills', 'uncovered_streets', 'unassigned'] as const
export type FindingKind = (typeof FINDING_KINDS)[number]

/** What the summary reads of an audit: finding keys only, so any list the server sends will do. */
export type AuditFindingKeys = Record<FindingKind, { key: string }[]>
export type JurisdictionAuditKeys = Pick<JurisdictionAudit, 'code' | 'ok_before' | 'ok_after'> & {
  name?: string
  added: AuditFindingKeys
  resolved: AuditFindingKeys
}
export type AuditKeys = { jurisdictions: JurisdictionAuditKeys[] } | WriteAudit
type Counts = Record<FindingKind, number>

export interface AuditEffect {
  code: string
  name: string
  okBefore: boolean | null
  okAfter: boolean | null
  added: Counts
  resolved: Counts
}

const zero = (): Counts => ({ gaps: 0, overlaps: 0, spills: 0, uncovered_streets: 0, unassigned: 0 })

/**
 * The net effect of several writes (one edit may be a delete and three creates) per jurisdiction:
 * a finding added by one step and resolved by a later one (by its key) counts for neither, so the
 * planner sees what the edit as a whole did.
 */
export function netAuditEffect(audits: AuditKeys[]): AuditEffect[] {
  const byCode = new Map<string, { name: string; okBefore: boolean | null; okAfter: boolean | null; added: Map<FindingKind, Set<string>>; resolved: Map<FindingKind, Set<string>> }>()
  for (const audit of audits) {
    for (const j of audit.jurisdictions) {
      let entry = byCode.get(j.code)
      if (!entry) {
        entry = { name: j.name ?? j.code, okBefore: j.ok_before, okAfter: j.ok_after, added: new Map(), resolved: new Map() }
        for (const kind of FINDING_KINDS) {
          entry.added.set(kind, new Set())
          entry.resolved.set(kind, new Set())
        }
        byCode.set(j.code, entry)
      }
      entry.okAfter = j.ok_after
      for (const kind of FINDING_KINDS) {
        const added = entry.added.get(kind)!
        const resolved = entry.resolved.get(kind)!
        for (const finding of list(j.added, kind)) {
          if (resolved.has(finding.key)) resolved.delete(finding.key)
          else added.add(finding.key)
        }
        for (const finding of list(j.resolved, kind)) {
          if (added.has(finding.key)) added.delete(finding.key)
          else resolved.add(finding.key)
        }
      }
    }
  }
  return [...byCode].map(([code, e]) => {
    const added = zero()
    const resolved = zero()
    for (const kind of FINDING_KINDS) {
      added[kind] = e.added.get(kind)!.size
      resolved[kind] = e.resolved.get(kind)!.size
    }
    return { code, name: e.name, okBefore: e.okBefore, okAfter: e.okAfter, added, resolved }
  })
}

function list(findings: AuditFindingKeys | undefined, kind: FindingKind): { key: string }[] {
  const items = findings?.[kind]
  return Array.isArray(items) ? items.filter((f) => f && typeof f.key === 'string') : []
}

export interface AuditWords {
  prefix: string
  added: string
  resolved: string
  unchanged: string
  /** One count of a kind of finding, e.g. "1 处重叠". */
  item(kind: FindingKind, count: number): string
  /** Between phrases of one list and between the added and resolved parts. */
  listSeparator: string
  partSeparator: string
}

/** One short line, e.g. 「覆盖审计：新增 1 处重叠；解决 1 项未指定」. */
export function describeAuditEffect(effects: AuditEffect[], words: AuditWords): string {
  const parts: string[] = []
  for (const effect of effects) {
    const phrase = (counts: Counts) => FINDING_KINDS.filter((k) => counts[k] > 0).map((k) => words.item(k, counts[k])).join(words.listSeparator)
    const added = phrase(effect.added)
    const resolved = phrase(effect.resolved)
    const said = [added && `${words.added} ${added}`, resolved && `${words.resolved} ${resolved}`].filter(Boolean).join(words.partSeparator)
    if (said) parts.push(effects.length > 1 ? `${effect.name} ${said}` : said)
  }
  return `${words.prefix}${parts.length ? parts.join(words.partSeparator) : words.unchanged}`
}
