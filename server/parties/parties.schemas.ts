import { Type, type Static } from 'typebox'
import { AuditEffect } from '../coverage/coverage.schemas.js'
import { partyTypes } from '../db/database.js'
import { Contact, literals, nullable, ZoneKind, ZoneRef } from '../kernel/schemas.js'

const typeList = partyTypes.join(', ')
const phone = Type.String({ maxLength: 40 })
const title = Type.String({ maxLength: 200, description: 'Office held, e.g. 区城管局局长' })
const role = Type.String({ maxLength: 40, description: 'Chief role: 街长, 段长, 网格长, …' })

/** A party's type and the duty it fills are the same words (DESIGN §3). */
const PartyType = literals(partyTypes, typeList)

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })
export type IdParams = Static<typeof IdParams>

export const HeldZone = Type.Object({ ...ZoneRef.properties, duty: PartyType })
export type HeldZone = Static<typeof HeldZone>

export const Party = Type.Object({
  id: Type.Integer(),
  type: PartyType,
  name: Type.String(),
  phone: nullable(Type.String()),
  title: nullable(Type.String()),
  role: nullable(Type.String()),
  version: Type.Integer(),
  zones: Type.Array(HeldZone, { description: 'Zones the party answers for now' }),
})
export const PartyList = Type.Array(Party)
export type Party = Static<typeof Party>

export const PartyListQuery = Type.Object({
  type: Type.Optional(Type.String({ description: typeList })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name or phone' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500 })),
})
export type PartyListQuery = Static<typeof PartyListQuery>

export const CreatePartyBody = Type.Object(
  {
    type: Type.String({ description: typeList }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    phone: Type.Optional(nullable(phone)),
    title: Type.Optional(nullable(title)),
    role: Type.Optional(nullable(role)),
  },
  { additionalProperties: false },
)

export const UpdatePartyBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    phone: Type.Optional(nullable(phone)),
    title: Type.Optional(nullable(title)),
    role: Type.Optional(nullable(role)),
  },
  { additionalProperties: false },
)

export const VersionQuery = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })

export const Assignment = Type.Object({
  id: Type.Integer(),
  zone_id: Type.Integer(),
  duty: PartyType,
  party: Type.Object({ ...Contact.properties, id: Type.Integer(), type: PartyType }, { description: 'The contact, with id, title and role, and its type' }),
  valid_from: Type.String({ format: 'date-time' }),
  valid_to: nullable(Type.String({ format: 'date-time', description: 'null: still holds the duty' })),
  version: Type.Integer(),
})
export const AssignmentList = Type.Array(Assignment, { description: 'Newest first' })
export type Assignment = Static<typeof Assignment>

/** Write responses carry what the write did to the coverage audit, unless ?audit=0. */
export const WrittenAssignment = Type.Object({ ...Assignment.properties, audit: Type.Optional(AuditEffect) })
export type WrittenAssignment = Static<typeof WrittenAssignment>

export const AssignmentListQuery = Type.Object({ duty: Type.Optional(Type.String({ description: typeList })) })

export const CreateAssignmentBody = Type.Object(
  {
    duty: Type.String({ description: `${typeList}: the slot the party fills` }),
    party_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    party: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 200 }),
          phone: Type.Optional(nullable(phone)),
          title: Type.Optional(nullable(title)),
          role: Type.Optional(nullable(role)),
        },
        { additionalProperties: false, description: 'Found by name and phone (departments by name), or created' },
      ),
    ),
    from: Type.Optional(Type.String({ description: 'ISO 8601; default now. Without an offset: China Standard Time' })),
  },
  { additionalProperties: false },
)

export const EndAssignmentBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    to: Type.Optional(Type.String({ description: 'ISO 8601; default now' })),
  },
  { additionalProperties: false },
)

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

export type CreatePartyBody = Static<typeof CreatePartyBody>
export type UpdatePartyBody = Static<typeof UpdatePartyBody>
export type VersionQuery = Static<typeof VersionQuery>
export type AssignmentListQuery = Static<typeof AssignmentListQuery>
export type CreateAssignmentBody = Static<typeof CreateAssignmentBody>
export type EndAssignmentBody = Static<typeof EndAssignmentBody>
export type CreateCategoryBody = Static<typeof CreateCategoryBody>
export type ZoneCategoryParams = Static<typeof ZoneCategoryParams>
export type SetCategoryRouteBody = Static<typeof SetCategoryRouteBody>
