import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { DomainError } from '../errors.js'
import { isPermission, roleTable, type RouteAccess } from '../kernel/permissions.js'
import { type Actor, actorOf, hasPermission, loadGrants, tokenPermissionList } from './actor.js'
import { loadPolicy, type SecurityPolicy } from './policy.js'
import { hashToken } from './secrets.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for; null for a citizen or a caller without credentials. */
    actor: Actor | null
  }
  interface FastifyContextConfig {
    /** What the route needs (server/kernel/permissions.ts). Every /api/ and /r/ route declares it. */
    access?: RouteAccess
  }
}

export const SESSION_COOKIE = 'jz_session'
export const CSRF_HEADER = 'x-csrf-token'

/** Routes under these prefixes must declare their access; the rest are the built client and /docs. */
const DECLARED_PREFIXES = ['/api/', '/r/']
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** How often a session's last activity, or a token's last use, is written back (not on every request). */
const TOUCH_AFTER_MS = 60_000
const POLICY_CACHE_MS = 10_000

let policyGeneration = 0
/** Called when the policy is written (PUT /api/security-policy): the next request reads it anew. */
export function forgetCachedPolicy(): void {
  policyGeneration++
}

export function routeNeedsDeclaration(url: string): boolean {
  return DECLARED_PREFIXES.some((prefix) => url.startsWith(prefix))
}

/**
 * Authentication and the route-level permission check, for every request before its body is
 * read: a request without the permission its route declares never reaches the route (a 128 MiB
 * import from a viewer is refused at once). Scope — whether this zone is in the actor's
 * jurisdiction — is checked where the object is known (server/auth/scope.ts).
 */
export async function installAuthentication(app: FastifyInstance, db: Db): Promise<void> {
  await app.register(cookie)
  app.decorateRequest('actor', null)

  app.addHook('onRoute', (route) => {
    if (!routeNeedsDeclaration(route.url)) return
    const access = route.config?.access
    if (access === undefined) {
      throw new Error(`${String(route.method)} ${route.url} declares no access: add config.access (server/kernel/permissions.ts)`)
    }
    if (access !== 'public' && access !== 'session' && !isPermission(access)) {
      throw new Error(`${String(route.method)} ${route.url} declares unknown access "${String(access)}"`)
    }
  })

  let policy: { value: SecurityPolicy; at: number; generation: number } | undefined
  const currentPolicy = async () => {
    if (!policy || policy.generation !== policyGeneration || Date.now() - policy.at > POLICY_CACHE_MS) {
      policy = { value: await loadPolicy(db), at: Date.now(), generation: policyGeneration }
    }
    return policy.value
  }

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access
    if (access === undefined) return
    if (access === 'public') {
      // Who is asking is only a courtesy on a public route: liveness, the citizen's page and the
      // sign-in must answer while the database is away, whatever credentials the caller sends.
      request.actor = await findActor(db, request, currentPolicy).then(
        (found) => found.actor,
        (error: unknown) => {
          request.log.warn({ err: error }, 'credentials not checked on a public route')
          return null
        },
      )
      return
    }
    const found = await findActor(db, request, currentPolicy)
    request.actor = found.actor
    if (!found.actor) {
      throw new DomainError(found.problem === 'expired' ? 'session_expired' : 'unauthenticated', unauthenticatedMessage(found.problem))
    }
    if (found.actor.session && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER]
      if (typeof sent !== 'string' || sent !== found.actor.session.csrfToken) {
        throw new DomainError('csrf_rejected', `A signed-in write must send the session's CSRF token in the ${CSRF_HEADER} header`)
      }
    }
    if (found.restriction && !allowedWhileRestricted[found.restriction].has(`${request.method} ${request.routeOptions.url}`)) {
      throw found.restriction === 'password_change_required'
        ? new DomainError('password_change_required', 'This account must change its password first: PUT /api/session/password with current_password and new_password')
        : new DomainError(
            'second_factor_required_setup',
            'The security policy requires administrators to use a second factor: enrol with POST /api/session/totp, then confirm a code with POST /api/session/totp/confirm',
          )
    }
    if (access === 'session') return
    if (!hasPermission(found.actor, access)) {
      const roleNames = found.actor.grants.map((grant) => grant.role)
      throw new DomainError(
        'forbidden',
        `${request.method} ${request.routeOptions.url} needs the permission ${access}; ` +
          `${found.actor.login} has ${roleNames.length ? `the roles ${[...new Set(roleNames)].join(', ')}` : 'no role'}` +
          (found.actor.tokenPermissions ? ' and a token limited to ' + found.actor.tokenPermissions.join(', ') : ''),
        { permission: access, roles_with_it: rolesWith(access) },
      )
    }
  })
}

export function rolesWith(permission: string): string[] {
  return Object.entries(roleTable)
    .filter(([, facts]) => (facts.permissions as readonly string[]).includes(permission))
    .map(([role]) => role)
}

