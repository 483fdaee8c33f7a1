import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { DomainError } from '../errors.js'
import { roleTable } from '../kernel/permissions.js'
import { errorResponses } from '../kernel/schemas.js'
import { loadGrants, permissionsOf, type Actor } from './actor.js'
import { SESSION_COOKIE } from './authenticate.js'
import { loadPolicy } from './policy.js'
import { decoyPasswordHash, hashToken, randomToken, verifyPassword } from './secrets.js'
import { LoginBody, SessionInfo, type GrantView } from './session.schemas.js'

/** Sessions of the map app: sign in, who am I, sign out. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'Sign in with login and password: sets the session cookie and answers who you are',
        body: LoginBody,
        response: { 200: SessionInfo, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { login, password } = request.body
      const account = await app.db
        .selectFrom('account')
        .select(['id', 'password_hash', 'disabled'])
        .where('login', '=', login.trim().toLowerCase())
        .executeTakeFirst()
      const matches = await verifyPassword(password, account?.password_hash ?? (await decoyPasswordHash()))
      if (!account || !account.password_hash || account.disabled || !matches) {
        throw new DomainError('invalid_credentials', 'The login or the password is wrong')
      }
      const policy = await loadPolicy(app.db)
      const token = randomToken()
      const csrfToken = randomToken()
      await app.db
        .insertInto('account_session')
        .values({
          token_hash: hashToken(token),
          account_id: account.id,
          csrf_token: csrfToken,
          expires_at: sql<Date>`now() + make_interval(hours => ${policy.sessionAbsoluteHours})`,
          address: request.ip,
          user_agent: request.headers['user-agent']?.slice(0, 300) ?? null,
        })
        .execute()
      setSessionCookie(request, reply, token, policy.sessionAbsoluteHours * 3600)
      return sessionInfo(app.db, await actorForSession(app.db, account.id, csrfToken))
    },
  )

  app.get(
    '/session',
    {
      config: { access: 'session' },
      schema: { tags: ['session'], summary: 'Who is signed in, with their roles, scopes and permissions', response: { 200: SessionInfo, ...errorResponses(401) } },
    },
    async (request) => sessionInfo(app.db, request.actor!),
  )

  app.delete(
    '/session',
    {
      config: { access: 'session' },
      schema: { tags: ['session'], summary: 'Sign out: ends this session', response: { 204: { type: 'null', description: 'Signed out' }, ...errorResponses(401, 403) } },
    },
    async (request, reply) => {
      const session = request.actor!.session
      if (session) await app.db.deleteFrom('account_session').where('token_hash', '=', session.tokenHash).execute()
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.status(204).send(null)
    },
  )
}

export default routes

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    // Behind an HTTPS proxy (TRUST_PROXY), request.protocol is https and the cookie is Secure.
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  })
}

async function actorForSession(db: Db, accountId: number, csrfToken: string): Promise<Actor> {
  const account = await db.selectFrom('account').select(['id', 'login', 'display_name', 'party_id']).where('id', '=', accountId).executeTakeFirstOrThrow()
  return {
    accountId: account.id,
    login: account.login,
    displayName: account.display_name,
    partyId: account.party_id,
    via: 'session',
    grants: await loadGrants(db, account.id),
    tokenPermissions: null,
    session: { tokenHash: '', csrfToken },
  }
}

/** The answer of GET/POST /api/session: the account, its grants with their scopes named, and its permissions. */
export async function sessionInfo(db: Db, actor: Actor): Promise<SessionInfo> {
  const account = await db
    .selectFrom('account')
    .select(['id', 'login', 'display_name', 'party_id', 'must_change_password', 'demo'])
    .where('id', '=', actor.accountId)
    .executeTakeFirstOrThrow()
  const grants: GrantView[] = []
  for (const grant of actor.grants) {
    const role_label = roleTable[grant.role].label
    if (grant.scope.kind === 'jurisdiction') {
      const zone = await db.selectFrom('zone').select(['id', 'kind', 'code', 'name']).where('id', '=', grant.scope.zoneId).executeTakeFirstOrThrow()
      grants.push({ role: grant.role, role_label, scope: { kind: 'jurisdiction', zone } })
    } else if (grant.scope.kind === 'party') {
      const party = await db.selectFrom('party').select(['id', 'type', 'name']).where('id', '=', grant.scope.partyId).executeTakeFirstOrThrow()
      grants.push({ role: grant.role, role_label, scope: { kind: 'party', party } })
    } else {
      grants.push({ role: grant.role, role_label, scope: { kind: 'all' } })
    }
  }
  return {
    account,
    via: actor.via,
    grants,
    permissions: permissionsOf(actor),
    csrf_token: actor.session?.csrfToken ?? null,
  }
}
