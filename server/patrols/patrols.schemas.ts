import { Type, type Static } from 'typebox'
import { literals, nullable } from '../kernel/schemas.js'

/**
 * The shapes of the patrols API. Positions, times and the finding's location are checked by the
 * service so that each problem names its field (`fixes[3].lat`); answers are open objects
 * described in docs/patrols.md.
 */

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const roles = ['chief', 'grid_worker', 'leader', 'department', 'volunteer', 'other'] as const
const Accuracy = Type.Number({ description: 'The tolerance a strip (street, segment, frontage) is credited within, metres, 0 to 1000 (default 15)' })

export const PatrolIdParams = Type.Object({ id: Id })
export type PatrolIdParams = Static<typeof PatrolIdParams>

export const StartBody = Type.Object(
  {
    role: Type.Optional(literals(roles, 'In which capacity; default from your role (grid worker, chief, leader, department)')),
    accuracy_m: Type.Optional(Accuracy),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    started_at: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601; default now' })),
  },
  { additionalProperties: false },
)
export type StartBody = Static<typeof StartBody>

export const FixesBody = Type.Object(
  {
    fixes: Type.Array(Type.Unknown(), { description: 'Positions in the order taken: {at, lon, lat, accuracy_m?}, WGS-84, at most 1000' }),
  },
  { additionalProperties: false },
)
export type FixesBody = Static<typeof FixesBody>

export const FindingBody = Type.Object(
  {
    category_id: Id,
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    location: Type.Unknown({ description: '{lon, lat, crs?}: where the problem is' }),
    accuracy_m: Type.Optional(Type.Number()),
    address: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
)
export type FindingBody = Static<typeof FindingBody>

export const GpxQuery = Type.Object(
  {
    role: Type.Optional(literals(roles)),
    accuracy_m: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
)
export type GpxQuery = Static<typeof GpxQuery>

export const ListQuery = Type.Object(
  {
    mine: Type.Optional(Type.Boolean({ description: 'Only your own patrols' })),
    state: Type.Optional(literals(['recording', 'done', 'discarded'] as const)),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Started at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Started before' })),
    zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A zone code the patrol is credited to' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    before: Type.Optional(Id),
  },
  { additionalProperties: false },
)
export type ListQuery = Static<typeof ListQuery>

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description })
export const PatrolAnswer = Open('A patrol: walker, state, totals, credits per zone (in your scope), findings; live totals while recording')
export const PatrolList = Type.Object({ patrols: Type.Array(Open('A patrol summary')), next_before: nullable(Type.Integer()) })
export const AppendAnswer = Type.Object({
  accepted: Type.Integer(),
  duplicates: Type.Integer({ description: 'Positions of a re-sent batch already stored' }),
  fixes: Type.Integer(),
  last_at: nullable(Type.String()),
  live: Open('distance_m, walking_s and the grids crossed so far'),
})
export const TrackAnswer = Open('GeoJSON FeatureCollection of the positions (Point, properties seq, at, accuracy_m, segment); empty once purged')
export const CaseAnswer = Open('The case filed from the finding (as GET /api/cases/:id)')