/**
 * A signed-in session that may only finish setting itself up: its password must be changed, or
 * (requireTwoFactorForAdministrators) an administrator must enrol a second factor first.
 */
type Restriction = 'password_change_required' | 'second_factor_required_setup'
const ownSession = ['GET /api/session', 'HEAD /api/session', 'DELETE /api/session', 'PUT /api/session/password']
const allowedWhileRestricted: Record<Restriction, Set<string>> = {
  password_change_required: new Set(ownSession),
  second_factor_required_setup: new Set([...ownSession, 'POST /api/session/totp', 'POST /api/session/totp/confirm']),
}
/** The roles that, under requireTwoFactorForAdministrators, need a second factor. */
export const administrativeRoles = new Set(['system_admin', 'audit_admin', 'security_admin', 'administrator'])

type Problem = 'none' | 'expired' | 'invalid_token' | 'malformed_header' | 'pending_second_factor'

function unauthenticatedMessage(problem: Problem): string {
  switch (problem) {
    case 'expired':
      return 'The session has ended (idle too long, or past its limit): sign in again'
    case 'invalid_token':
      return 'The API token is not valid: unknown, revoked or expired'
    case 'malformed_header':
      return 'The Authorization header must be "Bearer <token>"'
    case 'pending_second_factor':
      return 'The second factor is still to come: send the code to POST /api/session'
    case 'none':
      return 'Sign in first (POST /api/session with login and password), or send an API token as "Authorization: Bearer <token>"'
  }
}

async function findActor(
  db: Db,
  request: FastifyRequest,
  currentPolicy: () => Promise<SecurityPolicy>,
): Promise<Found> {
  const header = request.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,200})$/.exec(header.trim())
    if (!match) return { actor: null, problem: 'malformed_header' }
    return actorFromToken(db, match[1]!)
  }
  const token = request.cookies[SESSION_COOKIE]
  if (token) return actorFromSession(db, token, await currentPolicy())
  return { actor: null, problem: 'none' }
}

async function actorFromToken(db: Db, token: string): Promise<{ actor: Actor | null; problem: Problem }> {
  const row = await db
    .selectFrom('api_token')
    .innerJoin('account', 'account.id', 'api_token.account_id')
    .select([
      'api_token.id as token_id', 'api_token.permissions', 'api_token.last_used_at',
      'account.id', 'account.login', 'account.display_name', 'account.party_id',
    ])
    .where('api_token.token_hash', '=', hashToken(token))
    .where('api_token.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_token.expires_at', 'is', null), eb('api_token.expires_at', '>', sql<Date>`now()`)]))
    .where('account.disabled', '=', false)
    .executeTakeFirst()
  if (!row) return { actor: null, problem: 'invalid_token' }
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > TOUCH_AFTER_MS) {
    await db.updateTable('api_token').set({ last_used_at: sql<Date>`now()` }).where('id', '=', row.token_id).execute()
  }
  const actor = actorOf(row, await loadGrants(db, row.id), { via: 'token', tokenId: row.token_id, permissions: tokenPermissionList(row.permissions) })
  return { actor, problem: 'none' }
}

interface Found {
  actor: Actor | null
  problem: Problem
  restriction?: Restriction
}

async function actorFromSession(db: Db, token: string, policy: SecurityPolicy): Promise<Found> {
  const tokenHash = hashToken(token)
  const row = await db
    .selectFrom('account_session')
    .innerJoin('account', 'account.id', 'account_session.account_id')
    .select([
      'account_session.csrf_token', 'account_session.last_seen_at', 'account_session.expires_at',
      'account_session.pending_second_factor', 'account.id', 'account.login', 'account.display_name',
      'account.party_id', 'account.disabled', 'account.must_change_password', 'account.totp_enabled',
    ])
    .where('account_session.token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!row) return { actor: null, problem: 'expired' }
  const now = Date.now()
  const idleEnd = row.last_seen_at.getTime() + policy.sessionIdleMinutes * 60_000
  if (row.disabled || now >= row.expires_at.getTime() || now >= idleEnd) {
    await db.deleteFrom('account_session').where('token_hash', '=', tokenHash).execute()
    return { actor: null, problem: 'expired' }
  }
  if (row.pending_second_factor) return { actor: null, problem: 'pending_second_factor' }
  if (now - row.last_seen_at.getTime() > TOUCH_AFTER_MS) {
    await db.updateTable('account_session').set({ last_seen_at: sql<Date>`now()` }).where('token_hash', '=', tokenHash).execute()
  }
  const grants = await loadGrants(db, row.id)
  let restriction: Restriction | undefined
  if (row.must_change_password) restriction = 'password_change_required'
  else if (policy.requireTwoFactorForAdministrators && !row.totp_enabled && grants.some((grant) => administrativeRoles.has(grant.role))) {
    restriction = 'second_factor_required_setup'
  }
  return {
    actor: actorOf(row, grants, { via: 'session', tokenHash, csrfToken: row.csrf_token }),
    problem: 'none',
    ...(restriction ? { restriction } : {}),
  }
}
