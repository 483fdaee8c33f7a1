import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { Type } from 'typebox'
import type { Db } from '../db/database.js'
import { DomainError } from '../errors.js'
import { roleTable } from '../kernel/permissions.js'
import { errorResponses } from '../kernel/schemas.js'
import { endSessions } from './accounts.js'
import { type Actor, actorOf, loadGrants, permissionsOf } from './actor.js'
import { SESSION_COOKIE } from './authenticate.js'
import { loadPolicy, passwordProblems, type SecurityPolicy } from './policy.js'
import { decoyPasswordHash, hashPassword, hashToken, randomToken, verifyPassword } from './secrets.js'
import {
  LoginBody, PasswordChangeBody, SecondFactorRequired, SessionInfo, SignOutQuery, TotpConfirmBody, TotpEnrolment,
  type GrantView,
} from './session.schemas.js'
import { matchTotp, newTotpSecret, otpauthUrl } from './totp.js'

/** How long the second step of a sign-in may wait, and how many wrong codes end it. */
const CHALLENGE_MINUTES = 5
const CHALLENGE_ATTEMPTS = 5

/** Sessions of the map app: sign in (with a second factor), who am I, sign out, change password, enrol TOTP. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'Sign in with login and password (then, with a second factor, with challenge and code): sets the session cookie and answers who you are',
        body: LoginBody,
        response: { 200: { anyOf: [SessionInfo, SecondFactorRequired] }, ...errorResponses(400, 401, 423) },
      },
    },
    async (request, reply) => {
      const body = request.body
      const hasPasswordStep = body.login !== undefined || body.password !== undefined
      const hasCodeStep = body.challenge !== undefined || body.code !== undefined
      if (hasPasswordStep === hasCodeStep) {
        throw new DomainError('invalid_request', 'Send {login, password}, or {challenge, code} for the second step', [
          { field: hasPasswordStep ? 'challenge' : 'login', reason: 'send login and password, or challenge and code, not both or neither' },
        ])
      }
      const missing = hasPasswordStep ? (['login', 'password'] as const).filter((key) => body[key] === undefined) : (['challenge', 'code'] as const).filter((key) => body[key] === undefined)
      if (missing.length) {
        throw new DomainError('invalid_request', `body must have ${missing.join(' and ')}`, missing.map((field) => ({ field, reason: 'is required' })))
      }
      const policy = await loadPolicy(app.db)
      // Whatever session this browser had ends: every sign-in starts a new session id.
      const previous = request.cookies[SESSION_COOKIE]
      if (previous) await app.db.deleteFrom('account_session').where('token_hash', '=', hashToken(previous)).execute()

      let accountId: number
      if (hasPasswordStep) {
        const verified = await checkPassword(app.db, body.login!, body.password!, policy)
        if (verified.totpEnabled) {
          const challenge = randomToken()
          await app.db
            .insertInto('account_session')
            .values({
              token_hash: hashToken(challenge),
              account_id: verified.accountId,
              csrf_token: randomToken(),
              pending_second_factor: true,
              expires_at: sql<Date>`now() + make_interval(mins => ${CHALLENGE_MINUTES})`,
              address: request.ip,
              user_agent: request.headers['user-agent']?.slice(0, 300) ?? null,
            })
            .execute()
          return { second_factor_required: true as const, challenge }
        }
        accountId = verified.accountId
      } else {
        accountId = await checkSecondFactor(app.db, body.challenge!, body.code!)
      }
      const token = randomToken()
      const csrfToken = randomToken()
      await app.db
        .insertInto('account_session')
        .values({
          token_hash: hashToken(token),
          account_id: accountId,
          csrf_token: csrfToken,
          expires_at: sql<Date>`now() + make_interval(hours => ${policy.sessionAbsoluteHours})`,
          address: request.ip,
          user_agent: request.headers['user-agent']?.slice(0, 300) ?? null,
        })
        .execute()
      setSessionCookie(request, reply, token, policy.sessionAbsoluteHours * 3600)
      return sessionInfo(app.db, await actorForSession(app.db, accountId, csrfToken))
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
      schema: {
        tags: ['session'],
        summary: 'Sign out: ends this session, or with everywhere=true every session of the account',
        querystring: SignOutQuery,
        response: { 204: { type: 'null', description: 'Signed out' }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      if (request.query.everywhere) await endSessions(app.db, actor.accountId)
      else if (actor.session) await app.db.deleteFrom('account_session').where('token_hash', '=', actor.session.tokenHash).execute()
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.status(204).send(null)
    },
  )

  app.put(
    '/session/password',
    {
      config: { access: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Change your own password: the other sessions of the account end',
        body: PasswordChangeBody,
        response: { 204: { type: 'null', description: 'Changed' }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const { current_password, new_password } = request.body
      const account = await app.db.selectFrom('account').select(['password_hash']).where('id', '=', actor.accountId).executeTakeFirstOrThrow()
      if (!account.password_hash || !(await verifyPassword(current_password, account.password_hash))) {
        throw new DomainError('invalid_credentials', 'The current password is wrong', [{ field: 'current_password', reason: 'is not the current password' }])
      }
      const problems = passwordProblems(new_password, await loadPolicy(app.db))
      if (new_password === current_password) problems.push('must differ from the current password')
      if (problems.length) throw weakPassword('new_password', problems)
      const hash = await hashPassword(new_password)
      await app.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('account')
          .set({ password_hash: hash, must_change_password: false, password_changed_at: sql<Date>`now()`, failed_logins: 0, locked_until: null, version: sql<number>`version + 1` })
          .where('id', '=', actor.accountId)
          .execute()
        await endSessions(tx, actor.accountId, actor.session?.tokenHash)
      })
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/session/totp',
    {
      config: { access: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Enrol a second factor (TOTP): answers the secret; it counts once a code from it is confirmed',
        // A write sends a body: `{}` (nothing to choose yet), so a stray request is a 400.
        body: Type.Object({}, { additionalProperties: false, description: 'Send {}' }),
        response: { 200: TotpEnrolment, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const actor = request.actor!
      const account = await app.db.selectFrom('account').select(['totp_enabled']).where('id', '=', actor.accountId).executeTakeFirstOrThrow()
      if (account.totp_enabled) {
        throw new DomainError('totp_already_enabled', 'This account already has a second factor; a system administrator can clear it (PATCH /api/accounts/:id {totp_enabled: false})')
      }
      const secret = newTotpSecret()
      await app.db.updateTable('account').set({ totp_secret: secret, totp_last_step: null }).where('id', '=', actor.accountId).execute()
      return { secret, otpauth_url: otpauthUrl(secret, actor.login) }
    },
  )

  app.post(
    '/session/totp/confirm',
    {
      config: { access: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Confirm the enrolment with a code from the app: from now on, sign-in asks for a code',
        body: TotpConfirmBody,
        response: { 204: { type: 'null', description: 'Second factor on' }, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const account = await app.db.selectFrom('account').select(['totp_secret', 'totp_enabled']).where('id', '=', actor.accountId).executeTakeFirstOrThrow()
      if (account.totp_enabled) throw new DomainError('totp_already_enabled', 'This account already has a second factor')
      if (!account.totp_secret) throw new DomainError('totp_not_enrolled', 'Enrol first: POST /api/session/totp')
      const step = matchTotp(account.totp_secret, request.body.code, Date.now() / 1000)
      if (step === null) {
        throw new DomainError('invalid_second_factor', 'The code does not match: check the app’s clock and send the current 6-digit code', [
          { field: 'code', reason: 'is not the current code of the enrolled secret' },
        ])
      }
      await app.db.updateTable('account').set({ totp_enabled: true, totp_last_step: step, version: sql<number>`version + 1` }).where('id', '=', actor.accountId).execute()
      return reply.status(204).send(null)
    },
  )
}

export default routes

export function weakPassword(field: string, problems: string[]): DomainError {
  return new DomainError('weak_password', `The ${field} is too weak: it ${problems.join('; ')}`, problems.map((reason) => ({ field, reason })))
}

/**
 * The password step. A locked account is refused (423) even with the right password; a wrong
 * password counts a failure, and the policy's lockoutFailures-th locks the account for
 * lockoutMinutes. An unknown login spends the same scrypt time on a decoy hash and is answered
 * like a wrong password.
 */
