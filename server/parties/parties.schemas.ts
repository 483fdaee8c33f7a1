import { Type } from 'typebox'
import { partyTypes } from '../db/database.js'
import { nullable } from '../zones/zones.schemas.js'

export { ErrorResponse } from '../zones/zones.schemas.js'

const typeList = partyTypes.join(', ')
const phone = Type.String({ maxLength: 40 })
const title = Type.String({ maxLength: 200, description: 'Office held, e.g. 区城管局局长' })
const role = Type.String({ maxLength: 40, description: 'Chief role: 街长, 段长, 网格长, …' })

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })

export const HeldZone = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  code: Type.String(),
  name: Type.String(),
  duty: Type.String(),
})

export const Party = Type.Object({
  id: Type.Integer(),
  type: Type.String({ description: typeList }),
  name: Type.String(),
  phone: nullable(Type.String()),
  title: nullable(Type.String()),
  role: nullable(Type.String()),
  version: Type.Integer(),
  zones: Type.Array(HeldZone, { description: 'Zones the party answers for now' }),
})
export const PartyList = Type.Array(Party)

export const PartyListQuery = Type.Object({
  type: Type.Optional(Type.String({ description: typeList })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name or phone' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500 })),
})

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
  duty: Type.String(),
  party: Type.Object({
    id: Type.Integer(),
    type: Type.String(),
    name: Type.String(),
    phone: nullable(Type.String()),
    title: nullable(Type.String()),
    role: nullable(Type.String()),
  }),
  valid_from: Type.String({ format: 'date-time' }),
  valid_to: nullable(Type.String({ format: 'date-time', description: 'null: still holds the duty' })),
  version: Type.Integer(),
})
export const AssignmentList = Type.Array(Assignment, { description: 'Newest first' })

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
export const CreateCategoryBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false })

export const ZoneCategoryParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), category: Type.String({ minLength: 1, maxLength: 100 }) })

export const CategoryRoute = Type.Object({
  category: Type.String(),
  department: Type.Object({ id: Type.Integer(), name: Type.String(), phone: nullable(Type.String()) }),
  via: Type.Object({ id: Type.Integer(), code: Type.String(), kind: Type.String() }),
  inherited: Type.Boolean({ description: 'Set by an ancestor, not by this zone' }),
})
export const CategoryRouteList = Type.Array(CategoryRoute)

export const SetCategoryRouteBody = Type.Object(
  {
    department: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The department's name" })),
    department_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
)
