import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// The sign-in page's demo hint (GET /api/session/demo): public, and empty unless the demo accounts exist.
describe('the demo hint of the sign-in page', () => {
  describe('on the demo', () => {
    let t: TestApp
    beforeAll(async () => {
      t = await createTestApp({ demo: true })
    })
    afterAll(async () => t?.close())

    it('lists the demo accounts and their documented password to a caller without a session', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/session/demo', headers: { authorization: undefined } })
      expect(response.statusCode).toBe(200)
      const hint = response.json()
      expect(hint.demo).toBe(true)
      // The password the README documents for every demo account.
      expect(hint.password).toBe('Demo-2026-jiezhang')
      const logins = hint.accounts.map((a: { login: string }) => a.login)
      // server/auth/bootstrap.ts demoAccounts: one per role on the demo district.
      for (const login of ['planner', 'planner.wulinmen', 'dispatcher', 'viewer', 'auditor', 'sysadmin', 'security']) expect(logins).toContain(login)
      // The bootstrap administrator is no demo account: never listed.
      expect(logins).not.toContain('admin')
      expect(Object.keys(hint.accounts[0]).sort()).toEqual(['display_name', 'login'])
    })

    it('leaves out a demo account that has been disabled', async () => {
      await t.handle.db.updateTable('account').set({ disabled: true }).where('login', '=', 'leader').execute()
      const hint = (await t.app.inject({ method: 'GET', url: '/api/session/demo', headers: { authorization: undefined } })).json()
      expect(hint.accounts.map((a: { login: string }) => a.login)).not.toContain('leader')
      await t.handle.db.updateTable('account').set({ disabled: false }).where('login', '=', 'leader').execute()
    })
  })

  describe('without the demo', () => {
    let t: TestApp
    beforeAll(async () => {
      t = await createTestApp({ demo: false })
    })
    afterAll(async () => t?.close())

    it('says there is no demo and gives no password', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/session/demo', headers: { authorization: undefined } })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ demo: false, password: null, accounts: [] })
    })
  })
})
