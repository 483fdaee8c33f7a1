import { Type, type Static } from 'typebox'
import { allPermissions } from '../kernel/permissions.js'
import { literals, nullable } from '../kernel/schemas.js'
import { GrantScopeView, RoleName } from './session.schemas.js'

export const LOGIN_PATTERN = '^[a-z0-9][a-z0-9._-]{1,63}$'

export const AccountGrant = Type.Object({ id: Type.Integer(), role: RoleName, scope: GrantScopeView })

export const AccountView = Type.Object({
  id: Type.Integer(),
  login: Type.String(),
  display_name: Type.String(),
  party_id: nullable(Type.Integer()),
  disabled: Type.Boolean(),
  locked_until: nullable(Type.String({ format: 'date-time' })),
  totp_enabled: Type.Boolean(),
  must_change_password: Type.Boolean(),
  demo: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
  grants: Type.Array(AccountGrant),
})
export type AccountView = Static<typeof AccountView>

export const GrantBody = Type.Object(
  {
    role: RoleName,
    scope_code: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'A district, sub-district or community code' })),
    scope_party_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'A chief or a department' })),
  },
  { additionalProperties: false },
)
export type GrantBody = Static<typeof GrantBody>

export const NewAccountBody = Type.Object(
  {
    login: Type.String({ pattern: LOGIN_PATTERN, description: '2 to 64 lower-case letters, digits and ._-' }),
    display_name: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    party_id: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }))),
    grants: Type.Optional(Type.Array(GrantBody, { maxItems: 50 })),
  },
  { additionalProperties: false },
)
export type NewAccountBody = Static<typeof NewAccountBody>

export const AccountPatchBody = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A reset: the person must change it at the next sign-in' })),
    totp_enabled: Type.Optional(Type.Literal(false, { description: 'Clear the second factor (a lost phone)' })),
  },
  { additionalProperties: false },
)
export type AccountPatchBody = Static<typeof AccountPatchBody>

export const GrantParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  grant: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
})

export const PermissionName = literals(allPermissions, allPermissions.join(', '))

export const NewTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    permissions: Type.Optional(Type.Array(PermissionName, { minItems: 1, maxItems: allPermissions.length })),
    expires_at: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601, in the future' })),
  },
  { additionalProperties: false },
)

export const NewToken = Type.Object({ id: Type.Integer(), name: Type.String(), token: Type.String({ description: 'Shown once; only its hash is kept' }) })

export const TokenView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  permissions: nullable(Type.Array(Type.String())),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: nullable(Type.String({ format: 'date-time' })),
  last_used_at: nullable(Type.String({ format: 'date-time' })),
  revoked_at: nullable(Type.String({ format: 'date-time' })),
})
