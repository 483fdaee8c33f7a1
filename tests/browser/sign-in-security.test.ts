import { afterEach, describe, expect, it } from 'vitest'
import { base32Decode, hotp, TOTP_STEP_SECONDS, timeStep } from '../../server/auth/totp.js'
import { adminHeaders, openDriver, type Driver } from './driver.js'

/**
 * Signing in as the security rules require, in Chromium: a password reset by the administrator
 * must be changed before anything else; an account with TOTP is asked for its code; and the
 * security administrator sets the lockout policy in its screen.
 */
const drivers: Driver[] = []
const open = async (as: string | null) => {
  const driver = await openDriver({ as })
  drivers.push(driver)
  return driver
}

afterEach(async () => {
  while (drivers.length) await drivers.pop()!.close()
})

let counter = 0
const aLogin = (what: string) => `ui.${what}.${Date.now().toString(36)}${counter++}`

/** The tests' own calls, as the bootstrap administrator (ADMIN_TOKEN). */
async function api<T>(driver: Driver, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${driver.baseUrl}${path}`, {
    method,
    headers: { ...adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, json: (text ? JSON.parse(text) : null) as T }
}

async function whenISignInOnThePage(driver: Driver, login: string, password: string) {
  await driver.page.goto(`${driver.baseUrl}/`)
  await expect.poll(() => driver.page.getByTestId('sign-in-page').isVisible(), { timeout: 60_000 }).toBe(true)
  await driver.page.getByTestId('sign-in-login').fill(login)
  await driver.page.getByTestId('sign-in-password').fill(password)
  await driver.page.getByTestId('sign-in-submit').click()
}

describe('a password reset by the administrator', () => {
  it('takes the person to the change-password screen; nothing else works until the password is changed; then the map opens with their tools', { timeout: 300_000 }, async () => {
    const driver = await open(null)
    const login = aLogin('reset')
    const created = await api<{ id: number; version: number }>(driver, 'POST', '/api/accounts', {
      login, display_name: '重置密码测试', password: 'First-Password-2026', grants: [{ role: 'planner', scope_code: '330105003' }],
    })
    expect(created.status).toBe(201)
    const reset = await api<{ must_change_password: boolean }>(driver, 'PATCH', `/api/accounts/${created.json.id}`, { version: created.json.version, password: 'Reset-Password-2026' })
    expect(reset.status).toBe(200)
    expect(reset.json.must_change_password).toBe(true)

    await whenISignInOnThePage(driver, login, 'Reset-Password-2026')
    const form = driver.page.getByTestId('password-change')
    await expect.poll(() => form.isVisible(), { timeout: 30_000 }).toBe(true)
    expect(await form.textContent()).toContain('首次登录或密码被重置后，须先修改密码才能继续使用')
    // No map, no toolbar, no user menu: only the change or signing out.
    expect(await driver.page.getByTestId('map').count()).toBe(0)
    expect(await driver.page.getByTestId('toolbar').count()).toBe(0)
    expect(await driver.page.getByTestId('user-menu').count()).toBe(0)
    // And the server agrees: the page's session may read nothing else yet.
    const refused = await driver.page.request.get(`${driver.baseUrl}/api/zones?kind=district&limit=1`)
    expect(refused.status()).toBe(403)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('password_change_required')

    // Two different new passwords: refused on the page, in Chinese.
    await form.getByTestId('current-password').fill('Reset-Password-2026')
    await form.getByTestId('new-password').fill('My-Own-Password-2026')
    await form.getByTestId('repeat-password').fill('My-Own-Password-2027')
    await form.getByTestId('password-change-submit').click()
    expect(await form.getByTestId('password-change-error').textContent()).toBe('两次输入的新密码不一致')
    // A weak one: the server's refusal, in Chinese.
    await form.getByTestId('new-password').fill('short')
    await form.getByTestId('repeat-password').fill('short')
    await form.getByTestId('password-change-submit').click()
    await expect.poll(() => form.getByTestId('password-change-error').textContent(), { timeout: 30_000 }).toContain('密码强度不足')

    await form.getByTestId('new-password').fill('My-Own-Password-2026')
    await form.getByTestId('repeat-password').fill('My-Own-Password-2026')
    await form.getByTestId('password-change-submit').click()
    await driver.page.waitForFunction(() => window.jiezhang?.ready === true, null, { timeout: 90_000 })
    expect(await driver.page.getByTestId('password-change').count()).toBe(0)
    expect(await driver.page.getByTestId('user-name').textContent()).toBe('重置密码测试')
    // The planner's tools are there now.
    expect(await driver.page.getByTestId('toolbar').getByTestId('mode-draw-grid').count()).toBe(1)
    const accounts = await api<{ accounts: { login: string; must_change_password: boolean }[] }>(driver, 'GET', '/api/accounts')
    expect(accounts.json.accounts.find((a) => a.login === login)?.must_change_password).toBe(false)
    // The reset password is gone, the new one signs in.
    const signIn = (password: string) =>
      fetch(`${driver.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) }).then((r) => r.status)
    expect(await signIn('Reset-Password-2026')).toBe(401)
    expect(await signIn('My-Own-Password-2026')).toBe(200)
  })
})

