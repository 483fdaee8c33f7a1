import { Type, type Static } from 'typebox'
import { inputCrsNames } from '../geometry/convert-crs.js'
import { Contact, literals, nullable, ZoneRef } from '../kernel/schemas.js'
import { MAX_ACCURACY_M, MAX_BATCH_POINTS } from './resolve.input.js'

/**
 * OpenAPI descriptions of resolution. Inputs are checked by resolve.input.ts (field-by-field
 * messages, indices in a batch); these schemas document them and shape the responses. Contacts
 * here carry no party id: a resolution names people publicly, by name and phone (and a chief's
 * title and role).
 */
export const ZoneRefSchema = ZoneRef

const linkProperties = {
  zone: ZoneRef,
  chief: nullable(Contact),
  department: nullable(Contact),
  fallback: nullable(Contact),
  merchant: nullable(Contact),
}

export const LinkSchema = Type.Object(linkProperties, {
  description: 'A zone and the parties holding its duties at `at` (merchant: frontages only).',
})
/** A zone and who answers for it. `merchant` is set on frontages (the shop that owns the strip). */
export type Link = Static<typeof LinkSchema>

export const AlternativeSchema = Type.Object(
  { ...linkProperties, distance_m: Type.Number({ description: 'Metres on the ground; 0 when it covers the point.' }) },
  { description: 'Another owner on the border or within `accuracy` metres.' },
)
export type Alternative = Static<typeof AlternativeSchema>

export const StatusSchema = Type.Union([Type.Literal('owned'), Type.Literal('fallback'), Type.Literal('outside')], {
  description: 'owned: a frontage, segment, street or grid covers the point; fallback: only jurisdictions do (a coverage gap); outside: nothing does.',
})

export type ResolveStatus = Static<typeof StatusSchema>

export const DepartmentSchema = nullable(
  Type.Object({
    ...Contact.properties,
    via: Type.String({ description: 'Code of the zone whose category route applies.' }),
  }),
)
/** The department a category goes to at the point, and the zone whose route says so. */
export type RoutedDepartment = Static<typeof DepartmentSchema>

const crsDescription = 'Datum of lon/lat: wgs84 (GPS, default; cgcs2000 is taken as wgs84), gcj02 (Amap, Tencent, WeChat) or bd09 (Baidu).'
const atDescription = 'ISO 8601 instant whose assignments answer (default now); without an offset, China Standard Time (+08:00).'

export const ResolveQuerySchema = Type.Object({
  lon: Type.Number({ minimum: -180, maximum: 180, description: 'Longitude, decimal degrees.' }),
  lat: Type.Number({ minimum: -90, maximum: 90, description: 'Latitude, decimal degrees.' }),
  crs: Type.Optional(literals(inputCrsNames, crsDescription)),
  category: Type.Optional(Type.String({ description: 'Problem category (e.g. 路灯损坏): adds the department that handles it.' })),
  accuracy: Type.Optional(
    Type.Number({ minimum: 0, maximum: MAX_ACCURACY_M, description: 'GPS error in metres: owners this near become alternatives.' }),
  ),
  at: Type.Optional(Type.String({ description: atDescription })),
})

export const ResolutionSchema = Type.Object({
  status: StatusSchema,
  point: Type.Object({ lon: Type.Number(), lat: Type.Number() }, { description: 'The point in WGS-84, after conversion.' }),
  primary: nullable(LinkSchema),
  chain: Type.Array(LinkSchema, { description: 'Covering zones, most specific first, one per kind.' }),
  department: DepartmentSchema,
  alternatives: Type.Array(AlternativeSchema),
  nearest: nullable(Type.Object({ zone: ZoneRef, distance_m: Type.Number() }, { description: 'When outside: the nearest jurisdiction.' })),
})
export type Resolution = Static<typeof ResolutionSchema>

/** GET /api/public/resolve: the resolution as a signboard shows it, with the supervision hotline. */
export const PublicResolutionSchema = Type.Object({
  ...ResolutionSchema.properties,
  supervision_hotline: Type.String({ description: 'The city hotline for complaints about the chiefs (12345)' }),
})
export type ResolveQuery = Static<typeof ResolveQuerySchema>

export const BatchBodySchema = Type.Object({
  crs: Type.Optional(literals(inputCrsNames, crsDescription)),
  category: Type.Optional(Type.String({ description: 'Adds `department` to each result.' })),
  at: Type.Optional(Type.String({ description: atDescription })),
  points: Type.Array(
    Type.Object({
      id: Type.Union([Type.String(), Type.Number()]),
      lon: Type.Number({ minimum: -180, maximum: 180 }),
      lat: Type.Number({ minimum: -90, maximum: 90 }),
    }),
    { minItems: 1, maxItems: MAX_BATCH_POINTS },
  ),
})
export type BatchBody = Static<typeof BatchBodySchema>

export const BatchResultSchema = Type.Object({
  id: Type.Union([Type.String(), Type.Number()]),
  status: Type.Union([...StatusSchema.anyOf, Type.Literal('out_of_scope')], {
    description: `owned, fallback, outside: as for one point; out_of_scope: every zone covering the point lies outside the caller's scope of resolve.batch (no owner given).`,
  }),
  primary: nullable(LinkSchema),
  department: Type.Optional(DepartmentSchema),
})
export type BatchResult = Static<typeof BatchResultSchema>

export const BatchResponseSchema = Type.Object({
  results: Type.Array(BatchResultSchema, { description: 'One per input point, in input order.' }),
})
export type BatchResponse = Static<typeof BatchResponseSchema>
