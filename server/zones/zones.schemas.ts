import { Type, type Static } from 'typebox'
import { AuditEffect, AuditQuery } from '../coverage/coverage.schemas.js'
import { zoneKinds } from '../kernel/zone-kinds.js'
import { Contact, GeometryOutput, nullable, ZoneKind } from '../kernel/schemas.js'
import { MAX_STREET_WIDTH_M, MIN_STREET_WIDTH_M } from './street-width.js'

/**
 * Input and response schemas of the zones API. Kinds and geometry are read by the service rather
 * than by these schemas, so that an unknown kind or a bad ring gets a message that names it.
 */
const kindList = zoneKinds.join(', ')

export const GeometryInput = Type.Object(
  { type: Type.String(), coordinates: Type.Optional(Type.Unknown()) },
  {
    description:
      'GeoJSON geometry, WGS-84 [lon, lat]: Polygon/MultiPolygon for district, subdistrict, community, grid and frontage; ' +
      'LineString/MultiLineString centre line for street and segment',
  },
)

export type GeometryInput = Static<typeof GeometryInput>

export const ZoneProperties = Type.Object({
  id: Type.Integer(),
  kind: ZoneKind,
  code: Type.String(),
  name: Type.String(),
  parent_id: nullable(Type.Integer()),
  parent_code: nullable(Type.String()),
  street_class: nullable(Type.String()),
  width_m: nullable(Type.Number()),
  version: Type.Integer({ description: 'Send it back with PATCH and DELETE; a stale one is a 409' }),
  area_m2: Type.Number({ description: 'Owned area on the ground, m²' }),
  length_m: nullable(Type.Number({ description: 'Centre-line length on the ground (streets, segments)' })),
  updated_at: Type.String({ format: 'date-time' }),
  /** Holders at `at`, each with its party id; the chief with title and role. */
  chief: nullable(Contact),
  department: nullable(Contact),
  merchant: nullable(Contact),
  fallback: nullable(Contact),
  children_count: Type.Optional(Type.Integer()),
})
export type ZoneProperties = Static<typeof ZoneProperties>

export const ZoneFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: GeometryOutput,
  properties: ZoneProperties,
})
export type ZoneFeature = Static<typeof ZoneFeature>

/** A written zone: still a GeoJSON Feature, with `audit` as a foreign member (RFC 7946 §6.1). */
export const WrittenZoneFeature = Type.Object({ ...ZoneFeature.properties, audit: Type.Optional(AuditEffect) })
export type WrittenZoneFeature = Static<typeof WrittenZoneFeature>

export const DeletedZone = Type.Object({
  deleted: Type.Literal(true),
  audit: Type.Optional(AuditEffect),
})
export type DeletedZone = Static<typeof DeletedZone>

export { AuditQuery }

export const ZoneFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(ZoneFeature),
  truncated: Type.Boolean({ description: 'More zones matched than `limit`' }),
  next_after: Type.Optional(
    Type.Integer({ description: 'When paging with `after` and the page is full: the `after` of the next page (the last id listed)' }),
  ),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'With `total=true`: how many zones match, on every page together' })),
})
export type ZoneFeatureCollection = Static<typeof ZoneFeatureCollection>

const at = Type.String({
  description: 'ISO 8601 time: show who held each duty then (default now). Without an offset: China Standard Time',
})

export const ZoneListQuery = Type.Object({
  kind: Type.Optional(Type.String({ description: `Comma-separated kinds: ${kindList}` })),
  bbox: Type.Optional(Type.String({ description: 'west,south,east,north in degrees: zones whose area meets the box' })),
  parent: Type.Optional(Type.String({ description: "Only the children of the zone with this code" })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name or code' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000, default: 10_000 })),
  after: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 2_147_483_647,
      description: 'Keyset paging: only zones with a greater id, in id order; 0 starts, `next_after` of a page continues',
    }),
  ),
  total: Type.Optional(Type.Boolean({ default: false, description: 'Also count every matching zone (`total`)' })),
  geometry: Type.Optional(Type.Union([Type.Literal('native'), Type.Literal('area')], { default: 'native' })),
  at: Type.Optional(at),
})
export type ZoneListQuery = Static<typeof ZoneListQuery>

export const ZoneGeometryQuery = Type.Object({
  geometry: Type.Optional(Type.Union([Type.Literal('native'), Type.Literal('area')], { default: 'native' })),
  at: Type.Optional(at),
})
export type ZoneGeometryQuery = Static<typeof ZoneGeometryQuery>

export const ZoneIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })
export const ZoneCodeParams = Type.Object({ kind: Type.String({ description: kindList }), code: Type.String({ minLength: 1, maxLength: 64 }) })
export type ZoneIdParams = Static<typeof ZoneIdParams>
export type ZoneCodeParams = Static<typeof ZoneCodeParams>

const widthM = Type.Number({
  minimum: MIN_STREET_WIDTH_M,
  maximum: MAX_STREET_WIDTH_M,
  description: 'Owned width in metres (streets, segments)',
})
const streetClass = Type.String({ maxLength: 40, description: 'OpenStreetMap highway class: primary, secondary, …' })

export const CreateZoneBody = Type.Object(
  {
    kind: Type.String({ description: kindList }),
    code: Type.String({ maxLength: 64, description: 'Unique within the kind; CJ/T 213 digits below coded parents' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    parent: Type.Optional(nullable(Type.String({ description: "The parent's code" }))),
    parent_id: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }))),
    geometry: GeometryInput,
    width_m: Type.Optional(nullable(widthM)),
    street_class: Type.Optional(nullable(streetClass)),
  },
  { additionalProperties: false },
)
export type CreateZoneBody = Static<typeof CreateZoneBody>

export const UpdateZoneBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The version you edited' }),
    code: Type.Optional(Type.String({ maxLength: 64 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    parent: Type.Optional(nullable(Type.String({ description: "The new parent's code; null to detach" }))),
    parent_id: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }))),
    geometry: Type.Optional(GeometryInput),
    width_m: Type.Optional(widthM),
    street_class: Type.Optional(nullable(streetClass)),
  },
  { additionalProperties: false },
)
export type UpdateZoneBody = Static<typeof UpdateZoneBody>

export const DeleteZoneQuery = Type.Object({
  version: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The version you mean to delete' }),
  cascade: Type.Optional(Type.Boolean({ default: false, description: 'Delete every zone below it too' })),
  ...AuditQuery.properties,
})
export type DeleteZoneQuery = Static<typeof DeleteZoneQuery>
