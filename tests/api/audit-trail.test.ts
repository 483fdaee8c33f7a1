import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app.js'
import { unmappedWriteRoutes } from '../../server/audit/audit-hook.js'
import { DEMO_PASSWORD } from '../../server/auth/bootstrap.js'
import type { Db } from '../../server/db/database.js'
import { actAsAdministratorByDefault, createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle } from '../helpers/seed.js'
import { pointIn, tokenFor } from './audit.fixture.js'

interface Event {
  id: number
  login: string | null
  account_id: number | null
  via: string | null
  address: string | null
  action: string
  object_type: string | null
  object_id: string | null
  object_code: string | null
  outcome: string
  status: number | null
  method: string | null
  path: string | null
  route: string | null
  comment: string | null
  before: any // eslint-disable-line @typescript-eslint/no-explicit-any
  after: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The newest events, read straight from the table (the audit API has its own test file). */
async function latest(db: Db, count = 1): Promise<Event[]> {
  const rows = await db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').limit(count).execute()
  return rows.map((row) => ({ ...row, id: Number(row.id) }) as unknown as Event)
}

describe('the audit trail records every write', () => {
  let t: TestApp
  let db: Db
  let wulinmen: number

  beforeAll(async () => {
    t = await createTestApp()
    db = t.handle.db
    const community = await db.selectFrom('zone').select('id').where('kind', '=', 'community').where('code', '=', '330105003001').executeTakeFirstOrThrow()
    wulinmen = community.id
  })
  afterAll(async () => t?.close())

  it('names every write route of the app in its action table (none falls back to request.<method>)', () => {
    expect(unmappedWriteRoutes(t.app)).toEqual([])
  })

  it('records a zone create, update and delete with who, the comment, and before/after with geometry as {type, bbox}', async () => {
    // A grid inside 武林门社区; its rectangle's corners are the bbox the trail must keep.
    const community = (await t.app.inject({ method: 'GET', url: `/api/zones/${wulinmen}` })).json() as { properties: { code: string } }
    const [west, south] = await pointIn(db, wulinmen)
    const geometry = rectangle(west, south, west + 0.0001, south + 0.0001)
    const comment = '按2026年区划调整天水第3网格'
    const created = await t.app.inject({
      method: 'POST', url: '/api/zones', headers: { 'x-change-comment': encodeURIComponent(comment), 'user-agent': 'audit-test/1' },
      payload: { kind: 'grid', code: `${community.properties.code}91`, name: '审计测试网格', parent: community.properties.code, geometry },
    })
    expect(created.statusCode, created.body).toBe(201)
    const zone = created.json() as { id: number; properties: { version: number; code: string } }
    const [create] = await latest(db)
    expect(create).toMatchObject({
      action: 'zone.create', outcome: 'ok', status: 201, login: 'admin', via: 'token', method: 'POST',
      route: '/api/zones', path: '/api/zones', object_type: 'zone', object_id: String(zone.id), object_code: zone.properties.code, comment,
      address: '127.0.0.1', before: null,
    })
    expect(create!.after.geometry.type).toBe('Polygon')
    expect(create!.after.geometry.bbox.map((n: number) => n.toFixed(4))).toEqual([west, south, west + 0.0001, south + 0.0001].map((n) => n.toFixed(4)))
    expect(create!.after.properties.name).toBe('审计测试网格')

    const patched = await t.app.inject({ method: 'PATCH', url: `/api/zones/${zone.id}`, payload: { version: zone.properties.version, name: '审计测试网格（改）' } })
    expect(patched.statusCode, patched.body).toBe(200)
    const [update] = await latest(db)
    expect(update).toMatchObject({ action: 'zone.update', outcome: 'ok', route: '/api/zones/:id', object_type: 'zone', object_id: String(zone.id), comment: null })
    expect(update!.before.properties.name).toBe('审计测试网格')
    expect(update!.after.properties.name).toBe('审计测试网格（改）')
    expect(update!.before.geometry.type).toBe('Polygon')
    expect(update!.before.geometry.coordinates).toBeUndefined()

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/zones/${zone.id}?version=${zone.properties.version + 1}` })
    expect(deleted.statusCode, deleted.body).toBe(200)
    const [remove] = await latest(db)
    expect(remove).toMatchObject({ action: 'zone.delete', outcome: 'ok', object_id: String(zone.id), object_code: zone.properties.code })
    expect(remove!.before.properties.name).toBe('审计测试网格（改）')
  })

  it('records a refused write (409 stale version) with the error code, and nothing of a reply body beyond it', async () => {
    const zone = (await t.app.inject({ method: 'GET', url: `/api/zones/${wulinmen}` })).json() as { properties: { version: number } }
    const stale = await t.app.inject({ method: 'PATCH', url: `/api/zones/${wulinmen}`, payload: { version: zone.properties.version + 5, name: 'x' } })
    expect(stale.statusCode).toBe(409)
    const [event] = await latest(db)
    expect(event).toMatchObject({ action: 'zone.update', outcome: 'refused', status: 409, object_id: String(wulinmen) })
    expect(event!.after).toEqual({ error: { code: 'version_conflict', message: expect.any(String) } })
  })

  it('records party writes with before and after', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/parties', payload: { type: 'department', name: '审计测试科', phone: '0571-87000001' } })
    expect(created.statusCode, created.body).toBe(201)
    const party = created.json() as { id: number; version: number }
    expect((await latest(db))[0]).toMatchObject({ action: 'party.create', object_type: 'party', object_id: String(party.id), object_code: '审计测试科' })
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/parties/${party.id}`, payload: { version: party.version, name: '审计测试二科' } })
    expect(patched.statusCode, patched.body).toBe(200)
    const [update] = await latest(db)
    expect(update).toMatchObject({ action: 'party.update', before: { name: '审计测试科' }, after: { name: '审计测试二科' } })
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/parties/${party.id}?version=${party.version + 1}` })
    expect(deleted.statusCode, deleted.body).toBe(204)
    expect((await latest(db))[0]).toMatchObject({ action: 'party.delete', outcome: 'ok', before: { name: '审计测试二科' }, after: null })
  })

  it('records assignment and category-route writes on their zone', async () => {
    const appointed = await t.app.inject({ method: 'POST', url: `/api/zones/${wulinmen}/assignments`, payload: { duty: 'chief', party: { name: '审计测试社区长', phone: '13800000091' } } })
    expect(appointed.statusCode, appointed.body).toBe(201)
    const assignment = appointed.json() as { id: number; version: number }
    const [create] = await latest(db)
    expect(create).toMatchObject({ action: 'assignment.create', object_type: 'zone', object_id: String(wulinmen), object_code: '330105003001' })
    expect(create!.after.id).toBe(assignment.id)
    expect(Array.isArray(create!.before)).toBe(true)

    const ended = await t.app.inject({ method: 'POST', url: `/api/assignments/${assignment.id}/end`, payload: { version: assignment.version } })
    expect(ended.statusCode, ended.body).toBe(200)
    const [end] = await latest(db)
    expect(end).toMatchObject({ action: 'assignment.end', object_type: 'zone', object_id: String(wulinmen), before: { id: assignment.id, valid_to: null } })

    const category = await t.app.inject({ method: 'POST', url: '/api/categories', payload: { name: '审计测试类' } })
    expect(category.statusCode, category.body).toBe(201)
    expect((await latest(db))[0]).toMatchObject({ action: 'category.create', object_type: 'category', object_code: '审计测试类' })
    const department = (await t.app.inject({ method: 'POST', url: '/api/parties', payload: { type: 'department', name: '审计路由科' } })).json() as { id: number }
    const routed = await t.app.inject({ method: 'PUT', url: `/api/zones/${wulinmen}/categories/${encodeURIComponent('审计测试类')}`, payload: { department_id: department.id } })
    expect(routed.statusCode, routed.body).toBe(200)
    expect((await latest(db))[0]).toMatchObject({ action: 'zone_category.set', object_type: 'zone', object_id: String(wulinmen), before: null })
    const unrouted = await t.app.inject({ method: 'DELETE', url: `/api/zones/${wulinmen}/categories/${encodeURIComponent('审计测试类')}` })
    expect(unrouted.statusCode, unrouted.body).toBeLessThan(300)
    const [remove] = await latest(db)
    expect(remove).toMatchObject({ action: 'zone_category.delete', before: { category: '审计测试类', department: { id: department.id } } })
  })

  it('records a login, a failed login and a logout, and never the password', async () => {
    const anonymous = { authorization: undefined }
    const failed = await t.app.inject({ method: 'POST', url: '/api/session', headers: anonymous, payload: { login: 'planner', password: 'wrong-password-1' } })
    expect(failed.statusCode).toBe(401)
    expect((await latest(db))[0]).toMatchObject({ action: 'session.login_failed', outcome: 'refused', status: 401, login: 'planner', account_id: null })

    const ok = await t.app.inject({ method: 'POST', url: '/api/session', headers: anonymous, payload: { login: 'planner', password: DEMO_PASSWORD } })
    expect(ok.statusCode, ok.body).toBe(200)
    const info = ok.json() as { account: { id: number }; csrf_token: string }
    const [login] = await latest(db)
    expect(login).toMatchObject({ action: 'session.login', outcome: 'ok', login: 'planner', account_id: info.account.id, via: 'session', object_type: 'account' })
    expect(login!.after.csrf_token).toBeUndefined()
    expect(login!.after.account.login).toBe('planner')

    const cookie = ok.cookies.find((c) => c.name === 'jz_session')!
    const logout = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: `jz_session=${cookie.value}`, 'x-csrf-token': info.csrf_token } })
    expect(logout.statusCode).toBe(204)
    expect((await latest(db))[0]).toMatchObject({ action: 'session.logout', outcome: 'ok', login: 'planner', via: 'session' })

    const stored = JSON.stringify(await latest(db, 3))
    expect(stored).not.toContain(DEMO_PASSWORD)
    expect(stored).not.toContain('wrong-password-1')
    expect(stored).not.toContain(cookie.value)
  })

  it('records refusals: an anonymous DELETE (401) and a viewer’s PATCH (403)', async () => {
    const anonymous = await t.app.inject({ method: 'DELETE', url: `/api/zones/${wulinmen}?version=1`, headers: { authorization: undefined } })
    expect(anonymous.statusCode).toBe(401)
    expect((await latest(db))[0]).toMatchObject({ action: 'zone.delete', outcome: 'refused', status: 401, login: null, account_id: null, via: null })

    const viewer = await tokenFor(db, 'viewer')
    const refused = await t.app.inject({ method: 'PATCH', url: `/api/zones/${wulinmen}`, headers: { authorization: `Bearer ${viewer}` }, payload: { version: 1, name: 'x' } })
    expect(refused.statusCode).toBe(403)
    expect((await latest(db))[0]).toMatchObject({ action: 'zone.update', outcome: 'refused', status: 403, login: 'viewer', via: 'token', after: { error: { code: 'forbidden' } } })
  })

  it('refuses a malformed change comment with 400 invalid_comment before the write, and records the refusal', async () => {
    const before = (await t.app.inject({ method: 'GET', url: `/api/zones/${wulinmen}` })).json() as { properties: { version: number; name: string } }
    const cases = [
      { header: '%E4%B8', reason: 'not percent-encoded UTF-8' }, // a UTF-8 sequence cut short
      { header: encodeURIComponent('长'.repeat(501)), reason: 'longer than 500 characters' },
      { header: encodeURIComponent('a\u0000b'), reason: 'control character' },
    ]
    for (const { header, reason } of cases) {
      const response = await t.app.inject({ method: 'PATCH', url: `/api/zones/${wulinmen}`, headers: { 'x-change-comment': header }, payload: { version: before.properties.version, name: 'should not land' } })
      expect(response.statusCode, header).toBe(400)
      expect(response.json()).toMatchObject({ error: { code: 'invalid_comment', details: [{ field: 'x-change-comment', reason }] } })
      expect((await latest(db))[0]).toMatchObject({ action: 'zone.update', outcome: 'refused', status: 400, comment: null })
    }
    const after = (await t.app.inject({ method: 'GET', url: `/api/zones/${wulinmen}` })).json() as { properties: { version: number; name: string } }
    expect(after.properties).toMatchObject({ version: before.properties.version, name: before.properties.name })

    // Exactly 500 characters is accepted (the limit counts characters, not UTF-16 units or bytes).
    const longest = '𠀀'.repeat(500)
    const ok = await t.app.inject({ method: 'POST', url: '/api/categories', headers: { 'x-change-comment': encodeURIComponent(longest) }, payload: { name: '五百字' } })
    expect(ok.statusCode, ok.body).toBe(201)
    expect((await latest(db))[0]!.comment).toBe(longest)
  })

  it('records an export as export.data, and as export.personal when the export says phones came out unmasked', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/api/export?root=330105003001' })
    expect(plain.statusCode).toBe(200)
    expect((await latest(db))[0]).toMatchObject({ action: 'export.data', outcome: 'ok', path: '/api/export?root=330105003001', after: null })

    // The scopes work sets x-personal-data: 1 on the export when it unmasks phones; this app sets
    // it the same way, from a hook, to see the trail tell the two apart.
    const app = await buildApp({ db, publicUrl: 'http://jiezhang.test' })
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith('/api/export')) reply.header('x-personal-data', '1')
    })
    await app.ready()
    actAsAdministratorByDefault(app)
    try {
      const personal = await app.inject({ method: 'GET', url: '/api/export?root=330105003001' })
      expect(personal.statusCode).toBe(200)
      expect((await latest(db))[0]).toMatchObject({ action: 'export.personal', outcome: 'ok', login: 'admin' })
    } finally {
      await app.close()
    }
  })

  it('does not record reads other than exports', async () => {
    const [last] = await latest(db)
    await t.app.inject({ method: 'GET', url: `/api/zones/${wulinmen}` })
    await t.app.inject({ method: 'GET', url: '/api/parties?limit=5' })
    expect((await latest(db))[0]!.id).toBe(last!.id)
  })
})
