import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle, seedAssignment, seedParty, seedZone } from '../helpers/seed.js'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { zonesOutOfScope } from '../../server/auth/scope.js'
import type { Actor } from '../../server/auth/actor.js'

/**
 * Jurisdiction scopes on writes (issue 9): the demo planner of 天水街道 (330105003) and the planner
 * of 武林门社区 (330105003001), against the demo and a second sub-district seeded here (330105099,
 * away from the demo's streets).
 */
describe('writes stay within the jurisdiction of the grant', () => {
  let t: TestApp
  const bearer = (login: string) => ({ authorization: `Bearer jz-scope-test-token-${login}-000000` })
  let other: { subdistrict: number; community: number; street: number; party: number; assignment: number }
  let inside: { wulinmen: { id: number; code: string }; tianshui: { id: number; code: string; name: string } }

  const zoneCount = async () => (await t.handle.db.selectFrom('zone').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
  const versionOf = async (id: number) =>
    (await t.handle.db.selectFrom('zone').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version

  /** A zone strictly under the community `code` (a grid or street of it). */
  async function zoneUnder(code: string) {
    const community = await t.handle.db.selectFrom('zone').select('id').where('code', '=', code).executeTakeFirstOrThrow()
    return t.handle.db.selectFrom('zone').select(['id', 'code', 'name']).where('parent_id', '=', community.id).orderBy('id').executeTakeFirstOrThrow()
  }

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    for (const login of ['planner', 'planner.wulinmen', 'viewer']) {
      await createApiToken(db, (await accountIdByLogin(db, login))!, bearer(login).authorization.slice(7), 'scope test')
    }
    const district = await db.selectFrom('zone').select('id').where('code', '=', '330105').executeTakeFirstOrThrow()
    const subdistrict = await seedZone(db, { kind: 'subdistrict', code: '330105099', name: '测试街道', parent: district.id, geometry: rectangle(120.4, 30.4, 120.42, 30.42) })
    const community = await seedZone(db, { kind: 'community', code: '330105099001', name: '测试社区', parent: subdistrict, geometry: rectangle(120.4, 30.4, 120.42, 30.42) })
    const street = await seedZone(db, {
      kind: 'street', code: '330105099J01', name: '测试路', parent: community,
      geometry: { type: 'LineString', coordinates: [[120.401, 30.41], [120.419, 30.41]] },
    })
    const party = await seedParty(db, { type: 'chief', name: '测试街长', phone: '13800000099' })
    const assignment = await seedAssignment(db, { zone: street, party, duty: 'chief' })
    other = { subdistrict, community, street, party, assignment }
    inside = { wulinmen: await zoneUnder('330105003001'), tianshui: await zoneUnder('330105003002') }
  })
  afterAll(async () => t?.close())

  it('lets the sub-district planner rename a zone of one of its communities', async () => {
    const response = await t.app.inject({
      method: 'PATCH', url: `/api/zones/${inside.tianshui.id}`, headers: bearer('planner'),
      payload: { version: await versionOf(inside.tianshui.id), name: `${inside.tianshui.name}（改）` },
    })
    expect(response.statusCode, response.body).toBe(200)
  })

  it('refuses the community planner a zone of the neighbouring community, naming the zone and the scope; nothing changes', async () => {
    const version = await versionOf(inside.tianshui.id)
    const response = await t.app.inject({
      method: 'PATCH', url: `/api/zones/${inside.tianshui.id}`, headers: bearer('planner.wulinmen'), payload: { version, name: '越权' },
    })
    expect(response.statusCode).toBe(403)
    const error = response.json().error
    expect(error.code).toBe('out_of_scope')
    expect(error.message).toContain(`zone ${inside.tianshui.code}`)
    expect(error.message).toContain('planner scope (武林门社区 330105003001)')
    expect(await versionOf(inside.tianshui.id)).toBe(version)
    // Its own community's zone it may change.
    const own = await t.app.inject({
      method: 'PATCH', url: `/api/zones/${inside.wulinmen.id}`, headers: bearer('planner.wulinmen'),
      payload: { version: await versionOf(inside.wulinmen.id), name: '武林门社区的区域（改）' },
    })
    expect(own.statusCode, own.body).toBe(200)
  })

  it('refuses the sub-district planner every write to another sub-district', async () => {
    const headers = bearer('planner')
    const before = await zoneCount()
    const writes = [
      { method: 'PATCH', url: `/api/zones/${other.street}`, payload: { version: await versionOf(other.street), name: 'x' } },
      { method: 'DELETE', url: `/api/zones/${other.street}?version=${await versionOf(other.street)}` },
      { method: 'POST', url: '/api/zones', payload: { kind: 'grid', code: '33010509900101', name: '测试网格', parent: '330105099001', geometry: rectangle(120.401, 30.401, 120.409, 30.409) } },
      { method: 'POST', url: `/api/zones/${other.street}/assignments`, payload: { duty: 'chief', party_id: other.party } },
      { method: 'POST', url: `/api/assignments/${other.assignment}/end`, payload: { version: 1 } },
      { method: 'PUT', url: `/api/zones/${other.street}/categories/1`, payload: { department_id: other.party } },
      { method: 'DELETE', url: `/api/zones/${other.street}/categories/1` },
      { method: 'PATCH', url: `/api/parties/${other.party}`, payload: { version: 1, name: '改名' } },
      { method: 'DELETE', url: `/api/parties/${other.party}?version=1` },
      { method: 'POST', url: '/api/signboards/batch', payload: { zone: '330105099' } },
    ] as const
    for (const write of writes) {
      const response = await t.app.inject({ ...write, headers: { ...headers, ...('payload' in write ? { 'content-type': 'application/json' } : {}) } })
      expect(response.statusCode, `${write.method} ${write.url}: ${response.body}`).toBe(403)
      expect(response.json().error.code).toBe('out_of_scope')
      expect(response.json().error.message).toContain('planner scope (天水街道 330105003)')
    }
    expect(await zoneCount()).toBe(before)
    const party = await t.handle.db.selectFrom('party').select('name').where('id', '=', other.party).executeTakeFirstOrThrow()
    expect(party.name).toBe('测试街长')
    const assignment = await t.handle.db.selectFrom('assignment').select('valid_to').where('id', '=', other.assignment).executeTakeFirstOrThrow()
    expect(assignment.valid_to).toBeNull()
  })

  it('refuses moving a zone of the jurisdiction under a zone outside it', async () => {
    const response = await t.app.inject({
      method: 'PATCH', url: `/api/zones/${inside.tianshui.id}`, headers: bearer('planner'),
      payload: { version: await versionOf(inside.tianshui.id), parent_id: other.community },
    })
    expect(response.statusCode).toBe(403)
    expect(response.json().error.message).toContain('zone 330105099001 (测试社区)')
  })

  it('keeps what concerns the whole city to scope all: a root zone, a category, a duties text', async () => {
    const headers = { ...bearer('planner'), 'content-type': 'application/json' }
    const root = await t.app.inject({ method: 'POST', url: '/api/zones', headers, payload: { kind: 'district', code: '330199', name: '新区', geometry: rectangle(121, 31, 121.01, 31.01) } })
    expect(root.statusCode).toBe(403)
    expect(root.json().error.code).toBe('out_of_scope')
    const category = await t.app.inject({ method: 'POST', url: '/api/categories', headers, payload: { name: '新类别' } })
    expect(category.statusCode).toBe(403)
    const duty = await t.app.inject({ method: 'PUT', url: '/api/signboards/duties/street', headers, payload: { text: '新职责' } })
    expect(duty.statusCode).toBe(403)
    // The administrator (scope all) may.
    expect((await t.app.inject({ method: 'POST', url: '/api/categories', payload: { name: '新类别' } })).statusCode).toBe(201)
  })

  it('lets a planner edit a party that answers for no zone', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/parties', headers: bearer('planner'), payload: { type: 'chief', name: '新人' } })
    expect(created.statusCode, created.body).toBe(201)
    const edited = await t.app.inject({
      method: 'PATCH', url: `/api/parties/${created.json().id}`, headers: bearer('planner'), payload: { version: created.json().version, name: '新人二' },
    })
    expect(edited.statusCode, edited.body).toBe(200)
  })

  it('refuses an import that places a grid in another sub-district, naming the feature; nothing is written', async () => {
    const before = await zoneCount()
    const grid = (code: string, parent: string, box: [number, number, number, number]) => ({
      type: 'Feature', properties: { kind: 'grid', code, name: `网格${code}`, parent }, geometry: rectangle(...box),
    })
    const file = {
      type: 'FeatureCollection',
      features: [
        grid('33010509900102', '330105099001', [120.41, 30.41, 120.419, 30.419]),
        grid('33010509900103', '330105099001', [120.401, 30.411, 120.409, 30.419]),
      ],
    }
    const response = await t.app.inject({ method: 'POST', url: '/api/import', headers: bearer('planner'), payload: file })
    expect(response.statusCode, response.body).toBe(403)
    const error = response.json().error
    expect(error.code).toBe('out_of_scope')
    expect(error.message).toContain('features[0] (code 33010509900102)')
    expect(error.message).toContain('330105099001 (测试社区)')
    expect(error.details).toEqual([
      { index: 0, field: 'properties.parent', reason: expect.stringContaining('330105099001') },
      { index: 1, field: 'properties.parent', reason: expect.stringContaining('330105099001') },
    ])
    expect(await zoneCount()).toBe(before)
    // The administrator imports the same file.
    const admin = await t.app.inject({ method: 'POST', url: '/api/import?dry_run=true', payload: file })
    expect(admin.statusCode, admin.body).toBe(200)
  })

  it('covers, for a party scope, the zones the party holds and the zones under them', async () => {
    const chief = await t.handle.db.selectFrom('account_grant').innerJoin('account', 'account.id', 'account_grant.account_id')
      .select(['account_grant.scope_party_id']).where('account.login', '=', 'chief').executeTakeFirstOrThrow()
    const actor: Actor = {
      accountId: 0, login: 'chief', displayName: '', partyId: chief.scope_party_id, via: 'token', tokenPermissions: null,
      grants: [{ role: 'chief', scope: { kind: 'party', partyId: chief.scope_party_id! } }],
    }
    const held = await t.handle.db.selectFrom('zone').select('id').where('code', '=', '330105003J01').executeTakeFirstOrThrow()
    const below = await t.handle.db.selectFrom('zone').select('id').where('parent_id', '=', held.id).execute()
    expect(await zonesOutOfScope(t.handle.db, actor, 'zones.read', [held.id, ...below.map((zone) => zone.id)])).toEqual([])
    expect(await zonesOutOfScope(t.handle.db, actor, 'zones.read', [other.street, held.id])).toEqual([other.street])
    // A permission the chief role does not have covers nothing.
    expect(await zonesOutOfScope(t.handle.db, actor, 'zones.edit', [held.id])).toEqual([held.id])
  })
})
