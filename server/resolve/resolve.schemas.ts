import { Type, type TSchema } from 'typebox'
import { zoneKinds } from '../db/database.js'
import { inputCrsNames } from '../geometry/convert-crs.js'
import { MAX_ACCURACY_M, MAX_BATCH_POINTS } from './resolve.input.js'

/**
 * OpenAPI descriptions of resolution. Inputs are checked by resolve.input.ts (field-by-field
 * messages, indices in a batch); these schemas document them and shape the responses.
 */
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const ZoneRefSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union(zoneKinds.map((kind) => Type.Literal(kind))),
  code: Type.String(),
  name: Type.String(),
})

const ContactSchema = Type.Object({ name: Type.String(), phone: nullable(Type.String()) })
const ChiefSchema = Type.Object({
  name: Type.String(),
  phone: nullable(Type.String()),
  title: nullable(Type.String()),
  role: nullable(Type.String()),
})

const linkProperties = {
  zone: ZoneRefSchema,
  chief: nullable(ChiefSchema),
  department: nullable(ContactSchema),
  fallback: nullable(ContactSchema),
  merchant: nullable(ContactSchema),
}

export const LinkSchema = Type.Object(linkProperties, {
  description: 'A zone and the parties holding its duties at `at` (merchant: frontages only).',
})

const AlternativeSchema = Type.Object(
  { ...linkProperties, distance_m: Type.Number({ description: 'Metres on the ground; 0 when it covers the point.' }) },
  { description: 'Another owner on the border or within `accuracy` metres.' },
)

const StatusSchema = Type.Union([Type.Literal('owned'), Type.Literal('fallback'), Type.Literal('outside')], {
  description: 'owned: a frontage, segment, street or grid covers the point; fallback: only jurisdictions do (a coverage gap); outside: nothing does.',
})

const DepartmentSchema = nullable(
  Type.Object({
    name: Type.String(),
    phone: nullable(Type.String()),
    via: Type.String({ description: 'Code of the zone whose category route applies.' }),
  }),
)

const crsDescription = 'Datum of lon/lat: wgs84 (GPS, default; cgcs2000 is taken as wgs84), gcj02 (Amap, Tencent, WeChat) or bd09 (Baidu).'
const atDescription = 'ISO 8601 instant whose assignments answer (default now); without an offset, China Standard Time (+08:00).'

export const ResolveQuerySchema = Type.Object({
  lon: Type.Number({ minimum: -180, maximum: 180, description: 'Longitude, decimal degrees.' }),
  lat: Type.Number({ minimum: -90, maximum: 90, description: 'Latitude, decimal degrees.' }),
  crs: Type.Optional(Type.Union(inputCrsNames.map((name) => Type.Literal(name)), { description: crsDescription })),
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
  nearest: nullable(Type.Object({ zone: ZoneRefSchema, distance_m: Type.Number() }, { description: 'When outside: the nearest jurisdiction.' })),
})

export const BatchBodySchema = Type.Object({
  crs: Type.Optional(Type.Union(inputCrsNames.map((name) => Type.Literal(name)), { description: crsDescription })),
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

export const BatchResponseSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.Union([Type.String(), Type.Number()]),
      status: StatusSchema,
      primary: nullable(LinkSchema),
      department: Type.Optional(DepartmentSchema),
    }),
    { description: 'One per input point, in input order.' },
  ),
})

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(Type.Object({ index: Type.Optional(Type.Integer()), field: Type.Optional(Type.String()), reason: Type.String() })),
    ),
  }),
})
