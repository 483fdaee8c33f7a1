import { Type, type Static } from 'typebox'
import { literals, nullable } from '../kernel/schemas.js'
import { caseActions, caseStates } from './workflow.js'

/**
 * The shapes of the cases API. Inputs are described (and checked) here; coordinates, phones and
 * the category are checked by the service so that each problem names its field. Answers are
 * described loosely (open objects): the case carries its stored routing chain as it was.
 */

const Location = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    crs: Type.Optional(literals(['wgs84', 'gcj02', 'bd09'] as const, 'wgs84 (default), gcj02 or bd09')),
  },
  { additionalProperties: false },
)

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const Accuracy = Type.Number({ minimum: 0, maximum: 100000, description: 'Stated accuracy of the point, metres (default 10 for the near-border flag)' })

export const PreviewBody = Type.Object({ category_id: Id, location: Location, accuracy_m: Type.Optional(Accuracy) }, { additionalProperties: false })
export type PreviewBody = Static<typeof PreviewBody>

export const CreateCaseBody = Type.Object(
  {
    channel: literals(['hotline', 'patrol', 'app'] as const, 'hotline (12345), patrol, app'),
    category_id: Id,
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    location: Location,
    accuracy_m: Type.Optional(Accuracy),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    reporter_name: Type.Optional(Type.String({ maxLength: 100 })),
    reporter_phone: Type.Optional(Type.String({ maxLength: 40 })),
    external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
)
export type CreateCaseBody = Static<typeof CreateCaseBody>

export const PublicCaseBody = Type.Object(
  {
    signboard_code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    category_id: Id,
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    location: Type.Optional(
      Type.Object(
        { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }), accuracy_m: Type.Optional(Accuracy) },
        { additionalProperties: false },
      ),
    ),
    reporter_phone: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
)
export type PublicCaseBody = Static<typeof PublicCaseBody>

export const ActionBody = Type.Object(
  {
    action: literals(caseActions, caseActions.join(', ')),
    version: Type.Integer({ minimum: 1, description: 'The version of the case read last; a stale one is 409 version_conflict' }),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Internal note (never public)' })),
    public_note: Type.Optional(Type.String({ maxLength: 500, description: "Shown on the citizen's follow-up page, for public steps" })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    assignee_party_id: Type.Optional(Id),
    extension: Type.Optional(Type.Object({ value: Type.Integer({ minimum: 1, maximum: 10000 }), unit: literals(['working_hours', 'working_days', 'hours', 'days'] as const) }, { additionalProperties: false })),
    duplicate_of: Type.Optional(Id),
    photo_ids: Type.Optional(Type.Array(Id, { maxItems: 20 })),
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)
export type ActionBody = Static<typeof ActionBody>

export const RatingBody = Type.Object({ rating: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })
export type RatingBody = Static<typeof RatingBody>

export const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.String({ pattern: `^(${caseStates.join('|')})(,(${caseStates.join('|')}))*$`, description: 'One state or several, comma-separated' })),
    category_id: Type.Optional(Id),
    zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A zone code: cases in it or under it' })),
    department_id: Type.Optional(Id),
    assignee_party_id: Type.Optional(Id),
    overdue: Type.Optional(Type.Boolean()),
    mine: Type.Optional(Type.Boolean({ description: "Cases assigned to the caller's party" })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A case number, or text in the description or address' })),
    before: Type.Optional(Id),
    after: Type.Optional(Type.String({ maxLength: 40, description: 'mine=true: the next_after of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
)
export type ListQuery = Static<typeof ListQuery>

export const MapQuery = Type.Object({ bbox: Type.String({ maxLength: 200, description: 'w,s,e,n in WGS-84' }) }, { additionalProperties: false })
export const PhotoQuery = Type.Object({ purpose: Type.Optional(literals(['report', 'feedback', 'verification'] as const)) }, { additionalProperties: false })
export const PublicCategoriesQuery = Type.Object({ lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })), lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })) }, { additionalProperties: false })

export const CaseIdParams = Type.Object({ id: Id })
export const CasePhotoParams = Type.Object({ id: Id, photo: Id })
export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 64 }) })
export const TokenPhotoParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 64 }), photo: Id })

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description })
export const CaseAnswer = Open('A case: state, routing as at intake, clock, reporter (phone masked without cases.contact), timeline, photos, actions the caller may take now')
export const CaseList = Type.Object({
  cases: Type.Array(Open('A case summary')),
  next_before: nullable(Type.Integer()),
  next_after: Type.Optional(nullable(Type.String({ description: 'mine=true: pass as after for the next page (by due time)' }))),
})
export const PreviewAnswer = Open('Routing, flags, owner, department and possible duplicates; nothing is written')
export const FeatureCollection = Open('GeoJSON FeatureCollection of open cases, property urgency: overdue, warning, normal, none')
export const PhotoAnswer = Type.Object({ id: Type.Integer(), byte_size: Type.Integer(), sha256: Type.String() })
export const Reporter = Type.Object({ name: nullable(Type.String()), phone: nullable(Type.String()) })
export const PublicCreated = Type.Object({ number: Type.String(), token: Type.String(), follow_url: Type.String() })
export const PublicCase = Open("The citizen's view: number, state, category, public timeline, public photo ids, rating")
export const PublicCategories = Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), code: nullable(Type.String()) }))
