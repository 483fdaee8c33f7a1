import { Type, type Static, type TSchema } from 'typebox'
import { errorCodes, type ErrorCode } from './error-codes.js'
import { zoneKinds } from './zone-kinds.js'

/**
 * The pieces every resource's schemas share: the error envelope, a contact, a zone reference, a
 * GeoJSON geometry and a zone kind. Feature folders build their `*.schemas.ts` from these, the
 * server's answer types are `Static<…>` of them, and the client imports those types, so one
 * description serves validation, the OpenAPI page and both compilers.
 *
 * Pure: imports only typebox and the kernel's tables (zone kinds, error codes).
 */

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** A string that is one of `values`, shown as an enum on the OpenAPI page. */
export const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) })

/** The `:id` of a resource in a path. */
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })
export type IdParams = Static<typeof IdParams>

export const ZoneKind = literals(zoneKinds, zoneKinds.join(', '))
export type ZoneKind = Static<typeof ZoneKind>

/** A zone named in another answer: enough to show it and to fetch it. */
export const ZoneRef = Type.Object({ id: Type.Integer(), kind: ZoneKind, code: Type.String(), name: Type.String() })
export type ZoneRef = Static<typeof ZoneRef>

/**
 * A person or organisation answering for something, in every answer that names one (a zone's
 * holders, a resolution's chain, a category's department, an assignment's party). One shape:
 * `name` and `phone` always; `id` where the answer is for editors (zones, assignments, category
 * routes) and not in resolution, which names people publicly by name and phone; `title` and
 * `role` on chiefs and on a party as assigned, absent on departments, merchants and fall-backs.
 */
export const Contact = Type.Object({
  id: Type.Optional(Type.Integer({ description: 'The party; absent from resolution answers' })),
  name: Type.String(),
  phone: nullable(Type.String()),
  title: Type.Optional(nullable(Type.String({ description: 'Office held, e.g. 区城管局局长 (chiefs)' }))),
  role: Type.Optional(nullable(Type.String({ description: 'Chief role: 街长, 段长, 网格长, …' }))),
})
export type Contact = Static<typeof Contact>

type Position = number[]
/** A GeoJSON geometry (RFC 7946 §3.1), WGS-84 [lon, lat]. */
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] }

export const geometryTypes = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'] as const

/**
 * A geometry as the server writes it. The JSON schema checks only the type name: an answer's
 * geometry comes from PostGIS, and spelling out every coordinate array would make serialising ten
 * thousand zones several times slower. Inputs are checked by the services (server/geometry/),
 * which name the ring and vertex at fault.
 */
export const GeometrySchema = (description = 'GeoJSON geometry, WGS-84 [lon, lat]') =>
  Type.Unsafe<Geometry>({
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string', enum: [...geometryTypes] }, coordinates: {}, geometries: {} },
    description,
  })
export const GeometryOutput = GeometrySchema('GeoJSON geometry, WGS-84 [lon, lat], 7 decimals')

/** A problem in the field or feature the caller sent. */
export const ErrorDetail = Type.Object({
  index: Type.Optional(Type.Integer({ description: 'Index of the feature or point in the request, where the input is a list' })),
  field: Type.Optional(Type.String({ description: 'Dotted path: properties.code, geometry.coordinates[0][3], lon' })),
  reason: Type.String(),
})
export type ErrorDetail = Static<typeof ErrorDetail>

/** The one error envelope, for every 4xx and 5xx of every route. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Unsafe<ErrorCode>({ type: 'string', enum: [...errorCodes], description: 'docs/errors.md lists them' }),
      message: Type.String(),
      details: Type.Optional(
        Type.Union([
          Type.Array(ErrorDetail),
          Type.Object({}, { additionalProperties: true, description: 'A conflict: the current state, e.g. {current_version, current}' }),
        ]),
      ),
    }),
  },
  { description: 'What went wrong, and where' },
)
export type ErrorResponse = Static<typeof ErrorResponse>

/** The error statuses a route can answer with, and 500, which any route can: all the one envelope. */
export const errorResponses = <S extends number>(...statuses: S[]) =>
  Object.fromEntries([...statuses, 500].map((status) => [status, ErrorResponse])) as Record<S | 500, typeof ErrorResponse>

