import { Type, type Static } from 'typebox'
import { AuditEffect } from '../coverage/coverage.schemas.js'
import { Contact, ZoneKind } from '../kernel/schemas.js'

export const Category = Type.Object({ id: Type.Integer(), name: Type.String() })
export const CategoryList = Type.Array(Category)
export type Category = Static<typeof Category>
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
