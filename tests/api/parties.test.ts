import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { emptyTheDatabase, rectangle, seedZone } from '../helpers/seed.js'
import { holdersAt } from '../../server/db/holders.js'

describe('parties, assignments and category routing', () => {
  let t: TestApp
  const zone: Record<string, number> = {}

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) {
    return t.app.inject({ method, url, ...(payload ? { payload } : {}) })
  }

  async function created(method: 'POST' | 'PUT', url: string, payload: object) {
    const response = await call(method, url, payload)
    expect(response.statusCode, response.body).toBeLessThan(300)
    return response.json()
  }
  /** 赵六 has been the street's chief since 2023, and 张三 is a chief holding nothing. */
  async function givenZhaoLiuSince2023AndZhangSan() {
    const first = await created('POST', `/api/zones/${zone.street}/assignments`, {
      duty: 'chief', party: { name: '赵六', phone: '0571-0000-0006' }, from: '2023-01-01T00:00:00+08:00',
    })
    const zhang = await created('POST', '/api/parties', { type: 'chief', name: '张三', phone: '0571-0000-0001', title: '区城管局局长', role: '街长' })
    return { firstAssignment: first.id as number, zhang: zhang.id as number }
  }
  /** …and 张三 took over on 2024-03-01, closing 赵六's term. */
  async function givenZhangSanTookOverIn2024() {
    const given = await givenZhaoLiuSince2023AndZhangSan()
    await created('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief', party_id: given.zhang, from: '2024-03-01' })
    return given
  }
  /** 路灯损坏 is routed at the sub-district to 区环卫处. */
  async function givenLampsRoutedAtTheSubdistrict() {
    await created('POST', '/api/categories', { name: '路灯损坏' })
    await created('POST', '/api/parties', { type: 'department', name: '区环卫处', phone: '0571-12319' })
    await created('PUT', `/api/zones/${zone.subdistrict}/categories/${encodeURIComponent('路灯损坏')}`, { department: '区环卫处' })
  }

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  // Every test starts from the zones alone and sets up the parties it needs: each runs alone and in any order.
  beforeEach(async () => {
    const db = t.handle.db
    await emptyTheDatabase(db)
    zone.district = await seedZone(db, { kind: 'district', code: '330105', geometry: rectangle(120.1, 30.2, 120.3, 30.4) })
    zone.subdistrict = await seedZone(db, { kind: 'subdistrict', code: '330105003', parent: zone.district, geometry: rectangle(120.14, 30.26, 120.2, 30.3) })
    zone.community = await seedZone(db, { kind: 'community', code: '330105003001', parent: zone.subdistrict, geometry: rectangle(120.15, 30.27, 120.17, 30.29) })
    zone.grid = await seedZone(db, { kind: 'grid', code: '33010500300101', parent: zone.community, geometry: rectangle(120.15, 30.27, 120.16, 30.28) })
    zone.street = await seedZone(db, {
      kind: 'street', code: 'S1', name: '体育场路', parent: zone.subdistrict,
      geometry: { type: 'LineString', coordinates: [[120.15, 30.28], [120.17, 30.28]] },
    })
    zone.frontage = await seedZone(db, { kind: 'frontage', code: 'F1', parent: zone.street, geometry: rectangle(120.151, 30.2801, 120.1512, 30.2802) })
  })
  afterAll(async () => t?.close())

  describe('parties', () => {
    let chiefId: number

    it('creates a chief and finds it by type and name', async () => {
      const created = await call('POST', '/api/parties', { type: 'chief', name: '张三', phone: '0571-0000-0001', title: '区城管局局长', role: '街长' })
      expect(created.statusCode, created.body).toBe(201)
      chiefId = created.json().id
      expect(created.json()).toMatchObject({ type: 'chief', name: '张三', version: 1, zones: [] })
      const found = await call('GET', `/api/parties?type=chief&q=${encodeURIComponent('张')}`)
      expect(found.json().map((party: { id: number }) => party.id)).toEqual([chiefId])
      expect((await call('GET', '/api/parties?type=department')).json()).toEqual([])
      expect((await call('GET', `/api/parties/${chiefId}`)).json().name).toBe('张三')
    })

    it('updates a party by version and refuses a stale version without writing', async () => {
      chiefId = (await created('POST', '/api/parties', { type: 'chief', name: '张三', phone: '0571-0000-0001' })).id
      const updated = await call('PATCH', `/api/parties/${chiefId}`, { version: 1, phone: '0571-0000-0002' })
      expect(updated.statusCode, updated.body).toBe(200)
      expect(updated.json()).toMatchObject({ phone: '0571-0000-0002', version: 2 })
      const stale = await call('PATCH', `/api/parties/${chiefId}`, { version: 1, name: '李四' })
      expect(stale.statusCode).toBe(409)
      expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current_version: 2, current: { name: '张三' } } })
      expect((await call('GET', `/api/parties/${chiefId}`)).json()).toMatchObject({ name: '张三', version: 2 })
    })

    it('keeps department names unique', async () => {
      expect((await call('POST', '/api/parties', { type: 'department', name: '区环卫处', phone: '0571-12319' })).statusCode).toBe(201)
      const again = await call('POST', '/api/parties', { type: 'department', name: '区环卫处' })
      expect(again.statusCode).toBe(409)
      expect(again.json().error.code).toBe('duplicate_department')
    })

    it('refuses an unknown type, a blank name and unknown fields', async () => {
      const type = await call('POST', '/api/parties', { type: 'boss', name: '王五' })
      expect(type.statusCode).toBe(400)
      expect(type.json().error).toMatchObject({ code: 'unknown_type', details: [{ field: 'type' }] })
      expect((await call('POST', '/api/parties', { type: 'chief', name: '   ' })).json().error.code).toBe('invalid_name')
      expect((await call('POST', '/api/parties', { type: 'chief', name: '王五', mobile: '1' })).statusCode).toBe(400)
    })

    it('deletes a party that never held a zone, by version', async () => {
      const party = (await call('POST', '/api/parties', { type: 'chief', name: '临时' })).json()
      expect((await call('DELETE', `/api/parties/${party.id}?version=7`)).statusCode).toBe(409)
      expect((await call('DELETE', `/api/parties/${party.id}?version=1`)).statusCode).toBe(204)
      expect((await call('GET', `/api/parties/${party.id}`)).statusCode).toBe(404)
    })
  })

  describe('assignments', () => {
    it('gives a street a chief, creating the person with the default role of the kind', async () => {
      const response = await call('POST', `/api/zones/${zone.street}/assignments`, {
        duty: 'chief', party: { name: '赵六', phone: '0571-0000-0006' }, from: '2023-01-01T00:00:00+08:00',
      })
      expect(response.statusCode, response.body).toBe(201)
      expect(response.json()).toMatchObject({
        duty: 'chief', party: { type: 'chief', name: '赵六', role: '街长' }, valid_from: '2022-12-31T16:00:00.000Z', valid_to: null, version: 1,
      })
      const street = (await call('GET', `/api/zones/${zone.street}`)).json()
      expect(street.properties.chief).toMatchObject({ name: '赵六', phone: '0571-0000-0006', role: '街长' })
      const [effect] = response.json().audit.jurisdictions
      expect(effect).toMatchObject({ code: '330105003', kind: 'subdistrict' })
      expect(effect.resolved.unassigned).toEqual([expect.objectContaining({ key: 'street:S1:chief' })])
      expect(effect.after.unassigned).toBe(effect.before.unassigned - 1)
    })

    it('naming the current holder again changes nothing', async () => {
      const { firstAssignment } = await givenZhaoLiuSince2023AndZhangSan()
      const response = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief', party: { name: '赵六', phone: '0571-0000-0006' } })
      expect(response.statusCode).toBe(200)
      expect(response.json().id).toBe(firstAssignment)
      const [effect] = response.json().audit.jurisdictions
      expect(effect.after).toEqual(effect.before)
      expect(Object.values(effect.added).flat()).toEqual([])
    })

    it('closes the previous chief at the new one\'s start and keeps the history, newest first', async () => {
      const { firstAssignment } = await givenZhaoLiuSince2023AndZhangSan()
      const chief = (await call('GET', '/api/parties?type=chief&q=%E5%BC%A0')).json()[0]
      const response = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief', party_id: chief.id, from: '2024-03-01' })
      expect(response.statusCode, response.body).toBe(201)
      const history = (await call('GET', `/api/zones/${zone.street}/assignments`)).json()
      expect(history).toMatchObject([
        { duty: 'chief', party: { name: '张三' }, valid_from: '2024-02-29T16:00:00.000Z', valid_to: null },
        { id: firstAssignment, party: { name: '赵六' }, valid_from: '2022-12-31T16:00:00.000Z', valid_to: '2024-02-29T16:00:00.000Z', version: 2 },
      ])
      expect((await call('GET', `/api/zones/${zone.street}`)).json().properties.chief.name).toBe('张三')
      const before = await holdersAt(t.handle.db, [zone.street!], '2024-02-01T00:00:00Z')
      expect(before.get(zone.street!)?.chief?.name).toBe('赵六')
      const at = await holdersAt(t.handle.db, [zone.street!], '2024-02-29T16:00:00Z')
      expect(at.get(zone.street!)?.chief?.name).toBe('张三')
      const then = (await call('GET', `/api/zones/${zone.street}?at=2024-02-29T23:59`)).json()
      expect(then.properties.chief.name).toBe('赵六')
      const listed = (await call('GET', '/api/zones?kind=street&at=2023-06-01')).json()
      expect(listed.features[0].properties.chief.name).toBe('赵六')
      expect((await call('GET', '/api/zones?at=soon')).json().error).toMatchObject({ code: 'invalid_time', details: [{ field: 'at' }] })
      const parties = (await call('GET', '/api/parties?type=chief')).json()
      expect(parties.find((party: { name: string }) => party.name === '张三').zones).toEqual([
        { id: zone.street, kind: 'street', code: 'S1', name: '体育场路', duty: 'chief' },
      ])
      expect(parties.find((party: { name: string }) => party.name === '赵六').zones).toEqual([])
    })

    it('refuses a new holder starting inside the existing history', async () => {
      await givenZhangSanTookOverIn2024()
      const response = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief', party: { name: '钱七' }, from: '2024-01-01' })
      expect(response.statusCode).toBe(422)
      expect(response.json().error).toMatchObject({ code: 'invalid_interval', details: [{ field: 'from' }] })
    })

    it('refuses a duty the kind has not, a party of the wrong type, an unknown zone and a bad time', async () => {
      await created('POST', '/api/parties', { type: 'department', name: '区环卫处', phone: '0571-12319' })
      const fallback = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'fallback', party: { name: '城市物业' } })
      expect(fallback.statusCode).toBe(422)
      expect(fallback.json().error.code).toBe('invalid_duty')
      const department = (await call('GET', '/api/parties?type=department')).json()[0]
      const mismatch = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief', party_id: department.id })
      expect(mismatch.json().error.code).toBe('party_type_mismatch')
      expect((await call('POST', '/api/zones/999999/assignments', { duty: 'chief', party: { name: '某' } })).statusCode).toBe(404)
      const time = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief', party: { name: '某' }, from: 'yesterday' })
      expect(time.statusCode).toBe(400)
      expect(time.json().error.details[0].field).toBe('from')
      const neither = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief' })
      expect(neither.json().error.code).toBe('invalid_party')
      // Year 0 and ids past int4 once reached PostgreSQL and came back as a 500 or an unnamed 400.
      const yearZero = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief', party: { name: '某' }, from: '0000-06-01' })
      expect(yearZero.statusCode).toBe(400)
      expect(yearZero.json().error).toMatchObject({ code: 'invalid_time', details: [{ field: 'from' }] })
      const hugeId = await call('POST', `/api/zones/${zone.street}/assignments`, { duty: 'chief', party_id: 99_999_999_999 })
      expect(hugeId.statusCode).toBe(400)
      expect(hugeId.json().error.details).toEqual([{ field: 'body.party_id', reason: 'must be <= 2147483647' }])
      expect((await call('GET', '/api/parties/99999999999')).json().error.details[0].field).toBe('params.id')
    })

    it('gives a frontage its merchant and a community its fall-back party', async () => {
      const merchant = await call('POST', `/api/zones/${zone.frontage}/assignments`, { duty: 'merchant', party: { name: '知味观', phone: '0571-0000-0009' } })
      expect(merchant.statusCode, merchant.body).toBe(201)
      const fallback = await call('POST', `/api/zones/${zone.community}/assignments`, { duty: 'fallback', party: { name: '城市物业公司' } })
      expect(fallback.statusCode, fallback.body).toBe(201)
      const features = (await call('GET', '/api/zones?kind=frontage,community')).json().features
      expect(features.map((f: { properties: { merchant: unknown; fallback: unknown } }) => [f.properties.merchant, f.properties.fallback])).toMatchObject([
        [null, { name: '城市物业公司' }],
        [{ name: '知味观' }, null],
      ])
    })

    it('ends an assignment by version, once', async () => {
      await created('POST', `/api/zones/${zone.frontage}/assignments`, { duty: 'merchant', party: { name: '知味观', phone: '0571-0000-0009' } })
      const [open] = (await call('GET', `/api/zones/${zone.frontage}/assignments?duty=merchant`)).json()
      expect((await call('POST', `/api/assignments/${open.id}/end`, { version: 5 })).statusCode).toBe(409)
      const early = await call('POST', `/api/assignments/${open.id}/end`, { version: 1, to: '2000-01-01' })
      expect(early.json().error.code).toBe('invalid_interval')
      const ended = await call('POST', `/api/assignments/${open.id}/end`, { version: 1 })
      expect(ended.statusCode, ended.body).toBe(200)
      expect(ended.json()).toMatchObject({ version: 2, valid_to: expect.any(String) })
      expect(ended.json().audit.jurisdictions[0].added.unassigned).toEqual([expect.objectContaining({ key: 'frontage:F1:merchant' })])
      const again = await call('POST', `/api/assignments/${open.id}/end`, { version: 2 })
      expect(again.json().error.code).toBe('already_ended')
      expect((await call('GET', `/api/zones/${zone.frontage}`)).json().properties.merchant).toBeNull()
    })

    it('refuses to delete a party that answers for a zone or has history', async () => {
      await givenZhangSanTookOverIn2024()
      const zhang = (await call('GET', '/api/parties?type=chief&q=%E5%BC%A0')).json()[0]
      const holding = await call('DELETE', `/api/parties/${zhang.id}?version=${zhang.version}`)
      expect(holding.statusCode).toBe(409)
      expect(holding.json().error).toMatchObject({ code: 'party_in_use', message: expect.stringMatching(/answers for 1 zones \(S1\)/) })
      const zhao = (await call('GET', '/api/parties?type=chief&q=%E8%B5%B5')).json()[0]
      const history = await call('DELETE', `/api/parties/${zhao.id}?version=${zhao.version}`)
      expect(history.statusCode).toBe(409)
      expect(history.json().error.message).toMatch(/past assignments/)
    })
  })

  describe('categories', () => {
    it('adds categories and refuses a duplicate', async () => {
      expect((await call('POST', '/api/categories', { name: '路灯损坏' })).statusCode).toBe(201)
      expect((await call('POST', '/api/categories', { name: '占道经营' })).statusCode).toBe(201)
      const again = await call('POST', '/api/categories', { name: '路灯损坏' })
      expect(again.statusCode).toBe(409)
      expect(again.json().error.code).toBe('duplicate_category')
      expect((await call('GET', '/api/categories')).json().map((c: { name: string }) => c.name).sort()).toEqual(['占道经营', '路灯损坏'])
    })

    it('routes a category at the sub-district and the grid inherits it through its community', async () => {
      await created('POST', '/api/categories', { name: '路灯损坏' })
      await created('POST', '/api/parties', { type: 'department', name: '区环卫处', phone: '0571-12319' })
      const set = await call('PUT', `/api/zones/${zone.subdistrict}/categories/${encodeURIComponent('路灯损坏')}`, { department: '区环卫处' })
      expect(set.statusCode, set.body).toBe(200)
      expect(set.json()).toMatchObject({ category: '路灯损坏', inherited: false, via: { code: '330105003' } })
      const routes = (await call('GET', `/api/zones/${zone.grid}/categories`)).json()
      expect(routes).toEqual([
        {
          category: '路灯损坏',
          department: { id: expect.any(Number), name: '区环卫处', phone: '0571-12319' },
          via: { id: zone.subdistrict, code: '330105003', kind: 'subdistrict' },
          inherited: true,
        },
      ])
    })

    it('lets a nearer zone override the route, and falls back to the inherited one when the override goes', async () => {
      await givenLampsRoutedAtTheSubdistrict()
      const enforcement = (await call('POST', '/api/parties', { type: 'department', name: '城管执法中队', phone: '0571-96310' })).json()
      const url = `/api/zones/${zone.community}/categories/${encodeURIComponent('路灯损坏')}`
      expect((await call('PUT', url, { department_id: enforcement.id })).statusCode).toBe(200)
      const overridden = (await call('GET', `/api/zones/${zone.grid}/categories`)).json()
      expect(overridden[0]).toMatchObject({ department: { name: '城管执法中队' }, via: { code: '330105003001' }, inherited: true })
      expect((await call('GET', `/api/zones/${zone.community}/categories`)).json()[0].inherited).toBe(false)
      const removed = await call('DELETE', url)
      expect(removed.statusCode, removed.body).toBe(200)
      // The sub-district's own route still covers the category, so the audit shows no change.
      expect(removed.json()).toMatchObject({
        deleted: true,
        audit: { jurisdictions: [{ code: '330105003', added: { unassigned: [] }, resolved: { unassigned: [] } }] },
      })
      expect((await call('DELETE', url)).statusCode).toBe(404)
      expect((await call('GET', `/api/zones/${zone.grid}/categories`)).json()[0]).toMatchObject({ department: { name: '区环卫处' }, via: { code: '330105003' } })
    })

    it('refuses an unknown category, an unknown department and a party that is not a department', async () => {
      await givenLampsRoutedAtTheSubdistrict()
      await created('POST', '/api/categories', { name: '占道经营' })
      await created('POST', '/api/parties', { type: 'chief', name: '张三' })
      const unknownCategory = await call('PUT', `/api/zones/${zone.grid}/categories/${encodeURIComponent('不存在')}`, { department: '区环卫处' })
      expect(unknownCategory.statusCode).toBe(400)
      expect(unknownCategory.json().error.code).toBe('unknown_category')
      const url = `/api/zones/${zone.grid}/categories/${encodeURIComponent('占道经营')}`
      const unknownDepartment = await call('PUT', url, { department: '不存在的部门' })
      expect(unknownDepartment.statusCode).toBe(422)
      expect(unknownDepartment.json().error).toMatchObject({ code: 'unknown_department', details: [{ field: 'department' }] })
      const chief = (await call('GET', '/api/parties?type=chief')).json()[0]
      expect((await call('PUT', url, { department_id: chief.id })).json().error.code).toBe('party_type_mismatch')
      expect((await call('GET', '/api/zones/999999/categories')).statusCode).toBe(404)
    })

    it('refuses to delete a department that handles a category route', async () => {
      await givenLampsRoutedAtTheSubdistrict()
      const department = (await call('GET', `/api/parties?type=department&q=${encodeURIComponent('环卫')}`)).json()[0]
      const response = await call('DELETE', `/api/parties/${department.id}?version=${department.version}`)
      expect(response.statusCode).toBe(409)
      expect(response.json().error.message).toMatch(/category routes/)
    })
  })
})