async function checkPassword(db: Db, login: string, password: string, policy: SecurityPolicy): Promise<{ accountId: number; totpEnabled: boolean }> {
  const account = await db
    .selectFrom('account')
    .select(['id', 'password_hash', 'disabled', 'locked_until', 'totp_enabled'])
    .where('login', '=', login.trim().toLowerCase())
    .executeTakeFirst()
  const matches = await verifyPassword(password, account?.password_hash ?? (await decoyPasswordHash()))
  if (!account || !account.password_hash || account.disabled) throw invalidCredentials()
  if (account.locked_until && account.locked_until.getTime() > Date.now()) throw accountLocked(account.locked_until)
  if (!matches) {
    const counted = await db
      .updateTable('account')
      .set({ failed_logins: sql<number>`failed_logins + 1` })
      .where('id', '=', account.id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow()
    if (counted.failed_logins >= policy.lockoutFailures) {
      const locked = await db
        .updateTable('account')
        .set({ failed_logins: 0, locked_until: sql<Date>`now() + make_interval(mins => ${policy.lockoutMinutes})` })
        .where('id', '=', account.id)
        .returning('locked_until')
        .executeTakeFirstOrThrow()
      throw accountLocked(locked.locked_until!)
    }
    throw invalidCredentials()
  }
  await db.updateTable('account').set({ failed_logins: 0, locked_until: null }).where('id', '=', account.id).execute()
  return { accountId: account.id, totpEnabled: account.totp_enabled }
}

/** The second step: the pending session the challenge names, and a current code not used before. */
async function checkSecondFactor(db: Db, challenge: string, code: string): Promise<number> {
  const challengeHash = hashToken(challenge)
  const pending = await db
    .selectFrom('account_session')
    .innerJoin('account', 'account.id', 'account_session.account_id')
    .select(['account.id', 'account.totp_secret', 'account.totp_last_step', 'account.disabled', 'account_session.expires_at', 'account_session.second_factor_failures'])
    .where('account_session.token_hash', '=', challengeHash)
    .where('account_session.pending_second_factor', '=', true)
    .executeTakeFirst()
  if (!pending || pending.disabled || !pending.totp_secret || pending.expires_at.getTime() <= Date.now()) {
    if (pending) await db.deleteFrom('account_session').where('token_hash', '=', challengeHash).execute()
    throw new DomainError('challenge_expired', `The sign-in challenge is unknown, used, or older than ${CHALLENGE_MINUTES} minutes: sign in with login and password again`)
  }
  const step = matchTotp(pending.totp_secret, code.trim(), Date.now() / 1000, pending.totp_last_step)
  if (step === null) {
    const failures = pending.second_factor_failures + 1
    if (failures >= CHALLENGE_ATTEMPTS) await db.deleteFrom('account_session').where('token_hash', '=', challengeHash).execute()
    else await db.updateTable('account_session').set({ second_factor_failures: failures }).where('token_hash', '=', challengeHash).execute()
    throw new DomainError(
      'invalid_second_factor',
      failures >= CHALLENGE_ATTEMPTS ? `${CHALLENGE_ATTEMPTS} wrong codes: the challenge has ended, sign in with login and password again` : 'The code is wrong or already used',
      [{ field: 'code', reason: `wrong code (${failures} of ${CHALLENGE_ATTEMPTS})` }],
    )
  }
  // Only one request can consume the challenge and the step.
  const consumed = await db.deleteFrom('account_session').where('token_hash', '=', challengeHash).executeTakeFirst()
  if (Number(consumed.numDeletedRows) !== 1) throw new DomainError('challenge_expired', 'The sign-in challenge was already used')
  await db.updateTable('account').set({ totp_last_step: step }).where('id', '=', pending.id).execute()
  return pending.id
}

const invalidCredentials = () => new DomainError('invalid_credentials', 'The login or the password is wrong')
const accountLocked = (until: Date) =>
  new DomainError('account_locked', `Too many failed sign-ins: the account is locked until ${until.toISOString()}`, { locked_until: until.toISOString() })

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
  return actorOf(account, await loadGrants(db, account.id), { via: 'session', tokenHash: '', csrfToken })
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
