import { Type, type Static } from 'typebox'
import { ZoneKind } from '../kernel/schemas.js'

/**
 * The import body is checked by import-format.ts, not by the schema, so that every problem of a
 * big file is reported at once with the feature's index; the schema only documents it.
 */
export const ImportBody = Type.Unknown({
  description:
    'A GeoJSON FeatureCollection in the import format (docs/import-format.md): each feature has properties ' +
    '{kind, code, name, parent?, width_m?, street_class?, chief?, department?, merchant?, fallback?, categories?, history?}; ' +
    'optional top-level `departments: [{name, phone}]` and `categories: [name]`. WGS-84 lon/lat.',
})


/** `?dry_run=1`, `?dry_run=true` or a bare `?dry_run`; `0` or `false` is a real import. */
const DryRun = Type.Union([Type.Literal(''), Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')], {
  description: 'Validate and count without writing anything: 1 or true',
})
export const isDryRun = (value: string | undefined) => value === '' || value === '1' || value === 'true'

export const ImportQuery = Type.Object({
  dry_run: Type.Optional(DryRun),
})
export type ImportQuery = Static<typeof ImportQuery>

export const OsmRoadsQuery = Type.Object({
  include: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Road classes left out by default to keep, comma-separated: footway,cycleway,steps,service,path,track,link',
    }),
  ),
  parent: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Code of the sub-district or community the streets belong to' })),
  dry_run: Type.Optional(DryRun),
})
export type OsmRoadsQuery = Static<typeof OsmRoadsQuery>

export const ImportResponse = Type.Object({
  created: Type.Object({
    zones: Type.Integer(),
    parties: Type.Integer(),
    assignments: Type.Integer(),
    categories: Type.Integer(),
    routes: Type.Integer({ description: 'Category routes (category → department at a zone)' }),
  }),
  dry_run: Type.Optional(Type.Boolean({ description: 'True when nothing was written: the counts are what an import would create' })),
})
export type ImportResponse = Static<typeof ImportResponse>

export const ExportQuery = Type.Object({
  root: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Export only this zone and the zones below it' })),
  root_kind: Type.Optional(ZoneKind),
})
export type ExportQuery = Static<typeof ExportQuery>

const Open = Type.Object({}, { additionalProperties: true })

export const ExportResponse = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    departments: Type.Array(Type.Object({ name: Type.String(), phone: Type.Optional(Type.String()) })),
    categories: Type.Array(Type.String()),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        properties: Type.Object(
          { kind: ZoneKind, code: Type.String(), name: Type.String() },
          { additionalProperties: true, description: 'As in the import format' },
        ),
        geometry: Open,
      }),
    ),
  },
  { description: 'Everything in the import format, ordered by kind (district first) then code' },
)

export type ExportResponse = Static<typeof ExportResponse>