describe('two-factor sign-in', () => {
  it('asks for the code after the password, refuses a wrong code in Chinese, and signs in with the right one', { timeout: 300_000 }, async () => {
    const driver = await open(null)
    const login = aLogin('totp')
    const password = 'Totp-Password-2026'
    const created = await api<{ id: number }>(driver, 'POST', '/api/accounts', {
      login, display_name: '双重验证测试', password, grants: [{ role: 'audit_admin' }],
    })
    expect(created.status).toBe(201)

    // Enrol TOTP through the API, as that person (a session of its own, outside the page).
    const base = driver.baseUrl
    const session = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) })
    expect(session.status).toBe(200)
    const cookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    const { csrf_token: csrf } = (await session.json()) as { csrf_token: string }
    const asThePerson = (path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const enrolled = await asThePerson('/api/session/totp', {})
    expect(enrolled.status).toBe(200)
    const secret = base32Decode(((await enrolled.json()) as { secret: string }).secret)
    // RFC 6238: the code of a time step is HOTP(secret, floor(unix time / 30)).
    const codeAt = (step: number) => hotp(secret, step)
    const enrolStep = timeStep(Date.now() / 1000)
    expect((await asThePerson('/api/session/totp/confirm', { code: codeAt(enrolStep) })).status).toBe(204)

    await whenISignInOnThePage(driver, login, password)
    const code = driver.page.getByTestId('sign-in-code')
    await expect.poll(() => code.isVisible(), { timeout: 30_000 }).toBe(true)
    expect(await driver.page.getByTestId('sign-in-page').textContent()).toContain('双重验证')
    expect(await driver.page.getByTestId('sign-in-login').count()).toBe(0)

    // A code of no step near now.
    const near = new Set([-2, -1, 0, 1, 2].map((d) => codeAt(timeStep(Date.now() / 1000) + d)))
    let wrong = 123456
    while (near.has(String(wrong).padStart(6, '0'))) wrong++
    await code.fill(String(wrong).padStart(6, '0'))
    await driver.page.getByTestId('sign-in-submit').click()
    await expect.poll(() => driver.page.getByTestId('sign-in-error').textContent().catch(() => null), { timeout: 30_000 }).toBe('验证码错误')
    expect(await code.isVisible()).toBe(true)

    // The code used for the enrolment is spent; the next step's code is within the server's ±1 step.
    const next = Math.max(enrolStep + 1, timeStep(Date.now() / 1000))
    expect(Date.now() / 1000).toBeLessThan((next + 2) * TOTP_STEP_SECONDS)
    await code.fill(codeAt(next))
    await driver.page.getByTestId('sign-in-submit').click()
    await expect.poll(() => driver.page.getByTestId('user-name').textContent().catch(() => null), { timeout: 60_000 }).toBe('双重验证测试')
    expect(await driver.page.getByTestId('sign-in-page').count()).toBe(0)
    expect(await driver.page.getByTestId('audit-view').isVisible()).toBe(true)
  })
})

