import { afterEach, describe, expect, it } from 'vitest'
import { apiGet, givenTheAppIsOpen, openDriver, type Driver } from './driver.js'

/**
 * The system administrator's accounts view (users.manage), clicked through in Chromium as the demo
 * `sysadmin`; then the demo audit administrator finds each of those steps in the audit view.
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

interface AccountView {
  id: number
  login: string
  must_change_password: boolean
  grants: { id: number; role: string; scope: { kind: string; zone?: { code: string } } }[]
}

async function accountByLogin(driver: Driver, login: string): Promise<AccountView | undefined> {
  return (await apiGet<{ accounts: AccountView[] }>(driver, '/api/accounts')).accounts.find((a) => a.login === login)
}

describe('account administration', () => {
  it('the system administrator creates a scoped account, resets its password, revokes a grant, issues and revokes a token; the auditor sees each step', { timeout: 300_000 }, async () => {
    const login = `ui.${Date.now().toString(36)}`
    const admin = await open('sysadmin')
    await givenTheAppIsOpen(admin)
    const page = admin.page
    // The system administrator reaches the accounts through the user menu (the map stays theirs: zones.read).
    await page.getByTestId('user-menu-button').click()
    await page.getByTestId('open-accounts').click()
    const view = page.getByTestId('accounts-view')
    await expect.poll(() => view.isVisible(), { timeout: 30_000 }).toBe(true)
    expect(await view.getByTestId('account-row').filter({ hasText: 'sysadmin' }).count()).toBe(1)

    // Create: a planner of 天水街道 (330105003).
    await view.getByTestId('new-account-login').fill(login)
    await view.getByTestId('new-account-name').fill('界面测试规划员')
    await view.getByTestId('new-account-password').fill('Ui-Test-Password-2026')
    await view.getByTestId('grant-role').selectOption('planner')
    await view.getByTestId('grant-scope-code').fill('330105003')
    await view.getByTestId('new-account-create').click()
    await expect.poll(() => view.getByTestId('accounts-notice').textContent().catch(() => null), { timeout: 30_000 }).toBe('账户已创建')
    const row = view.locator(`[data-testid="account-row"][data-login="${login}"]`)
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.textContent()).toContain('planner · 天水街道（330105003）')
    let stored = await accountByLogin(admin, login)
    expect(stored?.grants.map((g) => [g.role, g.scope.kind, g.scope.zone?.code])).toEqual([['planner', 'jurisdiction', '330105003']])
    expect(stored?.must_change_password).toBe(false)

    // The new account is selected: its detail. Reset the password: the person must change it at the next sign-in.
    const detail = view.getByTestId('account-detail')
    await expect.poll(() => detail.locator('h4').first().textContent()).toContain(login)
    await detail.getByTestId('account-new-password').fill('Reset-By-Admin-2026')
    await detail.getByTestId('account-reset-password').click()
    await expect.poll(() => view.getByTestId('accounts-notice').textContent().catch(() => null), { timeout: 30_000 }).toBe('密码已重置，用户下次登录须修改')
    stored = await accountByLogin(admin, login)
    expect(stored?.must_change_password).toBe(true)
    // The old password no longer signs in; the reset one does (and is restricted to changing it).
    const oldSignIn = await fetch(`${admin.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: 'Ui-Test-Password-2026' }) })
    expect(oldSignIn.status).toBe(401)

    // Grant a second role (viewer, city-wide), then revoke the planner grant.
    await detail.getByTestId('grant-role').selectOption('viewer')
    await detail.getByTestId('account-grant-add').click()
    await expect.poll(() => detail.getByTestId('account-grant').count(), { timeout: 30_000 }).toBe(2)
    await detail.getByTestId('account-grant').filter({ hasText: '330105003' }).getByTestId('account-revoke').click()
    await expect.poll(() => detail.getByTestId('account-grant').count(), { timeout: 30_000 }).toBe(1)
    expect(await detail.getByTestId('account-grant').textContent()).toContain('viewer · 全市')
    expect(await row.textContent()).not.toContain('330105003')
    stored = await accountByLogin(admin, login)
    expect(stored?.grants.map((g) => [g.role, g.scope.kind])).toEqual([['viewer', 'all']])

    // Issue an API token: shown once, and it works as a Bearer token.
    await detail.getByTestId('token-name').fill('12345热线（界面测试）')
    await detail.getByTestId('token-issue').click()
    const issued = detail.getByTestId('issued-token')
    await expect.poll(() => issued.isVisible(), { timeout: 30_000 }).toBe(true)
    const token = (await issued.locator('code').textContent())!.trim()
    expect(token).toMatch(/^jz_[A-Za-z0-9_-]{20,}$/)
    expect(await issued.textContent()).toContain('令牌只显示这一次')
    const withToken = () => fetch(`${admin.baseUrl}/api/zones?kind=district&limit=1`, { headers: { authorization: `Bearer ${token}` } })
    expect((await withToken()).status).toBe(200)
    const listed = detail.getByTestId('account-token').filter({ hasText: '12345热线（界面测试）' })
    await expect.poll(() => listed.count()).toBe(1)
    // The list never shows the token again.
    expect((await detail.getByTestId('account-token').allTextContents()).join(' ')).not.toContain(token)
    await listed.getByTestId('token-revoke').click()
    await expect.poll(() => listed.getByTestId('token-revoked').count(), { timeout: 30_000 }).toBe(1)
    expect((await withToken()).status).toBe(401)

    // The audit administrator finds every step, by the system administrator, in the audit view.
    const auditor = await open('auditor')
    await auditor.page.goto(`${auditor.baseUrl}/`)
    const audit = auditor.page.getByTestId('audit-view')
    await expect.poll(() => audit.isVisible(), { timeout: 60_000 }).toBe(true)
    await auditor.page.getByTestId('audit-filter-login').fill('sysadmin')
    await auditor.page.getByTestId('audit-search').click()
    const events = auditor.page.getByTestId('audit-event')
    const actionsShown = async () => (await events.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))).sort()
    await expect.poll(actionsShown, { timeout: 30_000 }).toEqual(expect.arrayContaining(['account.create', 'account.update', 'grant.create', 'grant.delete', 'token.create', 'token.revoke']))
    // The creation names the account; the rows are in Chinese.
    const created = events.and(auditor.page.locator('[data-action="account.create"]')).filter({ hasText: login })
    expect(await created.count()).toBe(1)
    expect(await created.textContent()).toContain('新建账户')
    expect(await events.and(auditor.page.locator('[data-action="grant.delete"]')).first().textContent()).toContain('撤销角色')
    // The auditor only reads: no accounts view for them.
    expect(await auditor.page.getByTestId('accounts-view').count()).toBe(0)
    // And the system administrator cannot read the trail (等保 separation of duties).
    const sysadminAudit = await admin.page.request.get(`${admin.baseUrl}/api/audit?login=sysadmin`)
    expect(sysadminAudit.status()).toBe(403)
  })
})
