import { Type, type Static } from 'typebox'
import { AuditEffect } from '../coverage/coverage.schemas.js'
import { Contact, nullable } from '../kernel/schemas.js'
import { PartyType, phone, role, title, typeList } from '../parties/parties.schemas.js'

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

export type AssignmentListQuery = Static<typeof AssignmentListQuery>
export type CreateAssignmentBody = Static<typeof CreateAssignmentBody>
export type EndAssignmentBody = Static<typeof EndAssignmentBody>
