import { Type, type Static } from 'typebox'
import { nullable } from '../kernel/schemas.js'
import type { AssessmentRow } from '../assessment/types.js'
import { indicatorKeys } from './indicators.js'
import { publicUnits } from './publication.js'

/**
 * The shapes of the reports API. The period is read as GET /api/assessment reads it
 * (server/assessment/period.ts), by hand, so that each problem names its field.
 */
const text = (description: string) => Type.Optional(Type.String({ maxLength: 64, description }))
const period = {
  from: text('Start: a day YYYY-MM-DD (Beijing time) or an ISO 8601 instant'),
  to: text('End, exclusive: a day YYYY-MM-DD (Beijing time) or an ISO 8601 instant'),
  period: text('Instead of from/to: a day 2026-11-05, an ISO week 2026-W48, a month 2026-11 or a quarter 2026-Q4'),
}
const sort = Type.Optional(Type.String({ maxLength: 40, description: `score (default) or an indicator: ${indicatorKeys.join(', ')}` }))

export const RankingQuery = Type.Object({ ...period, by: text('grid, street, community, subdistrict, department or person'), sort }, { additionalProperties: false })
export type RankingQuery = Static<typeof RankingQuery>

export const ExportQuery = Type.Object(
  {
    ...period,
    by: Type.Optional(Type.String({ maxLength: 120, description: 'One unit kind or several, comma-separated (a sheet or table each); the PDF defaults to grid,street,community' })),
    sort,
  },
  { additionalProperties: false },
)
export type ExportQuery = Static<typeof ExportQuery>

const RankedRowSchema = Type.Object({
  rank: nullable(Type.Integer()),
  code: Type.String(),
  name: Type.String(),
  zone_id: nullable(Type.Integer()),
  party_id: nullable(Type.Integer()),
  value: nullable(Type.Number()),
  score: Type.Number(),
  previous: nullable(Type.Object({ rank: nullable(Type.Integer()), value: nullable(Type.Number()), score: Type.Number() })),
  rank_change: nullable(Type.Integer()),
  value_change: nullable(Type.Number()),
  row: Type.Unsafe<AssessmentRow>({ type: 'object', additionalProperties: true, description: 'The assessment row of the unit, as GET /api/assessment answers it' }),
})

export const RankingAnswer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  previous_from: Type.String(),
  previous_to: Type.String(),
  by: Type.String(),
  sort: Type.String(),
  higher_is_better: Type.Boolean(),
  rules_version: Type.Integer(),
  rows: Type.Array(RankedRowSchema),
})

export const PublicationAnswer = Type.Object({
  enabled: Type.Boolean(),
  units: Type.Array(Type.String()),
  sort: Type.String(),
  indicators: Type.Array(Type.String()),
  title_name: nullable(Type.String()),
  version: Type.Integer(),
  updated_at: Type.String(),
})
export type PublicationAnswer = Static<typeof PublicationAnswer>

export const PublicationBody = Type.Object(
  {
    version: Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'The version read; another stored one → 409 version_conflict' }),
    enabled: Type.Optional(Type.Boolean()),
    units: Type.Optional(Type.Array(Type.String({ maxLength: 40, description: publicUnits.join(', ') }), { maxItems: 10 })),
    sort: Type.Optional(Type.String({ maxLength: 40 })),
    indicators: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
    title_name: Type.Optional(nullable(Type.String({ maxLength: 100 }))),
  },
  { additionalProperties: false },
)
export type PublicationBody = Static<typeof PublicationBody>

export const HtmlPage = Type.String({ description: 'An HTML page' })
export const FileAnswer = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The file' })
