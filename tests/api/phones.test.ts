import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle, seedAssignment, seedParty, seedZone } from '../helpers/seed.js'

/** Phones are read on the way in, stored in one normal form, and linked as they are dialled. */
describe('phones', () => {
  let t: TestApp
  let grid: number
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => t.app.inject({ method, url, ...(payload ? { payload } : {}) })

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    const community = await seedZone(t.handle.db, { kind: 'community', code: 'PH', name: '电话社区', geometry: rectangle(120.1, 30.2, 120.11, 30.21) })
    grid = await seedZone(t.handle.db, { kind: 'grid', code: 'PH-G1', name: '电话网格', parent: community, geometry: rectangle(120.1, 30.2, 120.105, 30.205) })
  })
  afterAll(async () => t?.close())

  it('stores the normal form of a party phone on create and update', async () => {
    const createdParty = await call('POST', '/api/parties', { type: 'chief', name: '分机甲', phone: '138 0000 0053 转 2' })
    expect(createdParty.statusCode, createdParty.body).toBe(201)
    expect(createdParty.json().phone).toBe('138-0000-0053 转2')
    const updated = await call('PATCH', `/api/parties/${createdParty.json().id}`, { version: 1, phone: '+86 571 8700 1234' })
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json().phone).toBe('0571-8700-1234')
    const cleared = await call('PATCH', `/api/parties/${createdParty.json().id}`, { version: 2, phone: ' ' })
    expect(cleared.json().phone).toBeNull()
  })

  it('refuses a phone that is not a Chinese number with 400 invalid_phone naming the field and saying what is accepted', async () => {
    for (const phone of ['找王主任', '1380000005']) {
      const response = await call('POST', '/api/parties', { type: 'chief', name: '乙', phone })
      expect(response.statusCode, response.body).toBe(400)
      expect(response.json().error).toMatchObject({ code: 'invalid_phone', details: [{ field: 'phone', reason: expect.any(String) }] })
    }
    expect((await call('POST', '/api/parties', { type: 'chief', name: '乙', phone: '找王主任' })).json().error.details[0].reason).toMatch(/mobile .*landline .*area code.*service number.*extension/)
    const party = (await call('POST', '/api/parties', { type: 'chief', name: '丙' })).json()
    const patch = await call('PATCH', `/api/parties/${party.id}`, { version: 1, phone: '+1 555 123 4567' })
    expect(patch.statusCode).toBe(400)
    expect(patch.json().error).toMatchObject({ code: 'invalid_phone', details: [{ field: 'phone', reason: expect.stringContaining('+86') }] })
    const assignment = await call('POST', `/api/zones/${grid}/assignments`, { duty: 'chief', party: { name: '丁', phone: '0571-123' } })
    expect(assignment.statusCode).toBe(400)
    expect(assignment.json().error).toMatchObject({ code: 'invalid_phone', details: [{ field: 'party.phone' }] })
  })

  it('reads import phones the same way: normalised, or a 400 naming the feature and field', async () => {
    const feature = (code: string, phone: string) => ({
      type: 'Feature',
      properties: { kind: 'grid', code, name: `网格${code}`, parent: 'PH', chief: { name: `网格长${code}`, phone } },
      geometry: rectangle(120.105, 30.2, 120.11, 30.205),
    })
    const bad = await call('POST', '/api/import', { type: 'FeatureCollection', features: [feature('PH-G2', '0571 8700 1234 ext 9'), feature('PH-G3', '电话待定')] })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'invalid_import', details: [{ index: 1, field: 'properties.chief.phone', reason: expect.stringContaining('must be a mobile') }] })
    const good = await call('POST', '/api/import', { type: 'FeatureCollection', features: [feature('PH-G2', '0571 8700 1234 ext 9')] })
    expect(good.statusCode, good.body).toBe(201)
    const chiefs = (await call('GET', `/api/parties?type=chief&q=${encodeURIComponent('网格长PH-G2')}`)).json()
    expect(chiefs.map((party: { phone: string }) => party.phone)).toEqual(['0571-8700-1234 转9'])
  })

  it('links every phone on the citizen page as dialled, sends the SMS to a mobile, and shows an unparseable stored phone as text only', async () => {
    const db = t.handle.db
    const chief = await seedParty(db, { type: 'chief', name: '网格长戊', phone: '138-0000-0053 转2', role: '网格长' })
    await seedAssignment(db, { zone: grid, party: chief, duty: 'chief' })
    // A phone stored before phones were checked.
    const old = await seedParty(db, { type: 'department', name: '老部门', phone: '找王主任' })
    await seedAssignment(db, { zone: grid, party: old, duty: 'department' })
    const page = await call('GET', '/r/PH-G1')
    expect(page.statusCode).toBe(200)
    // +86, the mobile's 11 digits, then a pause and the extension (not 138000000532).
    expect(page.body).toContain('href="tel:+8613800000053,2"')
    expect(page.body).not.toContain('tel:138000000532')
    expect(page.body).toContain('data-sms-to="+8613800000053"')
    expect(page.body).toContain('<span class="phone" data-testid="phone-text">找王主任</span>')
    expect(page.body).not.toMatch(/href="tel:[^"]*找/)
    expect(page.body).toContain('href="tel:12345"')
  })
})
