import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { TEST_ADMIN_TOKEN } from '../helpers/auth.js'

/** The accounts API (users.manage), API tokens, and the policy API (security.policy). */
describe('accounts, tokens and the policy', () => {
  let t: TestApp
  const password = 'Correct-Horse-42'
  let counter = 0

  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => t?.close())

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  const create = (payload: object, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: '/api/accounts', headers, payload })
  const login = () => `acct${++counter}`
  async function idOf(name: string): Promise<number> {
    const row = await t.handle.db.selectFrom('account').select('id').where('login', '=', name).executeTakeFirstOrThrow()
    return row.id
  }
  async function tokenFor(accountId: number, body: object = {}): Promise<{ id: number; token: string }> {
    const response = await t.app.inject({ method: 'POST', url: `/api/accounts/${accountId}/tokens`, payload: { name: 'test', ...body } })
    expect(response.statusCode, response.body).toBe(201)
    return response.json()
  }

  it('creates an account with scoped grants and lists it with the scopes named', async () => {
    const name = login()
    const response = await create({ login: name, display_name: '天水规划员', password, grants: [{ role: 'planner', scope_code: '330105003' }, { role: 'viewer' }] })
    expect(response.statusCode).toBe(201)
    const account = response.json()
    expect(account).toMatchObject({ login: name, display_name: '天水规划员', disabled: false, totp_enabled: false, demo: false, locked_until: null })
    expect(account.grants).toEqual([
      { id: expect.any(Number), role: 'planner', scope: { kind: 'jurisdiction', zone: expect.objectContaining({ code: '330105003', kind: 'subdistrict' }) } },
      { id: expect.any(Number), role: 'viewer', scope: { kind: 'all' } },
    ])
    const list = (await t.app.inject({ method: 'GET', url: '/api/accounts' })).json().accounts as { login: string; demo: boolean }[]
    expect(list.find((entry) => entry.login === name)).toBeDefined()
    expect(list.find((entry) => entry.login === 'planner')?.demo).toBe(true)
    expect(JSON.stringify(list)).not.toContain('scrypt$')
  })

  it('answers bad bodies with 400 naming the field, and writes nothing', async () => {
    const grid = await t.handle.db.selectFrom('zone').select('code').where('kind', '=', 'grid').limit(1).executeTakeFirstOrThrow()
    const name = login()
    const cases: [object, string, string][] = [
      [{ login: 'Bad Login', display_name: 'x', password }, 'invalid_request', 'login'],
      [{ login: name, display_name: 'x', password: 'weakpass' }, 'weak_password', 'password'],
      [{ login: name, display_name: 'x' }, 'invalid_request', 'password'],
      [{ login: name, display_name: 'x', password, grants: [{ role: 'wizard' }] }, 'invalid_request', 'role'],
      [{ login: name, display_name: 'x', password, grants: [{ role: 'viewer' }, { role: 'grid_worker' }] }, 'invalid_scope', 'grants[1].scope_code'],
      [{ login: name, display_name: 'x', password, grants: [{ role: 'system_admin', scope_code: '330105' }] }, 'invalid_scope', 'grants[0].scope_code'],
      [{ login: name, display_name: 'x', password, grants: [{ role: 'planner', scope_code: grid.code }] }, 'not_a_jurisdiction', 'grants[0].scope_code'],
      [{ login: name, display_name: 'x', password, grants: [{ role: 'planner', scope_code: '999999999' }] }, 'invalid_scope', 'grants[0].scope_code'],
      [{ login: name, display_name: 'x', password, grants: [{ role: 'planner', scope_party_id: 1 }] }, 'invalid_scope', 'grants[0].scope_party_id'],
      [{ login: name, display_name: 'x', password, party_id: 2_000_000 }, 'invalid_request', 'party_id'],
    ]
    for (const [payload, code, field] of cases) {
      const response = await create(payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      const error = response.json().error
      expect(error.code, JSON.stringify(payload)).toBe(code)
      expect(JSON.stringify(error.details), JSON.stringify(payload)).toContain(field)
    }
    expect(await t.handle.db.selectFrom('account').select('id').where('login', '=', name).executeTakeFirst()).toBeUndefined()
  })

  it('refuses a second account with the same login (409 duplicate)', async () => {
    const response = await create({ login: 'planner', display_name: 'x', password })
    expect(response.statusCode).toBe(409)
    expect(response.json().error.code).toBe('duplicate')
  })

  it('keeps the duties separate: no system_admin with audit_admin (409), no self-grant of audit_admin, administrator only from an administrator', async () => {
    const both = await create({ login: login(), display_name: 'x', password, grants: [{ role: 'system_admin' }, { role: 'audit_admin' }] })
    expect(both.statusCode).toBe(409)
    expect(both.json().error.code).toBe('separation_of_duties')
    const sysadmin = await idOf('sysadmin')
    const auditor = await idOf('auditor')
    const asSysadmin = bearer((await tokenFor(sysadmin)).token)
    const self = await t.app.inject({ method: 'POST', url: `/api/accounts/${sysadmin}/grants`, headers: asSysadmin, payload: { role: 'audit_admin' } })
    expect(self.statusCode).toBe(409)
    expect(self.json().error.code).toBe('separation_of_duties')
    // The same for the administrator: the auditor cannot be made a system administrator too.
    const onAuditor = await t.app.inject({ method: 'POST', url: `/api/accounts/${auditor}/grants`, payload: { role: 'system_admin' } })
    expect(onAuditor.json().error.code).toBe('separation_of_duties')
    const elevate = await t.app.inject({ method: 'POST', url: `/api/accounts/${sysadmin}/grants`, headers: asSysadmin, payload: { role: 'administrator' } })
    expect(elevate.statusCode).toBe(403)
    // A system administrator still manages other people's roles.
    const other = (await create({ login: login(), display_name: 'x', password }, asSysadmin)).json()
    const granted = await t.app.inject({ method: 'POST', url: `/api/accounts/${other.id}/grants`, headers: asSysadmin, payload: { role: 'grid_worker', scope_code: '330105003002' } })
    expect(granted.statusCode).toBe(201)
    expect(granted.json()).toMatchObject({ role: 'grid_worker', scope: { kind: 'jurisdiction', zone: { code: '330105003002' } } })
    const again = await t.app.inject({ method: 'POST', url: `/api/accounts/${other.id}/grants`, headers: asSysadmin, payload: { role: 'grid_worker', scope_code: '330105003002' } })
    expect(again.json().error.code).toBe('duplicate')
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/accounts/${other.id}/grants/${granted.json().id}`, headers: asSysadmin })
    expect(revoked.statusCode).toBe(204)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/accounts/${other.id}/grants/${granted.json().id}`, headers: asSysadmin })).statusCode).toBe(404)
  })

  it('refuses the accounts API to a role without users.manage (403 forbidden)', async () => {
    const viewer = bearer((await tokenFor(await idOf('viewer'))).token)
    const response = await t.app.inject({ method: 'GET', url: '/api/accounts', headers: viewer })
    expect(response.statusCode).toBe(403)
    expect(response.json().error.code).toBe('forbidden')
    expect((await t.app.inject({ method: 'GET', url: '/api/security-policy', headers: viewer })).statusCode).toBe(403)
  })

  it('issues a jz_ token shown once, lists it without the secret, and refuses it once revoked or expired (401)', async () => {
    const account = (await create({ login: login(), display_name: 'x', password, grants: [{ role: 'viewer' }] })).json()
    const issued = await tokenFor(account.id, { name: '12345热线' })
    expect(issued.token).toMatch(/^jz_[A-Za-z0-9_-]{43}$/)
    const listed = await t.app.inject({ method: 'GET', url: `/api/accounts/${account.id}/tokens` })
    expect(listed.json().tokens).toEqual([expect.objectContaining({ id: issued.id, name: '12345热线', revoked_at: null })])
    expect(listed.body).not.toContain(issued.token)
    expect((await t.app.inject({ method: 'GET', url: '/api/zones?limit=1', headers: bearer(issued.token) })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/tokens/${issued.id}` })).statusCode).toBe(204)
    const refused = await t.app.inject({ method: 'GET', url: '/api/zones?limit=1', headers: bearer(issued.token) })
    expect(refused.statusCode).toBe(401)
    expect(refused.json().error.code).toBe('unauthenticated')

    const expiring = await tokenFor(account.id, { expires_at: new Date(Date.now() + 3600_000).toISOString() })
    expect((await t.app.inject({ method: 'GET', url: '/api/zones?limit=1', headers: bearer(expiring.token) })).statusCode).toBe(200)
    await sql`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = ${expiring.id}`.execute(t.handle.db)
    expect((await t.app.inject({ method: 'GET', url: '/api/zones?limit=1', headers: bearer(expiring.token) })).statusCode).toBe(401)

    const past = await t.app.inject({ method: 'POST', url: `/api/accounts/${account.id}/tokens`, payload: { name: 'x', expires_at: '2020-01-01T00:00:00Z' } })
    expect(past.statusCode).toBe(400)
    expect(past.json().error.details[0].field).toBe('expires_at')
    const badPermission = await t.app.inject({ method: 'POST', url: `/api/accounts/${account.id}/tokens`, payload: { name: 'x', permissions: ['zones.fly'] } })
    expect(badPermission.statusCode).toBe(400)
    expect(JSON.stringify(badPermission.json().error)).toContain('permissions')
  })

  it('limits a token to its permissions', async () => {
    const planner = await idOf('planner')
    const limited = await tokenFor(planner, { permissions: ['resolve'] })
    const zones = await t.app.inject({ method: 'GET', url: '/api/zones?limit=1', headers: bearer(limited.token) })
    expect(zones.statusCode).toBe(403)
    expect(zones.json().error.code).toBe('forbidden')
  })

  it('disables an account: its sessions end and it cannot sign in; and it keeps a version (409 on a stale one)', async () => {
    const name = login()
    const account = (await create({ login: name, display_name: 'x', password, grants: [{ role: 'viewer' }] })).json()
    const session = await t.app.inject({ method: 'POST', url: '/api/session', headers: { authorization: undefined }, payload: { login: name, password } })
    const cookie = `jz_session=${session.cookies.find((c) => c.name === 'jz_session')!.value}`
    const disabled = await t.app.inject({ method: 'PATCH', url: `/api/accounts/${account.id}`, payload: { version: account.version, disabled: true } })
    expect(disabled.statusCode).toBe(200)
    expect(disabled.json()).toMatchObject({ disabled: true, version: account.version + 1 })
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'POST', url: '/api/session', headers: { authorization: undefined }, payload: { login: name, password } })).statusCode).toBe(401)
    const stale = await t.app.inject({ method: 'PATCH', url: `/api/accounts/${account.id}`, payload: { version: account.version, disabled: false } })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current_version: account.version + 1 } })
    const weak = await t.app.inject({ method: 'PATCH', url: `/api/accounts/${account.id}`, payload: { password: 'abc' } })
    expect(weak.json().error.code).toBe('weak_password')
    expect(weak.json().error.details.map((detail: { field: string }) => detail.field)).toEqual(['password', 'password'])
    expect((await t.app.inject({ method: 'PATCH', url: '/api/accounts/999999', payload: { display_name: 'x' } })).statusCode).toBe(404)
  })

  it('reads and sets the policy; a value out of range is 400 naming the key', async () => {
    const current = await t.app.inject({ method: 'GET', url: '/api/security-policy' })
    const policy = current.json() as Record<string, unknown>
    // The defaults of policy.ts (等保 2.0 level 2 practice, DESIGN §9).
    expect(current.json()).toEqual({
      sessionIdleMinutes: 30, sessionAbsoluteHours: 12, lockoutFailures: 5, lockoutMinutes: 30,
      passwordMinLength: 12, passwordMinClasses: 3, requireTwoFactorForAdministrators: false,
      version: 1, // sql/014: never written yet
    })
    const bad = await t.app.inject({ method: 'PUT', url: '/api/security-policy', payload: { ...policy, passwordMinLength: 4 } })
    expect(bad.statusCode).toBe(400)
    expect(JSON.stringify(bad.json().error.details)).toContain('passwordMinLength')
    const partial = await t.app.inject({ method: 'PUT', url: '/api/security-policy', payload: { lockoutFailures: 3 } })
    expect(partial.statusCode).toBe(400)
    const set = await t.app.inject({ method: 'PUT', url: '/api/security-policy', payload: { ...policy, passwordMinLength: 16 } })
    expect(set.statusCode).toBe(200)
    expect(set.json().passwordMinLength).toBe(16)
    try {
      const weak = await create({ login: login(), display_name: 'x', password: 'Fifteen-chars-1' })
      expect(weak.json().error.code).toBe('weak_password')
      expect(weak.json().error.message).toContain('at least 16 characters')
    } finally {
      await t.app.inject({ method: 'PUT', url: '/api/security-policy', payload: current.json() })
    }
  })

  it('accepts the ADMIN_TOKEN as Bearer on every /api route: none answers 401 or 403', async () => {
    const routes = t.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .flatMap((line) => {
        const match = /(\/\S*) \(([A-Z, ]+)\)/.exec(line)
        return match ? match[2]!.split(', ').map((method) => ({ method, url: match[1]! })) : []
      })
      .filter((route) => route.url.startsWith('/api/') && route.method !== 'HEAD' && route.method !== 'OPTIONS')
    expect(routes.length).toBeGreaterThan(20)
    const checked: string[] = []
    for (const route of routes) {
      // Unknown ids (404) keep the calls harmless: nothing real is deleted or revoked.
      const url = route.url.replace(/:[a-z_]+/g, '999999')
      if (route.method === 'DELETE' && url === '/api/session') continue
      const response = await t.app.inject({ method: route.method as 'GET', url, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }) })
      expect([401, 403], `${route.method} ${route.url}: ${response.body.slice(0, 200)}`).not.toContain(response.statusCode)
      checked.push(`${route.method} ${route.url}`)
    }
    expect(checked).toContain('GET /api/accounts')
    expect(checked).toContain('PUT /api/security-policy')
  })
})

describe('the last account that manages accounts', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  afterAll(async () => t?.close())

  it('keeps its grant: revoking it would leave nobody to manage accounts (409 last_user_manager)', async () => {
    // The empty database has one account, the bootstrap administrator, with one grant.
    const grants = await t.handle.db.selectFrom('account_grant').select(['id', 'account_id', 'role']).execute()
    expect(grants).toEqual([{ id: expect.any(Number), account_id: expect.any(Number), role: 'administrator' }])
    const refused = await t.app.inject({ method: 'DELETE', url: `/api/accounts/${grants[0]!.account_id}/grants/${grants[0]!.id}` })
    expect(refused.statusCode, refused.body).toBe(409)
    expect(refused.json().error.code).toBe('last_user_manager')
    expect(await t.handle.db.selectFrom('account_grant').select('id').execute()).toHaveLength(1)
    // With a second user manager, the first may go.
    const created = await t.app.inject({
      method: 'POST', url: '/api/accounts',
      payload: { login: 'second.admin', display_name: '第二系统管理员', password: 'Second-admin-2026', grants: [{ role: 'system_admin' }] },
    })
    expect(created.statusCode, created.body).toBe(201)
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/accounts/${grants[0]!.account_id}/grants/${grants[0]!.id}` })
    expect(revoked.statusCode, revoked.body).toBe(204)
  })
})
