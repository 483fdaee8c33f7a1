import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { DEMO_PASSWORD } from '../../server/auth/bootstrap.js'
import { base32Decode, hotp, timeStep } from '../../server/auth/totp.js'

/** Signing in, staying signed in and signing out, through HTTP (docs/accounts.md). */
describe('sessions', () => {
  let t: TestApp
  const password = 'Correct-Horse-42'
  let counter = 0

  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => t?.close())

  /** A fresh account (as the administrator), so that no test's lockout or password change meets another's. */
  async function newAccount(grants: object[] = [{ role: 'viewer' }]): Promise<{ id: number; login: string }> {
    const login = `person${++counter}`
    const response = await t.app.inject({ method: 'POST', url: '/api/accounts', payload: { login, display_name: `测试用户${counter}`, password, grants } })
    expect(response.statusCode, response.body).toBe(201)
    return { id: response.json().id, login }
  }

  async function signIn(login: string, secret = password, headers: Record<string, string | undefined> = {}) {
    const response = await t.app.inject({ method: 'POST', url: '/api/session', headers: { authorization: undefined, ...headers }, payload: { login, password: secret } })
    const cookie = response.cookies.find((c) => c.name === 'jz_session')
    return { response, cookie, header: cookie ? `jz_session=${cookie.value}` : '', body: response.json() }
  }

  const asCookie = (cookie: string, extra: Record<string, string> = {}) => ({ cookie, ...extra })
  const who = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/session', headers: asCookie(cookie) })

  it('signs a demo account in with an HttpOnly, SameSite=Lax cookie and answers SessionInfo', async () => {
    const { response, cookie, body } = await signIn('planner', DEMO_PASSWORD)
    expect(response.statusCode).toBe(200)
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie!.secure).toBeFalsy()
    expect(body.account).toMatchObject({ login: 'planner', demo: true, must_change_password: false })
    expect(body.grants[0]).toMatchObject({ role: 'planner', scope: { kind: 'jurisdiction', zone: { code: '330105003' } } })
    expect(body.permissions).toContain('zones.edit')
    expect(typeof body.csrf_token).toBe('string')
  })

  it('sets the cookie Secure behind an HTTPS proxy only when TRUST_PROXY lets it believe X-Forwarded-Proto', async () => {
    // This app does not trust the proxy: the forwarded header changes nothing.
    const { cookie } = await signIn('viewer', DEMO_PASSWORD, { 'x-forwarded-proto': 'https' })
    expect(cookie!.secure).toBeFalsy()
  })

  it('answers a wrong password and an unknown login alike: 401 invalid_credentials', async () => {
    const { login } = await newAccount()
    const wrong = await signIn(login, 'Wrong-Password-1')
    const unknown = await signIn('nobody.here', 'Wrong-Password-1')
    for (const answer of [wrong, unknown]) {
      expect(answer.response.statusCode).toBe(401)
      expect(answer.body.error.code).toBe('invalid_credentials')
      expect(answer.cookie).toBeUndefined()
    }
    expect(unknown.body.error.message).toBe(wrong.body.error.message)
  })

  it('locks an account after 5 failures for 30 minutes (423 with locked_until), refuses even the right password, and a success resets the count', async () => {
    const { id, login } = await newAccount()
    // Four failures, then a success: the count starts again.
    for (let i = 0; i < 4; i++) expect((await signIn(login, 'Wrong-Password-1')).response.statusCode).toBe(401)
    expect((await signIn(login)).response.statusCode).toBe(200)
    for (let i = 0; i < 4; i++) expect((await signIn(login, 'Wrong-Password-1')).response.statusCode).toBe(401)
    const before = Date.now()
    const fifth = await signIn(login, 'Wrong-Password-1')
    expect(fifth.response.statusCode).toBe(423)
    expect(fifth.body.error.code).toBe('account_locked')
    const until = Date.parse(fifth.body.error.details.locked_until)
    // Default policy: 30 minutes (policy.ts defaultPolicy, the brief's 等保 defaults).
    expect(until - before).toBeGreaterThan(29 * 60_000)
    expect(until - before).toBeLessThan(31 * 60_000)
    const right = await signIn(login)
    expect(right.response.statusCode).toBe(423)
    expect(right.cookie).toBeUndefined()
    // Once the time has passed, the right password works again.
    await sql`UPDATE account SET locked_until = now() - interval '1 second' WHERE id = ${id}`.execute(t.handle.db)
    expect((await signIn(login)).response.statusCode).toBe(200)
  })

  it('follows the policy: 2 failures lock for 1 minute once the security administrator sets so', async () => {
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/security-policy',
      payload: { sessionIdleMinutes: 30, sessionAbsoluteHours: 12, lockoutFailures: 2, lockoutMinutes: 1, passwordMinLength: 12, passwordMinClasses: 3, requireTwoFactorForAdministrators: false },
    })
    expect(put.statusCode).toBe(200)
    try {
      const { login } = await newAccount()
      expect((await signIn(login, 'Wrong-Password-1')).response.statusCode).toBe(401)
      const second = await signIn(login, 'Wrong-Password-1')
      expect(second.response.statusCode).toBe(423)
      const minutes = (Date.parse(second.body.error.details.locked_until) - Date.now()) / 60_000
      expect(minutes).toBeGreaterThan(0.5)
      expect(minutes).toBeLessThanOrEqual(1)
    } finally {
      await t.app.inject({ method: 'PUT', url: '/api/security-policy', payload: { sessionIdleMinutes: 30, sessionAbsoluteHours: 12, lockoutFailures: 5, lockoutMinutes: 30, passwordMinLength: 12, passwordMinClasses: 3, requireTwoFactorForAdministrators: false } })
    }
  })

  it('gives a new session id at every sign-in and ends the session the browser sent along', async () => {
    const { login } = await newAccount()
    const first = await signIn(login)
    const second = await signIn(login, password, { cookie: first.header })
    expect(second.response.statusCode).toBe(200)
    expect(second.cookie!.value).not.toBe(first.cookie!.value)
    expect((await who(first.header)).statusCode).toBe(401)
    expect((await who(second.header)).statusCode).toBe(200)
  })

  it('ends a session idle past 30 minutes (401 session_expired), and keeps one idle 29 minutes', async () => {
    const { id, login } = await newAccount()
    const session = await signIn(login)
    await sql`UPDATE account_session SET last_seen_at = now() - interval '29 minutes' WHERE account_id = ${id}`.execute(t.handle.db)
    expect((await who(session.header)).statusCode).toBe(200)
    await sql`UPDATE account_session SET last_seen_at = now() - interval '31 minutes' WHERE account_id = ${id}`.execute(t.handle.db)
    const expired = await who(session.header)
    expect(expired.statusCode).toBe(401)
    expect(expired.json().error.code).toBe('session_expired')
  })

  it('ends a session past its absolute end however active it is, and sets it 12 hours after sign-in', async () => {
    const { id, login } = await newAccount()
    const session = await signIn(login)
    const row = await t.handle.db.selectFrom('account_session').select(['created_at', 'expires_at']).where('account_id', '=', id).executeTakeFirstOrThrow()
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(12 * 3600_000)
    await sql`UPDATE account_session SET expires_at = now() - interval '1 second', last_seen_at = now() WHERE account_id = ${id}`.execute(t.handle.db)
    const expired = await who(session.header)
    expect(expired.statusCode).toBe(401)
    expect(expired.json().error.code).toBe('session_expired')
  })

  it('refuses a cookie write without the CSRF token (403 csrf_rejected) and takes it with the token', async () => {
    const { body, header } = await signIn('planner', DEMO_PASSWORD)
    const payload = { type: 'department', name: 'CSRF测试部门' }
    const without = await t.app.inject({ method: 'POST', url: '/api/parties', headers: asCookie(header), payload })
    expect(without.statusCode).toBe(403)
    expect(without.json().error.code).toBe('csrf_rejected')
    const wrong = await t.app.inject({ method: 'POST', url: '/api/parties', headers: asCookie(header, { 'x-csrf-token': 'not-the-token' }), payload })
    expect(wrong.json().error.code).toBe('csrf_rejected')
    const withToken = await t.app.inject({ method: 'POST', url: '/api/parties', headers: asCookie(header, { 'x-csrf-token': body.csrf_token }), payload })
    expect(withToken.statusCode).toBe(201)
  })

  it('signs out one session, or every session of the account with everywhere=true', async () => {
    const { login } = await newAccount()
    const a = await signIn(login)
    const b = await signIn(login)
    const c = await signIn(login)
    const out = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: asCookie(a.header, { 'x-csrf-token': a.body.csrf_token }) })
    expect(out.statusCode).toBe(204)
    expect((await who(a.header)).statusCode).toBe(401)
    expect((await who(b.header)).statusCode).toBe(200)
    const everywhere = await t.app.inject({ method: 'DELETE', url: '/api/session?everywhere=true', headers: asCookie(b.header, { 'x-csrf-token': b.body.csrf_token }) })
    expect(everywhere.statusCode).toBe(204)
    expect((await who(b.header)).statusCode).toBe(401)
    expect((await who(c.header)).statusCode).toBe(401)
  })

  it('changes the password: weak → 400 weak_password naming new_password, wrong current → 401, then the other sessions end', async () => {
    const { login } = await newAccount()
    const a = await signIn(login)
    const b = await signIn(login)
    const change = (current_password: string, new_password: string) =>
      t.app.inject({ method: 'PUT', url: '/api/session/password', headers: asCookie(a.header, { 'x-csrf-token': a.body.csrf_token }), payload: { current_password, new_password } })
    const weak = await change(password, 'short')
    expect(weak.statusCode).toBe(400)
    expect(weak.json().error.code).toBe('weak_password')
    const reasons = weak.json().error.details as { field: string; reason: string }[]
    expect(reasons.every((detail) => detail.field === 'new_password')).toBe(true)
    expect(reasons.map((detail) => detail.reason).join(' ')).toContain('at least 12 characters')
    const wrong = await change('Not-The-Password-9', 'Another-Good-Pass-7')
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().error.code).toBe('invalid_credentials')
    const missing = await t.app.inject({ method: 'PUT', url: '/api/session/password', headers: asCookie(a.header, { 'x-csrf-token': a.body.csrf_token }), payload: { current_password: password } })
    expect(missing.statusCode).toBe(400)
    expect(JSON.stringify(missing.json().error)).toContain('new_password')
    expect((await change(password, 'Another-Good-Pass-7')).statusCode).toBe(204)
    expect((await who(a.header)).statusCode).toBe(200)
    expect((await who(b.header)).statusCode).toBe(401)
    expect((await signIn(login)).response.statusCode).toBe(401)
    expect((await signIn(login, 'Another-Good-Pass-7')).response.statusCode).toBe(200)
  })

  it('keeps an account whose password was reset to its own session until it changes it (403 password_change_required)', async () => {
    const { id, login } = await newAccount()
    const reset = await t.app.inject({ method: 'PATCH', url: `/api/accounts/${id}`, payload: { password: 'Reset-By-Admin-33' } })
    expect(reset.statusCode).toBe(200)
    expect(reset.json().must_change_password).toBe(true)
    const session = await signIn(login, 'Reset-By-Admin-33')
    expect(session.body.account.must_change_password).toBe(true)
    const zones = await t.app.inject({ method: 'GET', url: '/api/zones?limit=1', headers: asCookie(session.header) })
    expect(zones.statusCode).toBe(403)
    expect(zones.json().error.code).toBe('password_change_required')
    expect((await who(session.header)).statusCode).toBe(200)
    const change = await t.app.inject({
      method: 'PUT',
      url: '/api/session/password',
      headers: asCookie(session.header, { 'x-csrf-token': session.body.csrf_token }),
      payload: { current_password: 'Reset-By-Admin-33', new_password: 'My-Own-Password-44' },
    })
    expect(change.statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/api/zones?limit=1', headers: asCookie(session.header) })).statusCode).toBe(200)
    expect((await who(session.header)).json().account.must_change_password).toBe(false)
  })

  it('answers bad sign-in bodies with 400 naming the field', async () => {
    const cases: [object, string][] = [
      [{ login: 'planner' }, 'password'],
      [{ challenge: 'x'.repeat(20) }, 'code'],
      [{ login: 'planner', password: 'x', code: '123456' }, 'challenge'],
      [{ login: 'planner', password: 'x', extra: 1 }, 'additional properties'],
    ]
    for (const [payload, field] of cases) {
      const response = await t.app.inject({ method: 'POST', url: '/api/session', headers: { authorization: undefined }, payload })
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(JSON.stringify(response.json().error), JSON.stringify(payload)).toContain(field)
    }
  })

  describe('second factor (TOTP)', () => {
    const codeAt = (secret: string, offsetSteps = 0) => hotp(base32Decode(secret), timeStep(Date.now() / 1000) + offsetSteps)

    async function enrol(login: string) {
      const session = await signIn(login)
      const headers = asCookie(session.header, { 'x-csrf-token': session.body.csrf_token })
      const enrolled = await t.app.inject({ method: 'POST', url: '/api/session/totp', headers, payload: {} })
      expect(enrolled.statusCode).toBe(200)
      const { secret, otpauth_url } = enrolled.json() as { secret: string; otpauth_url: string }
      expect(secret).toMatch(/^[A-Z2-7]{32}$/)
      expect(otpauth_url).toContain(`secret=${secret}`)
      // Not active until confirmed: a sign-in still needs only the password.
      expect((await signIn(login)).body.account).toBeDefined()
      const wrong = await t.app.inject({ method: 'POST', url: '/api/session/totp/confirm', headers, payload: { code: codeAt(secret, 5) } })
      expect(wrong.statusCode).toBe(401)
      expect(wrong.json().error).toMatchObject({ code: 'invalid_second_factor', details: [{ field: 'code' }] })
      const confirmed = await t.app.inject({ method: 'POST', url: '/api/session/totp/confirm', headers, payload: { code: codeAt(secret, -1) } })
      expect(confirmed.statusCode).toBe(204)
      return secret
    }

    it('enrols, then signs in in two steps: password → challenge, challenge + code → session', async () => {
      const { login } = await newAccount()
      const secret = await enrol(login)
      const first = await signIn(login)
      expect(first.response.statusCode).toBe(200)
      expect(first.body).toEqual({ second_factor_required: true, challenge: expect.any(String) })
      expect(first.cookie).toBeUndefined()
      const step = (challenge: string, code: string) => t.app.inject({ method: 'POST', url: '/api/session', headers: { authorization: undefined }, payload: { challenge, code } })
      const wrong = await step(first.body.challenge, codeAt(secret, 3))
      expect(wrong.statusCode).toBe(401)
      expect(wrong.json().error.code).toBe('invalid_second_factor')
      const code = codeAt(secret)
      const right = await step(first.body.challenge, code)
      expect(right.statusCode).toBe(200)
      expect(right.json().account.login).toBe(login)
      const cookie = right.cookies.find((c) => c.name === 'jz_session')!
      expect((await who(`jz_session=${cookie.value}`)).statusCode).toBe(200)
      // The challenge is used up, and so is the code.
      expect((await step(first.body.challenge, code)).json().error.code).toBe('challenge_expired')
      // The same code again, on a new challenge: a code is good once.
      const again = await signIn(login)
      expect((await step(again.body.challenge, code)).json().error.code).toBe('invalid_second_factor')
    })

    it('ends a challenge after 5 wrong codes, and one older than 5 minutes', async () => {
      const { id, login } = await newAccount()
      const secret = await enrol(login)
      const step = (challenge: string, code: string) => t.app.inject({ method: 'POST', url: '/api/session', headers: { authorization: undefined }, payload: { challenge, code } })
      const first = await signIn(login)
      const expiry = await t.handle.db.selectFrom('account_session').select(sql<number>`extract(epoch from expires_at - created_at)::int`.as('seconds')).where('account_id', '=', id).where('pending_second_factor', '=', true).executeTakeFirstOrThrow()
      expect(expiry.seconds).toBe(300)
      for (let i = 0; i < 5; i++) expect((await step(first.body.challenge, '000000' === codeAt(secret) ? '111111' : '000000')).json().error.code).toBe('invalid_second_factor')
      expect((await step(first.body.challenge, codeAt(secret))).json().error.code).toBe('challenge_expired')
      const second = await signIn(login)
      await sql`UPDATE account_session SET expires_at = now() - interval '1 second' WHERE account_id = ${id} AND pending_second_factor`.execute(t.handle.db)
      expect((await step(second.body.challenge, codeAt(secret))).json().error.code).toBe('challenge_expired')
    })

    it('with requireTwoFactorForAdministrators, keeps an administrator without TOTP to enrolment (403 second_factor_required_setup)', async () => {
      const policy = { sessionIdleMinutes: 30, sessionAbsoluteHours: 12, lockoutFailures: 5, lockoutMinutes: 30, passwordMinLength: 12, passwordMinClasses: 3 }
      expect((await t.app.inject({ method: 'PUT', url: '/api/security-policy', payload: { ...policy, requireTwoFactorForAdministrators: true } })).statusCode).toBe(200)
      try {
        const { login } = await newAccount([{ role: 'system_admin' }])
        const session = await signIn(login)
        expect(session.response.statusCode).toBe(200)
        const accounts = await t.app.inject({ method: 'GET', url: '/api/accounts', headers: asCookie(session.header) })
        expect(accounts.statusCode).toBe(403)
        expect(accounts.json().error.code).toBe('second_factor_required_setup')
        // A viewer is not an administrator: not concerned.
        const viewer = await signIn('viewer', DEMO_PASSWORD)
        expect((await t.app.inject({ method: 'GET', url: '/api/zones?limit=1', headers: asCookie(viewer.header) })).statusCode).toBe(200)
        await enrol(login)
        expect((await t.app.inject({ method: 'GET', url: '/api/accounts', headers: asCookie(session.header) })).statusCode).toBe(200)
      } finally {
        await t.app.inject({ method: 'PUT', url: '/api/security-policy', payload: { ...policy, requireTwoFactorForAdministrators: false } })
      }
    })
  })
})