interface Policy {
  sessionIdleMinutes: number
  sessionAbsoluteHours: number
  lockoutFailures: number
  lockoutMinutes: number
  passwordMinLength: number
  passwordMinClasses: number
  requireTwoFactorForAdministrators: boolean
  version: number
}

describe('the security policy screen', () => {
  it('the security administrator changes the lockout policy: a value out of range is refused next to its field in Chinese, the server returns the new policy, and a change made in between is not overwritten', { timeout: 300_000 }, async () => {
    const driver = await open('security')
    const before = (await api<Policy>(driver, 'GET', '/api/security-policy')).json
    try {
      await driver.page.goto(`${driver.baseUrl}/`)
      const screen = driver.page.getByTestId('security-policy')
      await expect.poll(() => screen.isVisible(), { timeout: 60_000 }).toBe(true)
      expect(await driver.page.getByTestId('map').count()).toBe(0)
      await expect.poll(() => screen.getByTestId('policy-lockoutFailures').inputValue()).toBe(String(before.lockoutFailures))
      expect(await screen.getByTestId('policy-lockoutMinutes').inputValue()).toBe(String(before.lockoutMinutes))

      // Out of the server's range (1–100 failures) and not a number: refused, field by field.
      await screen.getByTestId('policy-lockoutFailures').fill('0')
      await screen.getByTestId('policy-lockoutMinutes').fill('四十五')
      await screen.getByTestId('policy-save').click()
      expect(await screen.getByTestId('policy-error-lockoutMinutes').textContent()).toBe('请输入整数')
      expect(await screen.getByTestId('policy-error').textContent()).toBe('安全策略未保存：请修改标出的项目')
      await screen.getByTestId('policy-lockoutMinutes').fill('45')
      await screen.getByTestId('policy-save').click()
      // This one is the server's 400, its detail shown next to the field it names.
      await expect.poll(() => screen.getByTestId('policy-error-lockoutFailures').textContent().catch(() => null), { timeout: 30_000 }).toBe('不能小于 1')
      expect(await screen.getByTestId('policy-error-lockoutMinutes').count()).toBe(0)
      expect((await api<Policy>(driver, 'GET', '/api/security-policy')).json).toEqual(before)

      await screen.getByTestId('policy-lockoutFailures').fill('3')
      await screen.getByTestId('policy-save').click()
      await expect.poll(() => screen.getByTestId('policy-notice').textContent().catch(() => null), { timeout: 30_000 }).toBe('安全策略已保存，下一次请求起生效')
      expect(await screen.getByTestId('policy-error-lockoutFailures').count()).toBe(0)
      const saved = (await api<Policy>(driver, 'GET', '/api/security-policy')).json
      expect(saved).toEqual({ ...before, lockoutFailures: 3, lockoutMinutes: 45, version: before.version + 1 })
      expect(await screen.getByTestId('policy-version').textContent()).toContain(String(before.version + 1))

      // Someone else changes the policy meanwhile: this screen's save is refused, and it shows theirs.
      const theirs = await api<Policy>(driver, 'PUT', '/api/security-policy', { ...saved, version: saved.version, lockoutMinutes: 60 })
      expect(theirs.status).toBe(200)
      await screen.getByTestId('policy-lockoutFailures').fill('4')
      await screen.getByTestId('policy-save').click()
      await expect.poll(() => screen.getByTestId('policy-error').textContent().catch(() => null), { timeout: 30_000 })
        .toBe(`安全策略已被他人修改（现为版本 ${before.version + 2}），已载入最新内容，请核对后重新保存`)
      expect(await screen.getByTestId('policy-lockoutMinutes').inputValue()).toBe('60')
      expect(await screen.getByTestId('policy-lockoutFailures').inputValue()).toBe('3')
      expect((await api<Policy>(driver, 'GET', '/api/security-policy')).json.lockoutFailures).toBe(3)
    } finally {
      // Put the policy back for the files after this one (the version moves on; the values are the old ones).
      const { version: _version, ...values } = before
      await api(driver, 'PUT', '/api/security-policy', values)
    }
  })
})
