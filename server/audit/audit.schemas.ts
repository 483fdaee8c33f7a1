import { Type, type Static } from 'typebox'
import { IdParams, nullable } from '../kernel/schemas.js'

export const MAX_AUDIT_PAGE = 1000
export const MAX_AUDIT_EXPORT_ROWS = 100_000

const filterFields = {
  login: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Exactly this login' })),
  action: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z_.]+$', description: 'An action (zone.update), or a prefix ending in a dot (zone.)' }),
  ),
  object_type: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'zone, party, account, token, security_policy, category' })),
  object_id: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601: events at or after (China Standard Time without an offset)' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601: events before' })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: "Keyset paging: the previous page's next_before" })),
}

export const AuditListQuery = Type.Object({
  ...filterFields,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AUDIT_PAGE, default: 100 })),
})
export type AuditListQuery = Static<typeof AuditListQuery>

export const AuditExportQuery = Type.Object({
  ...filterFields,
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { default: 'csv' })),
})
export type AuditExportQuery = Static<typeof AuditExportQuery>

const State = Type.Unknown({ description: 'The object as the API showed it, geometry as {type, bbox}, secrets removed' })
const Outcome = Type.Union([Type.Literal('ok'), Type.Literal('refused'), Type.Literal('failed')])

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  login: nullable(Type.String()),
  account_id: nullable(Type.Integer()),
  via: nullable(Type.String()),
  address: nullable(Type.String()),
  user_agent: nullable(Type.String()),
  action: Type.String(),
  object_type: nullable(Type.String()),
  object_id: nullable(Type.String()),
  object_code: nullable(Type.String()),
  outcome: Outcome,
  status: nullable(Type.Integer()),
  method: nullable(Type.String()),
  path: nullable(Type.String()),
  route: nullable(Type.String()),
  comment: nullable(Type.String()),
  before: State,
  after: State,
})

export const AuditPage = Type.Object({
  events: Type.Array(AuditEvent),
  next_before: nullable(Type.Integer({ description: 'Pass as before= for the next (older) page; null at the end' })),
})

export const ZoneHistoryParams = IdParams
export const ZoneHistoryQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AUDIT_PAGE, default: 200 })) })

export const ZoneHistory = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.String({ format: 'date-time' }),
      login: nullable(Type.String()),
      display_name: nullable(Type.String()),
      action: Type.String(),
      comment: nullable(Type.String()),
      outcome: Outcome,
      status: nullable(Type.Integer()),
      before: State,
      after: State,
    }),
  ),
})
