import { Type, type Static } from 'typebox'
import { AuditEffect } from '../coverage/coverage.schemas.js'
import { Contact, nullable, ZoneKind } from '../kernel/schemas.js'

export const Category = Type.Object({ id: Type.Integer(), name: Type.String() })
export type Category = Static<typeof Category>

// Issue 10 (deadlines): what the standards' category tables carry, and the time limit.
export const LimitUnit = Type.Union([Type.Literal('working_hours'), Type.Literal('working_days'), Type.Literal('hours'), Type.Literal('days')])
export const CategoryLimit = nullable(Type.Object({ value: Type.Integer(), unit: LimitUnit }, { description: '处置时限, counted from dispatch' }))
export const CategoryDetail = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  code: nullable(Type.String()),
  filing_condition: nullable(Type.String({ description: '立案条件' })),
  closing_condition: nullable(Type.String({ description: '结案条件' })),
  limit: CategoryLimit,
  public: Type.Boolean({ description: 'Citizens may pick it (QR page, Open311)' }),
  version: Type.Integer(),
})
export type CategoryDetail = Static<typeof CategoryDetail>
export const CategoryList = Type.Array(CategoryDetail)
export const PatchCategoryBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    code: Type.Optional(nullable(Type.String({ maxLength: 32 }))),
    filing_condition: Type.Optional(nullable(Type.String({ maxLength: 500 }))),
    closing_condition: Type.Optional(nullable(Type.String({ maxLength: 500 }))),
    limit: Type.Optional(nullable(Type.Object({ value: Type.Optional(Type.Integer()), unit: Type.Optional(Type.String()) }, { additionalProperties: false }))),
    public: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type PatchCategoryBody = Static<typeof PatchCategoryBody>
export const CreateCategoryBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false })

export const ZoneCategoryParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), category: Type.String({ minLength: 1, maxLength: 100 }) })

export const CategoryRoute = Type.Object({
  category: Type.String(),
  department: Contact,
  via: Type.Object({ id: Type.Integer(), code: Type.String(), kind: ZoneKind }, { description: 'The zone that sets the route' }),
  inherited: Type.Boolean({ description: 'Set by an ancestor, not by this zone' }),
})
export const CategoryRouteList = Type.Array(CategoryRoute)
export type CategoryRoute = Static<typeof CategoryRoute>
export const WrittenCategoryRoute = Type.Object({ ...CategoryRoute.properties, audit: Type.Optional(AuditEffect) })
export type WrittenCategoryRoute = Static<typeof WrittenCategoryRoute>
export const DeletedRoute = Type.Object({ deleted: Type.Literal(true), audit: Type.Optional(AuditEffect) })
export type DeletedRoute = Static<typeof DeletedRoute>

export const SetCategoryRouteBody = Type.Object(
  {
    department: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The department's name" })),
    department_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
)

export type CreateCategoryBody = Static<typeof CreateCategoryBody>
export type ZoneCategoryParams = Static<typeof ZoneCategoryParams>
export type SetCategoryRouteBody = Static<typeof SetCategoryRouteBody>
