import { Type, type Static } from 'typebox'
import { GeometryOutput as Geometry, literals, nullable } from '../kernel/schemas.js'
import { jurisdictionKinds, zoneKinds, type ZoneKind } from '../kernel/zone-kinds.js'

const jurisdictionKind = (options: { description?: string } = {}) =>
  Type.Unsafe<ZoneKind>({ type: 'string', enum: [...jurisdictionKinds], ...options })
const JurisdictionKind = jurisdictionKind()

export const Jurisdiction = Type.Object({
  id: Type.Integer(),
  kind: JurisdictionKind,
  code: Type.String(),
  name: Type.String(),
  parent_code: nullable(Type.String()),
})
export type Jurisdiction = Static<typeof Jurisdiction>

export const JurisdictionList = Type.Array(Jurisdiction, {
  description: 'Every district, sub-district and community, least specific first, then by code',
})

export const CoverageParams = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64, description: 'Code of a district, sub-district or community' }),
})
export type CoverageParams = Static<typeof CoverageParams>

export const CoverageQuery = Type.Object({
  kind: Type.Optional(jurisdictionKind({ description: 'Only needed when the same code names jurisdictions of two kinds' })),
})
export type CoverageQuery = Static<typeof CoverageQuery>

export const Gap = Type.Object({
  area_m2: Type.Number(),
  geometry: Geometry,
})
export type Gap = Static<typeof Gap>

export const Overlap = Type.Object({
  a: Type.String({ description: 'Code of the grid with the lower code' }),
  b: Type.String({ description: 'Code of the other grid' }),
  area_m2: Type.Number(),
  geometry: Geometry,
})
export type Overlap = Static<typeof Overlap>

export const Spill = Type.Object({
  grid: Type.String(),
  area_m2: Type.Number({ description: 'Area of the grid outside the jurisdiction' }),
  geometry: Geometry,
})
export type Spill = Static<typeof Spill>

export const UncoveredStreet = Type.Object({
  street: Type.String({ description: 'Street code' }),
  name: Type.String(),
  length_m: Type.Number({ description: 'Length of centre line, inside the jurisdiction, owned by no segment' }),
  geometry: Geometry,
})
export type UncoveredStreet = Static<typeof UncoveredStreet>

/** What an unassigned finding is about: a zone of a kind, or a problem category. */
export const unassignedKinds = [...zoneKinds, 'category'] as const

export const Unassigned = Type.Object({
  code: Type.String({ description: 'Zone code, or the category name for a category' }),
  kind: literals(unassignedKinds, 'Zone kind, or "category"'),
  name: Type.String(),
  missing: Type.Union([
    Type.Literal('chief'),
    Type.Literal('fallback'),
    Type.Literal('merchant'),
    Type.Literal('department'),
  ]),
})
export type Unassigned = Static<typeof Unassigned>

export const CoverageSummary = Type.Object({
  grids: Type.Integer(),
  streets: Type.Integer(),
  segments: Type.Integer(),
  frontages: Type.Integer(),
  gaps: Type.Integer(),
  gap_area_m2: Type.Number(),
  overlaps: Type.Integer(),
  overlap_area_m2: Type.Number(),
  spills: Type.Integer(),
  spill_area_m2: Type.Number(),
  uncovered_streets: Type.Integer(),
  uncovered_length_m: Type.Number(),
  unassigned: Type.Integer(),
})
export type CoverageSummary = Static<typeof CoverageSummary>

export const CoverageReport = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  kind: JurisdictionKind,
  name: Type.String(),
  ok: Type.Boolean({ description: 'No gaps, overlaps, spills, uncovered streets or unassigned zones and categories' }),
  area_m2: Type.Number(),
  tolerance: Type.Object({
    area_m2: Type.Number({ description: 'Gaps, overlaps and spills at or below this are floating-point noise' }),
    length_m: Type.Number({ description: 'Uncovered street pieces at or below this are noise' }),
  }),
  summary: CoverageSummary,
  truncated: Type.Boolean({ description: 'A list was cut at the list limit; summary counts are complete' }),
  gaps: Type.Array(Gap),
  overlaps: Type.Array(Overlap),
  spills: Type.Array(Spill),
  uncovered_streets: Type.Array(UncoveredStreet),
  unassigned: Type.Array(Unassigned),
})
export type CoverageReport = Static<typeof CoverageReport>

export const AuditChanges = Type.Object({
  gaps: Type.Array(
    Type.Object({ ...Gap.properties, key: Type.String({ description: 'Centroid lon,lat to 1e-5° and area to the m²: "120.15012,30.27544:212"' }) }),
  ),
  overlaps: Type.Array(Type.Object({ ...Overlap.properties, key: Type.String({ description: 'The pair of grid codes: "a|b"' }) })),
  spills: Type.Array(Type.Object({ ...Spill.properties, key: Type.String({ description: 'The grid code' }) })),
  uncovered_streets: Type.Array(Type.Object({ ...UncoveredStreet.properties, key: Type.String({ description: 'The street code' }) })),
  unassigned: Type.Array(Type.Object({ ...Unassigned.properties, key: Type.String({ description: '"kind:code:missing"' }) })),
})
export type AuditChanges = Static<typeof AuditChanges>

export const JurisdictionEffect = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  kind: JurisdictionKind,
  name: Type.String(),
  ok_before: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: the jurisdiction did not exist before (created)' }),
  ok_after: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: the jurisdiction no longer exists (deleted)' }),
  before: Type.Union([CoverageSummary, Type.Null()]),
  after: Type.Union([CoverageSummary, Type.Null()]),
  truncated: Type.Boolean({ description: 'A list was cut at the list limit on one side, so added/resolved may be incomplete' }),
  added: AuditChanges,
  resolved: AuditChanges,
})
export type JurisdictionEffect = Static<typeof JurisdictionEffect>

export const AuditEffect = Type.Object(
  { jurisdictions: Type.Array(JurisdictionEffect) },
  {
    description:
      'What the edit did to the coverage audit of each jurisdiction it touched (the nearest sub-district, else district; ' +
      'old and new for a move): findings added and resolved, and the summary before and after. Omitted with ?audit=0.',
  },
)
export type AuditEffect = Static<typeof AuditEffect>

export const AuditQuery = Type.Object({
  audit: Type.Optional(
    Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')], {
      description: '0 skips the before/after coverage audit (bulk scripts); default 1',
    }),
  ),
})

/** `?audit=0|false` turns the audit off; anything else (or nothing) keeps it. */
export const auditWanted = (query: { audit?: string }): boolean => query.audit !== '0' && query.audit !== 'false'
/** A write's answer with the audit effect added, when one was asked for. */
export const withAudit = <T extends object>(body: T, audit: AuditEffect | undefined) => ({ ...body, ...(audit ? { audit } : {}) })
export type AuditQuery = Static<typeof AuditQuery>
