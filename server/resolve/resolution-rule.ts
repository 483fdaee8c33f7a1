import { isOwnerKind, zoneKindTable, type ZoneKind } from '../kernel/zone-kinds.js'

/**
 * The resolution rule (DESIGN §4, docs/resolution.md "The rules"), written once. Given the zones
 * that cover a point (and, with an accuracy, the owner zones near it), it decides the chain, the
 * status, the primary zone or where the walk to a fall-back party starts, the alternatives and
 * which zone's category route applies. Single and batch resolution both call it; so does the
 * benchmark's cross-check. Finding the zones is the locator's job (locator.ts), looking up who
 * holds them the holders' (db/holders.ts): this module only chooses, and has no database or HTTP
 * imports.
 */

/** What the rule needs to know of a zone; callers pass richer objects and get them back. */
export interface RuleZone {
  id: number
  kind: ZoneKind
  code: string
}

export interface Distanced<Z> {
  zone: Z
  /** Metres on the ground; 0 for a zone that covers the point. */
  distance_m: number
}

export type ResolutionStatus = 'owned' | 'fallback' | 'outside'

export interface RuleOutcome<Z extends RuleZone> {
  status: ResolutionStatus
  /** One zone per kind, most specific first. */
  chain: Z[]
  /**
   * `owned`: the primary zone (the first of the chain). `fallback`: the most specific covering
   * jurisdiction, where the walk up to a fall-back party starts (see fallbackPrimary). `outside`: null.
   */
  start: Z | null
  /** Other covering zones of a kind already in the chain, then nearby owner zones, in answer order. */
  alternatives: Distanced<Z>[]
}

/**
 * Code order as PostgreSQL compares under COLLATE "C": byte order of UTF-8, which for strings of
 * the Basic Multilingual Plane is JavaScript's UTF-16 code-unit order.
 */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Chain order: the more specific kind first; within a kind the lower code, then the lower id. */
export function compareZones(a: RuleZone, b: RuleZone): number {
  return zoneKindTable[a.kind].chainOrder - zoneKindTable[b.kind].chainOrder || compareCodes(a.code, b.code) || a.id - b.id
}

/** Distances are compared as the answer shows them, to the centimetre. */
export const roundMetres = (value: number): number => Math.round(value * 100) / 100

function compareAlternatives<Z extends RuleZone>(a: Distanced<Z>, b: Distanced<Z>): number {
  return (
    zoneKindTable[a.zone.kind].chainOrder - zoneKindTable[b.zone.kind].chainOrder ||
    a.distance_m - b.distance_m ||
    compareCodes(a.zone.code, b.zone.code) ||
    a.zone.id - b.zone.id
  )
}

/**
 * The rule for one point. `covering` may come in any order and name a zone twice (a point on the
 * cut between two parts of one zone); `nearby` lists owner zones within the caller's accuracy,
 * which may include covering ones.
 */
export function applyResolutionRule<Z extends RuleZone>(covering: readonly Z[], nearby: readonly Distanced<Z>[] = []): RuleOutcome<Z> {
  const ordered = covering.length < 2 ? [...covering] : [...covering].sort(compareZones)
  const chain: Z[] = []
  const alternatives: Distanced<Z>[] = []
  let previous: Z | undefined
  for (const zone of ordered) {
    // Sorted, so that a repeated zone follows itself, and a second zone of a kind the first one:
    // an overlap or a shared edge, shown as an alternative so that a dispatcher sees it.
    if (previous?.id === zone.id) continue
    if (previous?.kind === zone.kind) alternatives.push({ zone, distance_m: 0 })
    else chain.push(zone)
    previous = zone
  }
  if (nearby.length > 0) {
    const listed = new Set(ordered.map((zone) => zone.id))
    for (const near of nearby) {
      if (listed.has(near.zone.id)) continue
      listed.add(near.zone.id)
      alternatives.push({ zone: near.zone, distance_m: roundMetres(near.distance_m) })
    }
  }
  if (alternatives.length > 1) alternatives.sort(compareAlternatives)

  const first = chain[0] ?? null
  const status: ResolutionStatus = first === null ? 'outside' : isOwnerKind(first.kind) ? 'owned' : 'fallback'
  return { status, chain, start: first, alternatives }
}

/**
 * The primary zone of a point in a coverage gap: the nearest zone up the tree from `start`
 * (itself first) that has a fall-back party, found by the caller; with nobody up the tree, the
 * enclosing jurisdiction itself is still named. The holder may be a parent that does not cover
 * the point (a spill): it answers all the same.
 */
export function fallbackPrimary<Z>(start: Z, holder: Z | undefined): Z {
  return holder ?? start
}

/**
 * Where the department for a category comes from: the first zone of the chain that routes it;
 * failing that, the routes the most specific zone inherits from its own ancestors, nearest first
 * (the outer half of a boundary street lies outside its sub-district's polygon but answers to it).
 */
export type DepartmentSource<Z> = { via: Z } | { inheritedBy: Z } | null

export function departmentSource<Z extends RuleZone>(chain: readonly Z[], routes: (zone: Z) => boolean): DepartmentSource<Z> {
  for (const zone of chain) if (routes(zone)) return { via: zone }
  const mostSpecific = chain[0]
  return mostSpecific === undefined ? null : { inheritedBy: mostSpecific }
}

/**
 * For a point outside every jurisdiction: of the candidates (the nearest few by the index, each
 * measured on the ground), the nearest to the decimetre; equal distances (a border shared by a
 * district and its sub-district) go to the higher level, then the lower code.
 */
export function nearestJurisdiction<Z extends RuleZone>(candidates: readonly Distanced<Z>[]): Distanced<Z> | null {
  let best: Distanced<Z> | null = null
  for (const candidate of candidates) {
    if (best === null || compareNearest(candidate, best) < 0) best = candidate
  }
  return best === null ? null : { zone: best.zone, distance_m: roundMetres(best.distance_m) }
}

function compareNearest<Z extends RuleZone>(a: Distanced<Z>, b: Distanced<Z>): number {
  return (
    Math.round(a.distance_m * 10) - Math.round(b.distance_m * 10) ||
    zoneKindTable[b.zone.kind].chainOrder - zoneKindTable[a.zone.kind].chainOrder ||
    compareCodes(a.zone.code, b.zone.code) ||
    a.zone.id - b.zone.id
  )
}
