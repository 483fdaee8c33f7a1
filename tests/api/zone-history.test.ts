import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/database.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle } from '../helpers/seed.js'
import { pointIn, tokenFor } from './audit.fixture.js'

interface HistoryEvent {
  at: string
  login: string | null
  display_name: string | null
  action: string
  comment: string | null
  outcome: string
  before: { properties?: { name: string } } | null
  after: { properties?: { name: string }; party?: { name: string } } | null
}

describe('GET /api/zones/:id/history', () => {
  let t: TestApp
  let db: Db
  let wulinmen: number
  const auth: Record<string, { authorization: string }> = {}

  beforeAll(async () => {
    t = await createTestApp()
    db = t.handle.db
    wulinmen = (await db.selectFrom('zone').select('id').where('kind', '=', 'community').where('code', '=', '330105003001').executeTakeFirstOrThrow()).id
    for (const login of ['planner', 'planner.wulinmen', 'viewer', 'auditor', 'gridworker']) auth[login] = { authorization: `Bearer ${await tokenFor(db, login)}` }
  })
  afterAll(async () => t?.close())

  it('lists who changed the zone, its chief and its routes, newest first, with names, comments and before/after', async () => {
    const [west, south] = await pointIn(db, wulinmen)
    const created = await t.app.inject({
      method: 'POST', url: '/api/zones', headers: { ...auth['planner.wulinmen'], 'x-change-comment': encodeURIComponent('新建网格') },
      payload: { kind: 'grid', code: '33010500300192', name: '历史测试网格', parent: '330105003001', geometry: rectangle(west, south, west + 0.0001, south + 0.0001) },
    })
    expect(created.statusCode, created.body).toBe(201)
    const grid = created.json() as { id: number; properties: { version: number } }
    const renamed = await t.app.inject({
      method: 'PATCH', url: `/api/zones/${grid.id}`, headers: { ...auth.planner, 'x-change-comment': encodeURIComponent('按2026年区划调整天水第3网格') },
      payload: { version: grid.properties.version, name: '历史测试网格（调整）' },
    })
    expect(renamed.statusCode, renamed.body).toBe(200)
    const appointed = await t.app.inject({ method: 'POST', url: `/api/zones/${grid.id}/assignments`, headers: auth.planner, payload: { duty: 'chief', party: { name: '王网格长', phone: '13800000092' } } })
    expect(appointed.statusCode, appointed.body).toBe(201)
    // A write of another zone is not in this zone's history.
    await t.app.inject({ method: 'PATCH', url: `/api/zones/${wulinmen}`, headers: auth.planner, payload: { version: 999, name: 'x' } })

    const response = await t.app.inject({ method: 'GET', url: `/api/zones/${grid.id}/history`, headers: auth.viewer })
    expect(response.statusCode, response.body).toBe(200)
    const events = (response.json() as { events: HistoryEvent[] }).events
    expect(events.map((event) => event.action)).toEqual(['assignment.create', 'zone.update', 'zone.create'])
    expect(events.map((event) => [event.login, event.display_name])).toEqual([
      ['planner', '天水街道规划员（演示）'],
      ['planner', '天水街道规划员（演示）'],
      ['planner.wulinmen', '武林门社区规划员（演示）'],
    ])
    expect(events.map((event) => event.comment)).toEqual([null, '按2026年区划调整天水第3网格', '新建网格'])
    expect(events.every((event) => event.outcome === 'ok')).toBe(true)
    expect(events[1]!.before!.properties!.name).toBe('历史测试网格')
    expect(events[1]!.after!.properties!.name).toBe('历史测试网格（调整）')
    expect(events[0]!.after!.party!.name).toBe('王网格长')
    const times = events.map((event) => Date.parse(event.at))
    expect([...times].sort((a, b) => b - a)).toEqual(times)

    // Deleted, the zone keeps its history (the delete is its newest entry).
    const current = (await t.app.inject({ method: 'GET', url: `/api/zones/${grid.id}` })).json() as { properties: { version: number } }
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/zones/${grid.id}?version=${current.properties.version}`, headers: auth.planner })
    expect(deleted.statusCode, deleted.body).toBe(200)
    const after = (await t.app.inject({ method: 'GET', url: `/api/zones/${grid.id}/history`, headers: auth.viewer })).json() as { events: HistoryEvent[] }
    expect(after.events.map((event) => event.action)).toEqual(['zone.delete', 'assignment.create', 'zone.update', 'zone.create'])
  })

  it('answers 404 for a zone that never existed, 400 for an id that is not one, 401 without credentials', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/api/zones/2000000000/history' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } })
    const bad = await t.app.inject({ method: 'GET', url: '/api/zones/abc/history' })
    expect(bad.statusCode).toBe(400)
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/zones/${wulinmen}/history`, headers: { authorization: undefined } })
    expect(anonymous.statusCode).toBe(401)
  })

  it('needs zones.read: the audit administrator, who has no zone permission, is refused', async () => {
    const refused = await t.app.inject({ method: 'GET', url: `/api/zones/${wulinmen}/history`, headers: auth.auditor })
    expect(refused.statusCode).toBe(403)
  })

  it('is read within the reader’s jurisdiction: the grid worker of 天水社区 reads it, not 武林门社区’s', async () => {
    // The demo's gridworker holds grid_worker (zones.read) on 天水社区 330105003002 only.
    const tianshui = (await db.selectFrom('zone').select('id').where('code', '=', '330105003002').executeTakeFirstOrThrow()).id
    const own = await t.app.inject({ method: 'GET', url: `/api/zones/${tianshui}/history`, headers: auth.gridworker })
    expect(own.statusCode, own.body).toBe(200)
    const other = await t.app.inject({ method: 'GET', url: `/api/zones/${wulinmen}/history`, headers: auth.gridworker })
    expect(other.statusCode, other.body).toBe(403)
    expect(other.json()).toMatchObject({ error: { code: 'out_of_scope' } })
  })
})
