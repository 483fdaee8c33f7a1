import { chainKinds, isJurisdictionKind, lineKinds, zoneKinds, zoneKindTable, type ZoneKind } from '../../../server/kernel/zone-kinds.js'

/**
 * The client's doorway to the zone kind table (server/kernel/zone-kinds.ts, pure data): the map,
 * the legend, the panels and the editing modes take every per-kind fact from here, so a new kind
 * is a new row in the table and nothing in the client.
 */
export * from '../../../server/kernel/zone-kinds.js'

export type KindMessageKey = `kind.${ZoneKind}`

/** The `kind.*` labels of one language, straight from the table's `label`. */
export function kindMessages(language: 'zh' | 'en'): Record<KindMessageKey, string> {
  return Object.fromEntries(zoneKinds.map((kind) => [`kind.${kind}`, zoneKindTable[kind].label[language]])) as Record<KindMessageKey, string>
}

/** Kinds by specificity, the most specific first (as a resolution chain lists them). */
export const bySpecificity = (kinds: readonly ZoneKind[]): ZoneKind[] => chainKinds.filter((kind) => kinds.includes(kind))

/** Line kinds, the most specific first: a segment before the street it belongs to. */
export const lineKindsBySpecificity: readonly ZoneKind[] = bySpecificity(lineKinds)

/** Jurisdictions, the most specific first: the community a point is in before its sub-district. */
export const jurisdictionKindsBySpecificity: readonly ZoneKind[] = chainKinds.filter(isJurisdictionKind)

/** Every kind a zone of `kind` may sit in, directly or further up the tree. */
export function ancestorKinds(kind: ZoneKind): ZoneKind[] {
  const found = new Set<ZoneKind>()
  const visit = (child: ZoneKind) => {
    for (const parent of zoneKindTable[child].parents) {
      if (found.has(parent)) continue
      found.add(parent)
      visit(parent)
    }
  }
  visit(kind)
  return zoneKinds.filter((candidate) => found.has(candidate))
}

/**
 * What a drawn or dragged vertex of a zone of `kind` snaps to: a line snaps to the other lines;
 * an area to its own kind's neighbours, the edges of the zones it may sit in, and the streets.
 */
export function snapKindsFor(kind: ZoneKind): ZoneKind[] {
  if (zoneKindTable[kind].geometry === 'line') return [...lineKinds]
  const kinds = new Set<ZoneKind>([kind, ...ancestorKinds(kind), ...lineKinds])
  return zoneKinds.filter((candidate) => kinds.has(candidate))
}

/**
 * How the map draws a kind, from its family, geometry and `map` facts: jurisdictions as dashed
 * boundaries; owner areas with an outline width as light cells (grids), without one as solid
 * strips (frontages); line kinds that other lines belong to as a translucent band (streets) under
 * their parts drawn solid (segments).
 */
export type KindDrawing = 'boundary' | 'cell' | 'strip' | 'band' | 'part'

export function drawingOf(kind: ZoneKind): KindDrawing {
  const facts = zoneKindTable[kind]
  if (facts.family === 'jurisdiction') return 'boundary'
  if (facts.geometry === 'area') return facts.map.lineWidth === undefined ? 'strip' : 'cell'
  const isParentOfALine = lineKinds.some((other) => zoneKindTable[other].parents.includes(kind))
  return isParentOfALine ? 'band' : 'part'
}

export const kindsDrawnAs = (drawing: KindDrawing): ZoneKind[] => zoneKinds.filter((kind) => drawingOf(kind) === drawing)

/** Whole lines, not parts of another line: streets, whose segments belong to them. */
export const wholeLineKinds: readonly ZoneKind[] = lineKinds.filter((kind) => !zoneKindTable[kind].parents.some((parent) => lineKinds.includes(parent)))

/** Jurisdictions the map names: every level below the root of the tree. */
export const labelledJurisdictionKinds: readonly ZoneKind[] = zoneKinds.filter((kind) => isJurisdictionKind(kind) && zoneKindTable[kind].parents.length > 0)

/**
 * Kinds a dispatcher finds by name or code: all but the root of the tree (too broad to dispatch
 * to) and the kinds a merchant answers for (found by their shop on the map instead).
 */
export const searchableKinds: readonly ZoneKind[] = zoneKinds.filter(
  (kind) => zoneKindTable[kind].parents.length > 0 && !zoneKindTable[kind].duties.includes('merchant'),
)

/** Jurisdictions with jurisdictions below them (a district, a sub-district): where a planner works. */
const upperJurisdictionKinds: readonly ZoneKind[] = zoneKinds.filter(
  (kind) => isJurisdictionKind(kind) && zoneKinds.some((child) => isJurisdictionKind(child) && zoneKindTable[child].parents.includes(kind)),
)

/** Kinds an import puts straight under the planner's current sub-district or district. */
export const kindsUnderTheWorkingJurisdiction: readonly ZoneKind[] = zoneKinds.filter((kind) =>
  zoneKindTable[kind].parents.some((parent) => upperJurisdictionKinds.includes(parent)),
)
