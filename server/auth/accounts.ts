import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { DomainError } from '../errors.js'
import { roleTable, type Permission, type Role, type ScopeKind } from '../kernel/permissions.js'
import { hashPassword, hashToken, randomToken } from './secrets.js'

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

/** A grant as the API and the CLI name it: a role, and a jurisdiction's code or a party's id. */
export interface GrantRequest {
  role: Role
  scope_code?: string | null
  scope_party_id?: number | null
}

const jurisdictionKinds = new Set(['district', 'subdistrict', 'community'])
/** Which party types a party-scoped role may be given: a chief their zones, a handler their department. */
const partyTypesOf: Partial<Record<Role, string[]>> = { chief: ['chief'], department_handler: ['department'] }

/**
 * Checks a grant against the role's allowed scope kinds (kernel/permissions.ts `scopes`) and finds
 * its zone or party. Throws 400 invalid_scope / not_a_jurisdiction naming `field` (e.g.
 * `grants[1].scope_code`); the field prefix lets the accounts API point into its list.
 */
export async function resolveGrant(db: DbOrTx, request: GrantRequest, fieldPrefix = ''): Promise<NewGrant> {
  const allowed = roleTable[request.role].scopes as readonly ScopeKind[]
  const code = request.scope_code ?? null
  const partyId = request.scope_party_id ?? null
  const field = (name: string) => `${fieldPrefix}${name}`
  if (code !== null && partyId !== null) {
    throw new DomainError('invalid_scope', 'A grant has one scope: scope_code or scope_party_id, not both', [
      { field: field('scope_party_id'), reason: 'give either scope_code or scope_party_id' },
    ])
  }
  if (code !== null) {
    if (!allowed.includes('jurisdiction')) {
      throw new DomainError('invalid_scope', `The role ${request.role} cannot be scoped to a jurisdiction (it allows: ${allowed.join(', ')})`, [
        { field: field('scope_code'), reason: `${request.role} allows the scopes ${allowed.join(', ')}` },
      ])
    }
    const zone = await db.selectFrom('zone').select(['id', 'kind']).where('code', '=', code).orderBy('id').execute()
    const jurisdiction = zone.find((row) => jurisdictionKinds.has(row.kind))
    if (!jurisdiction) {
      throw new DomainError(
        zone.length ? 'not_a_jurisdiction' : 'invalid_scope',
        zone.length ? `The zone ${code} is a ${zone[0]!.kind}: a scope must be a district, sub-district or community` : `No zone has the code ${code}`,
        [{ field: field('scope_code'), reason: zone.length ? 'must be the code of a district, sub-district or community' : 'no zone has this code' }],
      )
    }
    return { role: request.role, scopeZoneId: jurisdiction.id }
  }
  if (partyId !== null) {
    if (!allowed.includes('party')) {
      throw new DomainError('invalid_scope', `The role ${request.role} cannot be scoped to a party (it allows: ${allowed.join(', ')})`, [
        { field: field('scope_party_id'), reason: `${request.role} allows the scopes ${allowed.join(', ')}` },
      ])
    }
    const party = await db.selectFrom('party').select(['id', 'type']).where('id', '=', partyId).executeTakeFirst()
    const types = partyTypesOf[request.role]
    if (!party || (types && !types.includes(party.type))) {
      throw new DomainError('invalid_scope', party ? `The party ${partyId} is a ${party.type}; ${request.role} needs a ${types!.join(' or ')}` : `No party has the id ${partyId}`, [
        { field: field('scope_party_id'), reason: party ? `must be a ${types!.join(' or ')}` : 'no party has this id' },
      ])
    }
    return { role: request.role, scopePartyId: party.id }
  }
  if (!allowed.includes('all')) {
    const needs = allowed.includes('jurisdiction') ? 'scope_code' : 'scope_party_id'
    throw new DomainError('invalid_scope', `The role ${request.role} needs a scope (${allowed.join(', ')}), not the whole city`, [
      { field: field(needs), reason: `${request.role} needs a ${allowed.join(' or ')} scope` },
    ])
  }
  return { role: request.role }
}

/** Roles that must not be held together by one account (等保 2.0 三员分立). */
const incompatible: [Role, Role][] = [['system_admin', 'audit_admin']]
/** Roles nobody grants to themselves: the audit, the policy and everything. */
export const noSelfGrant: readonly Role[] = ['audit_admin', 'security_admin', 'administrator']

/**
 * Refuses a grant that breaks the separation of duties: 409 separation_of_duties when the
 * account would hold two incompatible roles, or when `grantedBy` gives themselves an
 * administrative role; 403 forbidden when someone who is not an administrator grants `administrator`.
 */
export async function checkSeparation(db: DbOrTx, accountId: number, newRoles: Role[], grantedBy: { accountId: number; isAdministrator: boolean } | null): Promise<void> {
  const held = await db.selectFrom('account_grant').select('role').where('account_id', '=', accountId).execute()
  const roles = new Set<string>([...held.map((row) => row.role), ...newRoles])
  for (const [a, b] of incompatible) {
    if (roles.has(a) && roles.has(b)) {
      throw new DomainError('separation_of_duties', `One account may not hold both ${a} and ${b}: give them to two people`, { roles: [a, b] })
    }
  }
  if (!grantedBy) return
  if (newRoles.includes('administrator') && !grantedBy.isAdministrator) {
    throw new DomainError('forbidden', 'Only the bootstrap administrator may grant the administrator role', { permission: 'administrator' })
  }
  const self = newRoles.filter((role) => noSelfGrant.includes(role))
  if (grantedBy.accountId === accountId && self.length && !held.some((row) => row.role === 'administrator')) {
    throw new DomainError('separation_of_duties', `Nobody grants themselves ${self.join(', ')}: another administrator must`, { roles: self })
  }
}

/** Ends every signed-in session of an account (sign-out everywhere, a password reset, a disabled account). */
export async function endSessions(db: DbOrTx, accountId: number, except?: string): Promise<void> {
  let query = db.deleteFrom('account_session').where('account_id', '=', accountId)
  if (except) query = query.where('token_hash', '!=', except)
  await query.execute()
}

/** A password for a reset or a CLI add without one: 20 URL-safe characters, which every default policy accepts. */
export function oneTimePassword(): string {
  // randomToken is base64url of 32 bytes; prefixing a fixed mix guarantees all four character classes.
  return `Jz-9${randomToken().slice(0, 16)}`
}
