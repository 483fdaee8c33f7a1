import { Type, type Static } from 'typebox'
import { literals, nullable } from '../kernel/schemas.js'

/**
 * The shapes of the 门前三包 credit API (docs/credit.md). Inputs are checked here for their types;
 * the service checks what needs the database (the party is the frontage's merchant, the scope)
 * and the cross-field rules, naming the field. Answers are open objects, written out in
 * credit.repository.ts.
 */

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const Reason = Type.String({ minLength: 1, maxLength: 500, description: 'Why (shown in the record and the audit trail)' })

export const cardColours = ['yellow', 'red'] as const
export type CardColour = (typeof cardColours)[number]
export const ruleTriggers = ['case', 'overdue_case', 'failed_inspection', 'passed_inspection', 'quiet_month', 'yellow_card'] as const
export type RuleTrigger = (typeof ruleTriggers)[number]

export const PartyParams = Type.Object({ partyId: Id })
export const ZoneParams = Type.Object({ zoneId: Id })
export const CardParams = Type.Object({ id: Id })

export const ListQuery = Type.Object(
  {
    zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A zone code: merchants of the frontages under it' })),
    card: Type.Optional(literals(cardColours, 'Only merchants with a card of this colour in force')),
    sort: Type.Optional(literals(['points', 'name', 'cards'] as const, 'points (lowest first), name (default), cards (most red, then yellow, first)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
)
export type ListQuery = Static<typeof ListQuery>

export const CardBody = Type.Object(
  {
    party_id: Id,
    zone_id: Id,
    colour: literals(cardColours, 'yellow or red'),
    reason: Reason,
    expires_at: Type.Optional(nullable(Type.String({ maxLength: 40, description: 'ISO 8601; absent or null: in force until revoked' }))),
  },
  { additionalProperties: false },
)
export type CardBody = Static<typeof CardBody>

export const RevokeBody = Type.Object({ version: Id, reason: Reason }, { additionalProperties: false })
export type RevokeBody = Static<typeof RevokeBody>

export const PointsBody = Type.Object(
  {
    party_id: Id,
    zone_id: Id,
    delta: Type.Integer({ minimum: -1000, maximum: 1000, description: 'Points added (positive) or deducted (negative), not 0' }),
    reason: Reason,
  },
  { additionalProperties: false },
)
export type PointsBody = Static<typeof PointsBody>

export const InspectionBody = Type.Object(
  {
    zone_id: Id,
    party_id: Type.Optional(Id),
    at: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, not in the future (default now)' })),
    passed: Type.Boolean(),
    findings: Type.Optional(Type.String({ maxLength: 2000, description: 'Required when failed' })),
    points: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: 'Points given with the inspection (not 0)' })),
  },
  { additionalProperties: false },
)
export type InspectionBody = Static<typeof InspectionBody>

export const RuleInput = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 40, description: 'Stable name: facts used by a rule stay used across versions' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    trigger: literals(ruleTriggers, ruleTriggers.join(', ')),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    window_days: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: 3660 }))),
    card: Type.Optional(nullable(literals(cardColours, 'yellow or red'))),
    card_days: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: 3660 }))),
    points: Type.Optional(nullable(Type.Integer({ minimum: -1000, maximum: 1000 }))),
    effective_from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601; default: as the same key was, or now' })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type RuleInput = Static<typeof RuleInput>

export const RulesBody = Type.Object(
  {
    version: Id,
    initial_points: Type.Optional(Type.Integer({ minimum: -100000, maximum: 100000 })),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    rules: Type.Array(RuleInput, { maxItems: 100 }),
  },
  { additionalProperties: false },
)
export type RulesBody = Static<typeof RulesBody>

export const EvaluateBody = Type.Object(
  { zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only the frontages under this zone code' })) },
  { additionalProperties: false },
)
export type EvaluateBody = Static<typeof EvaluateBody>

export const OpenObject = Type.Object({}, { additionalProperties: true })
export const OpenList = Type.Array(OpenObject)
