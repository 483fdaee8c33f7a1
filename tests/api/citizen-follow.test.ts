import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The citizen's follow-up page `/c/{token}` as a phone opens it from the link its report gave:
 * held to the public pages' flood limit per address like `/r/…`, and, when the database is
 * away, the same HTML "系统维护中" page as `/r/…` (503, Retry-After), never a JSON envelope; the
 * JSON route behind it keeps the JSON envelope.
 */

async function fileReport(app: FastifyInstance, remoteAddress: string): Promise<string> {
  const categories = (await app.inject({ method: 'GET', url: '/api/public/categories', remoteAddress, headers: { authorization: undefined } })).json() as { id: number }[]
  const response = await app.inject({
    method: 'POST', url: '/api/public/cases', remoteAddress, headers: { authorization: undefined },
    payload: { signboard_code: '33010500300201', category_id: categories[0]!.id, description: '跟进页测试' },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json().token
}

describe('the follow-up page under the public flood limit', () => {
  let t: TestApp
  let limited: FastifyInstance
  let token: string
  beforeAll(async () => {
    t = await createTestApp()
    limited = await buildApp({ db: t.handle.db, publicUrl: 'http://jiezhang.test', rateLimits: { sessionPerAddress: 20, sessionPerLogin: 10, publicPerAddress: 4, windowMs: 60_000 } })
    token = await fileReport(t.app, '192.0.2.1')
  })
  afterAll(async () => {
    await limited?.close()
    await t?.close()
  })

  it('answers four /c/ pages a minute from one address and refuses the fifth with 429 and Retry-After; another address goes on', async () => {
    for (let i = 0; i < 4; i++) {
      const page = await limited.inject({ method: 'GET', url: `/c/${token}`, remoteAddress: '203.0.113.40' })
      expect(page.statusCode, page.body).toBe(200)
      expect(page.headers['content-type']).toMatch(/^text\/html/)
    }
    const refused = await limited.inject({ method: 'GET', url: `/c/${token}`, remoteAddress: '203.0.113.40' })
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('rate_limited')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    // A guessed token counts the same: guessing is what the limit slows.
    const guess = await limited.inject({ method: 'GET', url: '/c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', remoteAddress: '203.0.113.40' })
    expect(guess.statusCode).toBe(429)
    expect((await limited.inject({ method: 'GET', url: `/c/${token}`, remoteAddress: '203.0.113.41' })).statusCode).toBe(200)
  })
})

describe('the follow-up page while the database is away', () => {
  let t: TestApp
  let token: string
  beforeAll(async () => {
    t = await createTestApp()
    token = await fileReport(t.app, '192.0.2.2')
    expect((await t.app.inject({ method: 'GET', url: `/c/${token}` })).statusCode).toBe(200)
  })
  afterAll(async () => t?.close())

  it('answers the HTML 系统维护中 page with 503 and Retry-After on /c/ (and /p/rankings), and JSON database_unavailable on the API behind it', async () => {
    await t.handle.close()
    const page = await t.app.inject({ method: 'GET', url: `/c/${token}`, headers: { authorization: undefined } })
    expect(page.statusCode).toBe(503)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.headers['retry-after']).toBe('30')
    expect(page.body).toContain('系统维护中，请稍后再试')
    expect(page.body).not.toContain('"error"')
    // The published rankings page (server/reports/) is a page for citizens too.
    const rankings = await t.app.inject({ method: 'GET', url: '/p/rankings', headers: { authorization: undefined } })
    expect(rankings.statusCode).toBe(503)
    expect(rankings.headers['content-type']).toMatch(/^text\/html/)
    expect(rankings.body).toContain('系统维护中，请稍后再试')
    const api = await t.app.inject({ method: 'GET', url: `/api/public/cases/${token}`, headers: { authorization: undefined } })
    expect(api.statusCode).toBe(503)
    expect(api.json().error.code).toBe('database_unavailable')
  })
})
