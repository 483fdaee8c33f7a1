import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * Readiness tells the truth on both backends: ready over a working database, 503
 * database_unavailable once the database is gone, while health (liveness) stays 200. The
 * PostgreSQL outage itself (stopped, frozen, back) is db-fault.postgres.test.ts.
 */
describe('readiness and a closed database', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  afterAll(async () => t?.close())

  it('answers /api/ready with 200 ready over a working database', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/ready' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ready' })
  })

  it('answers 503 database_unavailable on ready and on database routes once the database is closed, and 200 on health', async () => {
    await t.handle.close()
    const ready = await t.app.inject({ method: 'GET', url: '/api/ready' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json().error.code).toBe('database_unavailable')
    const zones = await t.app.inject({ method: 'GET', url: '/api/zones?kind=grid' })
    expect(zones.statusCode, zones.body).toBe(503)
    expect(zones.json().error).toMatchObject({ code: 'database_unavailable', message: expect.stringContaining('not available') })
    const page = await t.app.inject({ method: 'GET', url: '/r/33010500300101' })
    expect(page.statusCode).toBe(503)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('系统维护中，请稍后再试')
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200)
  })
})
