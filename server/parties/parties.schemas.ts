import { Type, type Static } from 'typebox'
import { partyTypes } from '../db/database.js'
import { literals, nullable, ZoneRef } from '../kernel/schemas.js'

export const typeList = partyTypes.join(', ')
export const phone = Type.String({ maxLength: 40 })
export const title = Type.String({ maxLength: 200, description: 'Office held, e.g. 区城管局局长' })
export const role = Type.String({ maxLength: 40, description: 'Chief role: 街长, 段长, 网格长, …' })

/** A party's type and the duty it fills are the same words (DESIGN §3). */
export const PartyType = literals(partyTypes, typeList)

export const HeldZone = Type.Object({ ...ZoneRef.properties, duty: PartyType })
export type HeldZone = Static<typeof HeldZone>

export const Party = Type.Object({
  id: Type.Integer(),
  type: PartyType,
  name: Type.String(),
  phone: nullable(Type.String()),
  title: nullable(Type.String()),
  role: nullable(Type.String()),
  phone_private: Type.Boolean({ description: 'Shown masked (138****0053) to callers without parties.contact in scope' }),
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
    phone_private: Type.Optional(Type.Boolean()),
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
    phone_private: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export const VersionQuery = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })

export type CreatePartyBody = Static<typeof CreatePartyBody>
export type UpdatePartyBody = Static<typeof UpdatePartyBody>
export type VersionQuery = Static<typeof VersionQuery>
