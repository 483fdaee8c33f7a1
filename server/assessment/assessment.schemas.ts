import { Type, type Static } from 'typebox'
import { nullable } from '../kernel/schemas.js'
import { indicators } from './rules.js'

/**
 * The shapes of the assessment API (server/assessment/types.ts in TypeBox). The query and the
 * rules body are read by hand (period.ts, rules.ts) so that each problem names its field.
 */

const text = (description: string) => Type.Optional(Type.String({ maxLength: 64, description }))

export const AssessmentQuerystring = Type.Object(
  {
    from: text('Start: a day YYYY-MM-DD (Beijing time) or an ISO 8601 instant'),
    to: text('End, exclusive: a day YYYY-MM-DD (Beijing time) or an ISO 8601 instant'),
    period: text('Instead of from/to: a day 2026-11-05, an ISO week 2026-W48, a month 2026-11 or a quarter 2026-Q4'),
    by: text('grid, street, community, subdistrict, department or person'),
  },
  { additionalProperties: false },
)
export type AssessmentQuerystring = Static<typeof AssessmentQuerystring>

const count = Type.Integer({ minimum: 0 })
const rate = nullable(Type.Number())

const Rates = Type.Object(Object.fromEntries(indicators.map((name) => [name, rate])) as Record<(typeof indicators)[number], typeof rate>)

export const AssessmentRowSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  zone_id: nullable(Type.Integer()),
  party_id: nullable(Type.Integer()),
  received: count,
  filed: count,
  dispatched: count,
  due: count,
  closed: count,
  closed_on_time: count,
  reworked: count,
  extended: count,
  parked: count,
  found_on_patrol: count,
  reported_by_public: count,
  patrols: count,
  patrols_required: count,
  mean_handling_hours: nullable(Type.Number()),
  ratings: count,
  mean_rating: nullable(Type.Number()),
  rates: Rates,
  score: Type.Number(),
  score_parts: Type.Record(Type.String(), Type.Number()),
})

export const AssessmentReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  by: Type.String(),
  rules_version: Type.Integer(),
  rows: Type.Array(AssessmentRowSchema),
})

const IndicatorRuleSchema = Type.Object({ weight: Type.Number(), threshold: Type.Number(), floor: Type.Number() })
const channels = Type.Array(Type.String())

export const RulesSchema = Type.Object({
  indicators: Type.Object(Object.fromEntries(indicators.map((name) => [name, IndicatorRuleSchema])) as Record<(typeof indicators)[number], typeof IndicatorRuleSchema>),
  exclude_parked_from_due: Type.Boolean(),
  patrol_min_metres: Type.Number(),
  patrol_min_minutes: Type.Number(),
  patrol_channels: channels,
  public_channels: channels,
  version: Type.Integer(),
  updated_at: Type.String(),
})

/** Checked field by field in rules.ts (readRules), so that a problem names its field. */
export const PutRulesBody = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: true })
export type PutRulesBody = Static<typeof PutRulesBody>
