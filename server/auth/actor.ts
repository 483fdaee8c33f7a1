import type { Db } from '../db/database.js'
import { isPermission, isRole, roleTable, type Permission, type Role } from '../kernel/permissions.js'

/** Where a grant applies (sql/004_accounts.sql, account_grant). */
export type GrantScope =
  | { kind: 'all' }
  | { kind: 'jurisdiction'; zoneId: number }
  | { kind: 'party'; partyId: number }

export interface ActorGrant {
  role: Role
  scope: GrantScope
}

/** The person or system a request acts for, found from its session cookie or API token. */
export interface Actor {
  accountId: number
  login: string
  displayName: string
  /** The party this person is (a chief, a handler), when the account is linked to one. */
  partyId: number | null
  via: 'session' | 'token'
  grants: ActorGrant[]
  /** An API token limited to some permissions: only these count, whatever the roles say. */
  tokenPermissions: readonly Permission[] | null
  /** The session's stored hash and CSRF token, for a request signed in by cookie. */
  session?: { tokenHash: string; csrfToken: string }
  /** The API token's id, for a request that sent one. */
  tokenId?: number
}

export function scopeOf(row: { scope_zone_id: number | null; scope_party_id: number | null }): GrantScope {
  if (row.scope_zone_id !== null) return { kind: 'jurisdiction', zoneId: row.scope_zone_id }
  if (row.scope_party_id !== null) return { kind: 'party', partyId: row.scope_party_id }
  return { kind: 'all' }
}

/** The grants of an account whose role is still in the role table (a role removed from it grants nothing). */
export async function loadGrants(db: Db, accountId: number): Promise<ActorGrant[]> {
  const rows = await db
    .selectFrom('account_grant')
    .select(['role', 'scope_zone_id', 'scope_party_id'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute()
  return rows.flatMap((row) => (isRole(row.role) ? [{ role: row.role, scope: scopeOf(row) }] : []))
}

/** The grants that give `permission`: the scopes within which the actor may use it. */
export function grantsWith(actor: Actor, permission: Permission): ActorGrant[] {
  if (actor.tokenPermissions && !actor.tokenPermissions.includes(permission)) return []
  return actor.grants.filter((grant) => (roleTable[grant.role].permissions as readonly Permission[]).includes(permission))
}

export function hasPermission(actor: Actor, permission: Permission): boolean {
  return grantsWith(actor, permission).length > 0
}

/** Every permission the actor holds somewhere, for the client to show the tools it may use. */
export function permissionsOf(actor: Actor): Permission[] {
  const held = new Set<Permission>()
  for (const grant of actor.grants) for (const permission of roleTable[grant.role].permissions) held.add(permission)
  return [...held].filter((permission) => !actor.tokenPermissions || actor.tokenPermissions.includes(permission)).sort()
}

/** A stored token's permission list, keeping only names the table knows. */
export function tokenPermissionList(stored: string[] | null): Permission[] | null {
  return stored === null ? null : stored.filter(isPermission)
}

/** The account columns an actor is built from. */
export interface ActorAccount {
  id: number
  login: string
  display_name: string
  party_id: number | null
}

/** An actor for `account` as a session or token holds it; its grants are the ones given (or read). */
export function actorOf(
  account: ActorAccount,
  grants: ActorGrant[],
  credential: { via: 'session'; tokenHash: string; csrfToken: string } | { via: 'token'; tokenId: number; permissions: readonly Permission[] | null },
): Actor {
  const base = { accountId: account.id, login: account.login, displayName: account.display_name, partyId: account.party_id, grants }
  return credential.via === 'session'
    ? { ...base, via: 'session', tokenPermissions: null, session: { tokenHash: credential.tokenHash, csrfToken: credential.csrfToken } }
    : { ...base, via: 'token', tokenPermissions: credential.permissions, tokenId: credential.tokenId }
}
