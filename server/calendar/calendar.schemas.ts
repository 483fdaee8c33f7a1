import { Type, type Static } from 'typebox'
import { nullable } from '../kernel/schemas.js'

const hhmm = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$', description: 'Local time HH:MM (China Standard Time)' })
export const Periods = Type.Array(Type.Tuple([hhmm, hhmm]), {
  minItems: 1,
  maxItems: 12,
  description: 'Working periods of an ordinary working day, ascending and not overlapping',
})

export const CalendarDay = Type.Object({
  day: Type.String({ description: 'YYYY-MM-DD' }),
  working: Type.Boolean(),
  note: nullable(Type.String()),
})

export const Calendar = Type.Object({
  time_zone: Type.String(),
  periods: Periods,
  warn_ratio: Type.Number(),
  version: Type.Integer(),
  days: Type.Array(CalendarDay, { description: "The year's days that differ from Monday–Friday work" }),
})
export type Calendar = Static<typeof Calendar>
export const CalendarHead = Type.Object({ time_zone: Type.String(), periods: Periods, warn_ratio: Type.Number(), version: Type.Integer() })

export const CalendarQuery = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) }, { additionalProperties: false })
export const PutCalendarBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    periods: Type.Optional(Periods),
    warn_ratio: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
  },
  { additionalProperties: false },
)
export type PutCalendarBody = Static<typeof PutCalendarBody>

export const DayParams = Type.Object({ day: Type.String({ minLength: 1, maxLength: 20 }) })
export const PutDayBody = Type.Object(
  { working: Type.Boolean(), note: Type.Optional(nullable(Type.String({ maxLength: 100 }))) },
  { additionalProperties: false },
)
export const DeletedDay = Type.Object({ deleted: Type.Literal(true), day: Type.String() })

export const Limit = nullable(
  Type.Object({ value: Type.Integer(), unit: Type.Union([Type.Literal('working_hours'), Type.Literal('working_days'), Type.Literal('hours'), Type.Literal('days')]) }),
)
export const DueQuery = Type.Object(
  {
    category_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601; without an offset Beijing time; default now' })),
  },
  { additionalProperties: false },
)
export const Due = Type.Object({ limit: Limit, warn_at: nullable(Type.String()), due_at: nullable(Type.String()) })
