import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { Permission, Role } from '../kernel/permissions.js'
import { hashPassword, hashToken } from './secrets.js'

export interface NewAccount {
  login: string
  displayName: string
  password?: string
  mustChangePassword?: boolean
  partyId?: number | null
  demo?: boolean
}

export interface NewGrant {
  role: Role
  scopeZoneId?: number | null
  scopePartyId?: number | null
}

/** Creates an account with its grants; the caller checked the password against the policy. */
export async function createAccount(db: DbOrTx, account: NewAccount, grants: NewGrant[], grantedBy: number | null = null): Promise<number> {
  const { id } = await db
    .insertInto('account')
    .values({
      login: account.login,
      display_name: account.displayName,
      password_hash: account.password === undefined ? null : await hashPassword(account.password),
      must_change_password: account.mustChangePassword ?? false,
      party_id: account.partyId ?? null,
      demo: account.demo ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const grant of grants) await addGrant(db, id, grant, grantedBy)
  return id
}

export async function addGrant(db: DbOrTx, accountId: number, grant: NewGrant, grantedBy: number | null = null): Promise<void> {
  await db
    .insertInto('account_grant')
    .values({
      account_id: accountId,
      role: grant.role,
      scope_zone_id: grant.scopeZoneId ?? null,
      scope_party_id: grant.scopePartyId ?? null,
      granted_by: grantedBy,
    })
    .onConflict((conflict) => conflict.doNothing())
    .execute()
}

/** Stores an API token (only its hash); the caller hands the token to its owner once. */
export async function createApiToken(
  db: DbOrTx,
  accountId: number,
  token: string,
  name: string,
  options: { permissions?: Permission[] | null; expiresAt?: Date | null } = {},
): Promise<number> {
  const { id } = await db
    .insertInto('api_token')
    .values({
      account_id: accountId,
      token_hash: hashToken(token),
      name,
      permissions: options.permissions ?? null,
      expires_at: options.expiresAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

export async function countAccounts(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('account').select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow()
  return row.count
}

export async function accountIdByLogin(db: DbOrTx, login: string): Promise<number | undefined> {
  const row = await db.selectFrom('account').select('id').where('login', '=', login).executeTakeFirst()
  return row?.id
}
