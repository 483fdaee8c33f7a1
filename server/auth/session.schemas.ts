import { Type, type Static } from 'typebox'
import { roles } from '../kernel/permissions.js'
import { literals, nullable, ZoneRef } from '../kernel/schemas.js'

export const LoginBody = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)
export type LoginBody = Static<typeof LoginBody>

export const RoleName = literals(roles, roles.join(', '))

export const GrantScopeView = Type.Union([
  Type.Object({ kind: Type.Literal('all') }),
  Type.Object({ kind: Type.Literal('jurisdiction'), zone: ZoneRef }),
  Type.Object({ kind: Type.Literal('party'), party: Type.Object({ id: Type.Integer(), type: Type.String(), name: Type.String() }) }),
])

export const GrantView = Type.Object({
  role: RoleName,
  role_label: Type.Object({ zh: Type.String(), en: Type.String() }),
  scope: GrantScopeView,
})
export type GrantView = Static<typeof GrantView>

/** Who is signed in and what they may do: the answer of GET and POST /api/session. */
export const SessionInfo = Type.Object({
  account: Type.Object({
    id: Type.Integer(),
    login: Type.String(),
    display_name: Type.String(),
    party_id: nullable(Type.Integer()),
    must_change_password: Type.Boolean(),
    demo: Type.Boolean(),
  }),
  via: literals(['session', 'token'] as const, 'session, token'),
  grants: Type.Array(GrantView),
  permissions: Type.Array(Type.String(), { description: 'Every permission held in some scope (server/kernel/permissions.ts)' }),
  csrf_token: nullable(Type.String({ description: 'Send it as the x-csrf-token header with every signed-in write' })),
})
export type SessionInfo = Static<typeof SessionInfo>
