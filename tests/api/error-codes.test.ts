import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle, seedParty, seedZone } from '../helpers/seed.js'
import { errorStatus } from '../../server/kernel/error-codes.js'

/**
 * One situation, one code and status, whichever route meets it (docs/errors.md): a category that
 * does not exist, and a time that is not one.
 */
describe('error codes across routes', () => {
  let t: TestApp
  let grid: number
  const unknownCategory = encodeURIComponent('外星人')

  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
    const response = await t.app.inject({ method, url, ...(payload ? { payload } : {}) })
    return { status: response.statusCode, error: response.json().error as { code: string; details?: { field?: string }[] } }
  }

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    const db = t.handle.db
    const district = await seedZone(db, { kind: 'district', code: '330105', geometry: rectangle(120.1, 30.2, 120.3, 30.4) })
    const subdistrict = await seedZone(db, { kind: 'subdistrict', code: '330105003', parent: district, geometry: rectangle(120.14, 30.26, 120.2, 30.3) })
    const community = await seedZone(db, { kind: 'community', code: '330105003001', parent: subdistrict, geometry: rectangle(120.15, 30.27, 120.17, 30.29) })
    grid = await seedZone(db, { kind: 'grid', code: '33010500300101', parent: community, geometry: rectangle(120.15, 30.27, 120.16, 30.28) })
    await seedParty(db, { type: 'department', name: '区城管局' })
  })
  afterAll(async () => t?.close())

  it('answers an unknown category with 400 unknown_category on resolution and on category routing alike', async () => {
    const answers = [
      await call('GET', `/api/resolve?lon=120.155&lat=30.275&category=${unknownCategory}`),
      await call('POST', '/api/resolve/batch', { category: '外星人', points: [{ id: 1, lon: 120.155, lat: 30.275 }] }),
      await call('PUT', `/api/zones/${grid}/categories/${unknownCategory}`, { department: '区城管局' }),
      await call('DELETE', `/api/zones/${grid}/categories/${unknownCategory}`),
    ]
    for (const answer of answers) expect(answer).toMatchObject({ status: 400, error: { code: 'unknown_category' } })
    expect(errorStatus.unknown_category).toBe(400)
  })

  it('answers a bad time with 400 invalid_time, naming the field, on every route that takes one', async () => {
    const answers: [string, Awaited<ReturnType<typeof call>>, string][] = [
      ['GET /api/zones', await call('GET', '/api/zones?at=soon'), 'at'],
      ['GET /api/zones/:id', await call('GET', `/api/zones/${grid}?at=2024-02-30`), 'at'],
      ['GET /api/zones/by-code', await call('GET', '/api/zones/by-code/grid/33010500300101?at=yesterday'), 'at'],
      ['GET /api/resolve', await call('GET', '/api/resolve?lon=120.155&lat=30.275&at=yesterday'), 'at'],
      ['POST /api/resolve/batch', await call('POST', '/api/resolve/batch', { at: '0000-01-01', points: [{ id: 1, lon: 120.155, lat: 30.275 }] }), 'at'],
      ['POST /api/zones/:id/assignments', await call('POST', `/api/zones/${grid}/assignments`, { duty: 'chief', party: { name: '张三' }, from: 'soon' }), 'from'],
    ]
    for (const [route, answer, field] of answers) {
      expect(answer, route).toMatchObject({ status: 400, error: { code: 'invalid_time', details: [expect.objectContaining({ field })] } })
    }
  })

  it('sends every error with the status its code has in the table', async () => {
    const answers = [
      await call('GET', '/api/zones/999999'),
      await call('GET', '/api/zones?kind=plaza'),
      await call('GET', '/api/nowhere'),
      await call('GET', '/api/coverage/nope'),
    ]
    for (const answer of answers) expect(answer.status).toBe(errorStatus[answer.error.code as keyof typeof errorStatus])
  })
})
