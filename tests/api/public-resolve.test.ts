import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { defaultRateLimits } from '../../server/http/rate-limits.js'

/** GET /api/public/resolve and /r/ (issue 9): what a signboard shows, to nobody signed in. */
describe('public resolution', () => {
  let t: TestApp
  let point: { lon: number; lat: number }
  const anonymous = { authorization: undefined }

  beforeAll(async () => {
    // The public routes' flood limit, set to 60 a minute per address for this file.
    t = await createTestApp({ rateLimits: { ...defaultRateLimits, publicPerAddress: 60 } })
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE code = '330105003J01') s`.execute(t.handle.db)
    point = rows[0]!
  })
  afterAll(async () => t?.close())

  it('answers nobody signed in with the chain of zones, holders by name and the supervision hotline, no party ids', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/api/public/resolve?lon=${point.lon}&lat=${point.lat}`, headers: anonymous })
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json()
    expect(body.supervision_hotline).toBe('12345')
    expect(body.chain.map((link: { zone: { code: string } }) => link.zone.code)).toContain('330105003J01')
    expect(body.primary.chief.name).toEqual(expect.any(String))
    for (const link of body.chain) for (const duty of ['chief', 'department', 'fallback', 'merchant']) if (link[duty]) expect(link[duty].id).toBeUndefined()
  })

  it('refuses a bad point naming the field', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/public/resolve?lon=200&lat=30', headers: anonymous })
    expect(response.statusCode).toBe(400)
    expect(JSON.stringify(response.json().error.details)).toContain('lon')
  })

  it('serves the /r/ page without a session', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/r/330105003J01', headers: anonymous })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/html')
  })

  it('answers 429 rate_limited past 60 requests a minute from one address', async () => {
    const url = `/api/public/resolve?lon=${point.lon}&lat=${point.lat}`
    const statuses: number[] = []
    for (let i = 0; i < 65; i++) {
      statuses.push((await t.app.inject({ method: 'GET', url, headers: anonymous, remoteAddress: '203.0.113.9' })).statusCode)
    }
    expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true)
    const refused = await t.app.inject({ method: 'GET', url, headers: anonymous, remoteAddress: '203.0.113.9' })
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('rate_limited')
    // Another address is not held back.
    expect((await t.app.inject({ method: 'GET', url, headers: anonymous, remoteAddress: '203.0.113.10' })).statusCode).toBe(200)
  })
})
