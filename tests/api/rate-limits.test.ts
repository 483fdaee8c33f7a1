import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { adminHeaders } from '../helpers/auth.js'
import { rateLimitsFromEnv, defaultRateLimits } from '../../server/http/rate-limits.js'

const password = 'Demo-2026-jiezhang'
const signIn = (app: FastifyInstance, login: string, address: string, secret = password) =>
  app.inject({ method: 'POST', url: '/api/session', remoteAddress: address, payload: { login, password: secret } })

/** The flood limits, lowered so that a test reaches them: 4 sign-ins a minute per address, 3 per login, 5 public pages. */
const limits = { sessionPerAddress: 4, sessionPerLogin: 3, publicPerAddress: 5, windowMs: 60_000 }

describe('rate limits', () => {
  let t: TestApp
  let app: FastifyInstance
  let street: string
  beforeAll(async () => {
    t = await createTestApp()
    // A second app over the same database, with the lowered limits (the test app has them off); its
    // requests are anonymous unless they send credentials.
    app = await buildApp({ db: t.handle.db, publicUrl: 'http://jiezhang.test', rateLimits: limits })
    street = (await t.app.inject({ method: 'GET', url: '/api/zones?kind=street&limit=1' })).json().features[0].properties.code
  })
  afterAll(async () => {
    await app?.close()
    await t?.close()
  })

  it('refuses the fifth sign-in from one address within the minute with 429 rate_limited and Retry-After; another address goes on', async () => {
    const logins = ['planner', 'viewer', 'leader', 'dispatcher']
    for (const login of logins) expect((await signIn(app, login, '203.0.113.7')).statusCode).toBe(200)
    const refused = await signIn(app, 'auditor', '203.0.113.7')
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('rate_limited')
    expect(refused.json().error.message).toMatch(/address/)
    const retryAfter = Number(refused.headers['retry-after'])
    expect(Number.isInteger(retryAfter)).toBe(true)
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(refused.json().error.details.retry_after_s).toBe(retryAfter)
    // No session was made for the refused attempt.
    expect(refused.headers['set-cookie']).toBeUndefined()
    expect((await signIn(app, 'auditor', '203.0.113.8')).statusCode).toBe(200)
  })

  it('refuses the fourth sign-in as one login within the minute, whatever the address, wrong password or right', async () => {
    expect((await signIn(app, 'gridworker', '198.51.100.1', 'wrong-password')).statusCode).toBe(401)
    expect((await signIn(app, 'gridworker', '198.51.100.2', 'wrong-password')).statusCode).toBe(401)
    expect((await signIn(app, 'GridWorker', '198.51.100.3')).statusCode).not.toBe(429)
    const refused = await signIn(app, 'gridworker', '198.51.100.4')
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('rate_limited')
    expect(refused.json().error.message).toMatch(/login/)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    // Another login from a fresh address is not affected.
    expect((await signIn(app, 'sysadmin', '198.51.100.5')).statusCode).toBe(200)
  })

  it('limits the public citizen page per address, and not the signed-in API', async () => {
    for (let i = 0; i < limits.publicPerAddress; i++) {
      const page = await app.inject({ method: 'GET', url: `/r/${encodeURIComponent(street)}`, remoteAddress: '192.0.2.50' })
      expect(page.statusCode).toBe(200)
    }
    const refused = await app.inject({ method: 'GET', url: `/r/${encodeURIComponent(street)}`, remoteAddress: '192.0.2.50' })
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('rate_limited')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect((await app.inject({ method: 'GET', url: `/r/${encodeURIComponent(street)}`, remoteAddress: '192.0.2.51' })).statusCode).toBe(200)
    // A signed-in API route has no flood limit.
    for (let i = 0; i < 2 * limits.publicPerAddress; i++) {
      const zones = await app.inject({ method: 'GET', url: '/api/zones?kind=street&limit=1', remoteAddress: '192.0.2.50', headers: adminHeaders })
      expect(zones.statusCode).toBe(200)
    }
  })

  it('reads the limits from the environment and refuses a value that is not a count, naming the variable', () => {
    expect(rateLimitsFromEnv({})).toEqual(defaultRateLimits)
    expect(rateLimitsFromEnv({ RATE_LIMITS: 'off' })).toBe('off')
    expect(rateLimitsFromEnv({ RATE_LIMIT_SESSION_PER_LOGIN: '7', RATE_LIMIT_PUBLIC_PER_ADDRESS: '300' })).toEqual({ ...defaultRateLimits, sessionPerLogin: 7, publicPerAddress: 300 })
    expect(() => rateLimitsFromEnv({ RATE_LIMIT_SESSION_PER_ADDRESS: 'ten' })).toThrow(/RATE_LIMIT_SESSION_PER_ADDRESS/)
    expect(() => rateLimitsFromEnv({ RATE_LIMIT_PUBLIC_PER_ADDRESS: '0' })).toThrow(/RATE_LIMIT_PUBLIC_PER_ADDRESS/)
  })
})
