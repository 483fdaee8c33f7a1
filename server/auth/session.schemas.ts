import { Type, type Static } from 'typebox'
import { roles } from '../kernel/permissions.js'
import { literals, nullable, ZoneRef } from '../kernel/schemas.js'

/** Sign-in: `{login, password}`, or the second step `{challenge, code}` after a second_factor_required answer. */
export const LoginBody = Type.Object(
  {
    login: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    challenge: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 12 })),
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

/** The first step's answer for an account with a second factor: no session yet. */
export const SecondFactorRequired = Type.Object({
  second_factor_required: Type.Literal(true),
  challenge: Type.String({ description: 'Send it back with the code as POST /api/session {challenge, code} within 5 minutes' }),
})

export const PasswordChangeBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 200 }),
    new_password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)

export const SignOutQuery = Type.Object(
  { everywhere: Type.Optional(Type.Boolean({ description: 'End every session of the account, on every device' })) },
  { additionalProperties: false },
)

export const TotpEnrolment = Type.Object({
  secret: Type.String({ description: 'Base32 (RFC 4648), for typing into an authenticator app' }),
  otpauth_url: Type.String({ description: 'otpauth://totp/… for a QR code' }),
})

export const TotpConfirmBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 12 }) }, { additionalProperties: false })
