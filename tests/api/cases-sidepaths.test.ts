import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { handMadeJpeg } from '../../scripts/demo/photo.js'

/**
 * The workflow's side paths through HTTP (docs/cases.md): 延期 approved and refused, 挂账
 * approved, unparked and refused, duplicate-of, 回退 to filed, the handler's own list by due time,
 * a grid worker's verification, a step out of order, and bad input that writes nothing.
 *
 * Times by hand, from the calendar's periods 08:30–12:00 and 13:30–17:30 (Beijing time, no exception
 * days in December 2026), warn ratio 0.75, and 占道经营's 4 working hours:
 * - dispatched Friday 2026-12-04 16:00: 1.5 h on Friday, 2.5 h from Monday 08:30: due Monday 12-07 11:00;
 * - dispatched Friday 10:00: 2 h to 12:00, 2 h from 13:30: due Friday 15:30;
 * - an extension of 1 working day from Monday 11:00: the same time the next working day, Tuesday
 *   12-08 11:00; its warning at 0.75 × 7.5 h = 5 h 37 min 30 s of working time after Monday 11:00:
 *   1 h to 12:00, 4 h 13:30–17:30, 37 min 30 s from Tuesday 08:30 = Tuesday 09:07:30;
 * - parked Monday 09:00, unparked Tuesday 09:00: the clock stood for 3 h + 4 h + 0.5 h = 7.5 h of
 *   working time, so due Monday 11:00 + 7.5 h = 1 h + 4 h + 2.5 h from Tuesday 08:30 = Tuesday 11:00.
 */

const at = (local: string) => new Date(`${local}+08:00`)
const iso = (local: string) => at(local).toISOString()
const CATEGORY = '占道经营'
const GRID = '33010500300201'
const demo = JSON.parse(readFileSync(new URL('../../data/demo/tianshui.geojson', import.meta.url), 'utf8')) as { features: { properties: Record<string, unknown> }[] }
const subdistrictCategories = demo.features.find((f) => f.properties.code === '330105003')!.properties.categories as Record<string, string>


describe('case side paths through HTTP', () => {
  let t: TestApp
  let now = at('2026-12-04T16:00:00')
  const auth = {} as Record<'dispatcher' | 'handler' | 'gridworker', { authorization: string }>
  let categoryId: number
  let noLimitCategoryId: number
  let departmentId: number
  let gridPoint: { lon: number; lat: number }
  const versions = new Map<number, number>()

  const clock = (local: string) => {
    now = at(local)
  }
  const count = async (table: 'case_file' | 'case_event' | 'case_photo' | 'outbox') =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.handle.db)).rows[0]!.n)
  const counts = async () => Promise.all([count('case_file'), count('case_event'), count('case_photo'), count('outbox')])
  const get = async (id: number, who = auth.dispatcher) => (await t.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: who })).json()
  const post = (id: number, who: { authorization: string }, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions`, headers: who, payload: { version: versions.get(id), ...body } })
  const act = async (id: number, who: { authorization: string }, body: Record<string, unknown>, state: string) => {
    const response = await post(id, who, body)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().state).toBe(state)
    versions.set(id, response.json().version)
    return response.json()
  }
  async function report(description: string, options: { category?: number; point?: { lon: number; lat: number } } = {}): Promise<number> {
    const response = await t.app.inject({
      method: 'POST', url: '/api/cases', headers: auth.dispatcher,
      payload: { channel: 'hotline', category_id: options.category ?? categoryId, description, location: options.point ?? gridPoint },
    })
    expect(response.statusCode, response.body).toBe(201)
    versions.set(response.json().id, response.json().version)
    return response.json().id
  }
  /** Reported, filed and dispatched to the 天水中队 (the handler's department) at the clock's time. */
  async function dispatched(description: string, options: { category?: number } = {}): Promise<number> {
    const id = await report(description, options)
    await act(id, auth.dispatcher, { action: 'file' }, 'filed')
    await act(id, auth.dispatcher, { action: 'dispatch', assignee_party_id: departmentId }, 'dispatched')
    return id
  }

  beforeAll(async () => {
    t = await createTestApp({ clock: () => now })
    const db = t.handle.db
    for (const login of ['dispatcher', 'handler', 'gridworker'] as const) {
      const token = `jz-side-${login}-token-00000000000001`
      await createApiToken(db, (await accountIdByLogin(db, login))!, token, `side paths test: ${login}`)
      auth[login] = { authorization: `Bearer ${token}` }
    }
    categoryId = (await db.selectFrom('category').select('id').where('name', '=', CATEGORY).executeTakeFirstOrThrow()).id
    departmentId = (await db.selectFrom('party').select('id').where('name', '=', subdistrictCategories[CATEGORY]!).executeTakeFirstOrThrow()).id
    const created = await t.app.inject({ method: 'POST', url: '/api/categories', payload: { name: '其他城市管理问题' } })
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json().limit ?? null).toBeNull()
    noLimitCategoryId = created.json().id
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(ST_Difference(
        (SELECT area FROM zone WHERE code = ${GRID}),
        (SELECT ST_Union(area) FROM zone WHERE kind IN ('frontage', 'segment', 'street')))) AS p) s`.execute(db)
    gridPoint = { lon: Number(rows[0]!.lon), lat: Number(rows[0]!.lat) }
  })
  afterAll(async () => t?.close())

  it('延期: an extension asked for and approved moves the due time by the time granted; one refused leaves it', async () => {
    clock('2026-12-04T16:00:00')
    const approved = await dispatched('延期：占道棚架需联系产权人')
    const refused = await dispatched('延期被驳回')
    expect((await get(approved)).due_at).toBe(iso('2026-12-07T11:00:00'))
    clock('2026-12-07T09:00:00')
    await act(approved, auth.handler, { action: 'accept' }, 'accepted')
    const asked = await act(approved, auth.handler, { action: 'request_extension', reason: '需产权单位配合拆除', extension: { value: 1, unit: 'working_days' } }, 'accepted')
    expect(asked.pending.extension).toMatchObject({ extension: { value: 1, unit: 'working_days' }, reason: '需产权单位配合拆除' })
    expect(asked.actions).not.toContain('request_extension')
    const again = await post(approved, auth.handler, { action: 'request_extension', reason: '再次申请', extension: { value: 2, unit: 'working_days' } })
    expect(again.statusCode).toBe(409)
    const granted = await act(approved, auth.dispatcher, { action: 'approve_extension' }, 'accepted')
    expect(granted).toMatchObject({ due_at: iso('2026-12-08T11:00:00'), warn_at: iso('2026-12-08T09:07:30'), extension_count: 1, pending: {} })
    expect(granted.events.at(-1)).toMatchObject({ action: 'extension_approved', details: { extension: { value: 1, unit: 'working_days' }, due_at: iso('2026-12-08T11:00:00') } })

    await act(refused, auth.handler, { action: 'request_extension', reason: '人手不足', extension: { value: 3, unit: 'working_days' } }, 'dispatched')
    const no = await act(refused, auth.dispatcher, { action: 'refuse_extension', reason: '占道经营须当日处置' }, 'dispatched')
    expect(no).toMatchObject({ due_at: iso('2026-12-07T11:00:00'), extension_count: 0, pending: {} })
    // Nothing is pending any more: approving now is out of order.
    const late = await post(refused, auth.dispatcher, { action: 'approve_extension' })
    expect(late.statusCode).toBe(409)
    expect(late.json().error.code).toBe('invalid_transition')
  })

  it('挂账: a park approved stops the clock and unpark returns the case to the state it was parked from with the paused time added; a refused park changes nothing', async () => {
    clock('2026-12-04T16:00:00')
    const parked = await dispatched('挂账：涉及拆迁地块')
    const refused = await dispatched('挂账被驳回')
    await act(parked, auth.handler, { action: 'accept' }, 'accepted')
    clock('2026-12-07T08:45:00')
    await act(parked, auth.handler, { action: 'request_park', reason: '地块待拆迁，暂无法整改' }, 'accepted')
    clock('2026-12-07T09:00:00')
    const stopped = await act(parked, auth.dispatcher, { action: 'approve_park' }, 'parked')
    expect(stopped.parked_from).toBe('accepted')
    expect(stopped.actions).toContain('unpark')
    clock('2026-12-08T09:00:00')
    const back = await act(parked, auth.dispatcher, { action: 'unpark' }, 'accepted')
    expect(back).toMatchObject({ parked_from: null, due_at: iso('2026-12-08T11:00:00') })
    expect(back.events.at(-1)).toMatchObject({ action: 'unparked', details: { paused_working_ms: 7.5 * 3_600_000 } })

    await act(refused, auth.handler, { action: 'request_park', reason: '想挂账' }, 'dispatched')
    const no = await act(refused, auth.dispatcher, { action: 'refuse_park', reason: '不符合挂账条件' }, 'dispatched')
    expect(no).toMatchObject({ due_at: iso('2026-12-07T11:00:00'), parked_from: null, pending: {} })
  })

  it('marks a report a duplicate of another open case, and refuses one that names itself', async () => {
    const original = await report('重复：同一处占道（首报）')
    const copy = await report('重复：同一处占道（再报）')
    const self = await post(copy, auth.dispatcher, { action: 'mark_duplicate', duplicate_of: copy })
    expect(self.statusCode).toBe(422)
    expect(self.json().error.details[0].field).toBe('duplicate_of')
    const marked = await act(copy, auth.dispatcher, { action: 'mark_duplicate', duplicate_of: original }, 'duplicate')
    expect(marked.duplicate_of).toBe(original)
    expect(marked.events.at(-1).details.duplicate_of.id).toBe(original)
    expect((await get(original)).state).toBe('reported')
  })

  it('回退: the handler hands a wrong dispatch back to filed, the clock cleared, and it is dispatched again', async () => {
    clock('2026-12-04T16:00:00')
    const id = await dispatched('回退：非本单位职责')
    const missingReason = await post(id, auth.handler, { action: 'hand_back' })
    expect(missingReason.statusCode).toBe(400)
    expect(missingReason.json().error.details[0].field).toBe('reason')
    const back = await act(id, auth.handler, { action: 'hand_back', reason: '属交警职责，非城管事项' }, 'filed')
    expect(back).toMatchObject({ assignee: null, due_at: null, dispatched_at: null, handback_count: 1 })
    expect((await t.app.inject({ method: 'GET', url: '/api/cases?mine=true&limit=200', headers: auth.handler })).json().cases.map((c: { id: number }) => c.id)).not.toContain(id)
    clock('2026-12-07T09:00:00')
    const again = await act(id, auth.dispatcher, { action: 'dispatch', assignee_party_id: departmentId }, 'dispatched')
    // Monday 09:00 + 4 working hours: 3 h to 12:00, 1 h from 13:30.
    expect(again.due_at).toBe(iso('2026-12-07T14:30:00'))
  })

  it("lists a handler's own cases soonest due first and those without a due time last, in pages by due time", async () => {
    clock('2026-12-04T16:00:00')
    const later = await dispatched('按时限排序：周五16时派遣')
    clock('2026-12-04T16:30:00')
    const none = await dispatched('按时限排序：无处置时限', { category: noLimitCategoryId })
    clock('2026-12-04T10:00:00')
    const sooner = await dispatched('按时限排序：周五10时派遣')
    expect((await get(sooner)).due_at).toBe(iso('2026-12-04T15:30:00'))
    expect((await get(none)).due_at).toBeNull()

    const all = (await t.app.inject({ method: 'GET', url: '/api/cases?mine=true&limit=200', headers: auth.handler })).json()
    expect(all.next_after).toBeNull()
    const list = all.cases as { id: number; due_at: string | null }[]
    const position = (id: number) => list.findIndex((c) => c.id === id)
    expect(position(sooner)).toBe(0)
    expect(position(sooner)).toBeLessThan(position(later))
    expect(position(none)).toBe(list.length - 1)
    // The whole order, checked against an independent sort: due time ascending, nulls last, then id.
    const key = (c: { id: number; due_at: string | null }) => [c.due_at === null ? Infinity : Date.parse(c.due_at), c.id] as const
    const expected = [...list].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]).map((c) => c.id)
    expect(list.map((c) => c.id)).toEqual(expected)

    const pages: number[] = []
    let after: string | null = null
    do {
      const page: { cases: { id: number }[]; next_after: string | null } = (await t.app.inject({ method: 'GET', url: `/api/cases?mine=true&limit=2${after ? `&after=${after}` : ''}`, headers: auth.handler })).json()
      pages.push(...page.cases.map((c: { id: number }) => c.id))
      after = page.next_after
    } while (after)
    expect(pages).toEqual(list.map((c) => c.id))
    const bad = await t.app.inject({ method: 'GET', url: '/api/cases?mine=true&after=yesterday', headers: auth.handler })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.details[0].field).toBe('after')
  })

  it('a grid worker verifies a handled case in their community and closes it', async () => {
    clock('2026-12-04T16:00:00')
    const id = await dispatched('网格员核查')
    clock('2026-12-07T09:00:00')
    const upload = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/photos?purpose=feedback`, headers: { ...auth.handler, 'content-type': 'image/jpeg' }, payload: handMadeJpeg() })
    expect(upload.statusCode, upload.body).toBe(201)
    await act(id, auth.handler, { action: 'handle', note: '已清理', photo_ids: [upload.json().id] }, 'handled')
    const seen = await get(id, auth.gridworker)
    expect(seen.actions).toEqual(expect.arrayContaining(['close', 'send_back']))
    const closed = await act(id, auth.gridworker, { action: 'close', note: '网格员现场核查通过' }, 'closed')
    expect(closed.events.at(-1)).toMatchObject({ action: 'closed', login: 'gridworker' })
    expect(closed.closed_on_time).toBe(true)
  })

  it('refuses a step out of order with 409 naming the current state, writing nothing', async () => {
    const reported = await report('顺序：尚未立案')
    clock('2026-12-04T16:00:00')
    const working = await dispatched('顺序：尚未处置')
    const before = await counts()
    const dispatch = await post(reported, auth.dispatcher, { action: 'dispatch', assignee_party_id: departmentId })
    expect(dispatch.statusCode).toBe(409)
    expect(dispatch.json().error).toMatchObject({ code: 'invalid_transition', details: { state: 'reported', action: 'dispatch' } })
    expect(dispatch.json().error.message).toContain('reported')
    expect(dispatch.json().error.details.allowed).toEqual(expect.arrayContaining(['file', 'void']))
    const close = await post(working, auth.dispatcher, { action: 'close' })
    expect(close.statusCode).toBe(409)
    expect(close.json().error.message).toContain('dispatched')
    expect(close.json().error.details.state).toBe('dispatched')
    expect(await counts()).toEqual(before)
  })

  it('refuses bad input with a clear 4xx and writes nothing: a point outside every jurisdiction, a 20 MB photo, a wrong content type, an unknown category', async () => {
    const id = await report('坏输入：照片')
    const before = await counts()
    const outside = await t.app.inject({ method: 'POST', url: '/api/cases', headers: auth.dispatcher, payload: { channel: 'hotline', category_id: categoryId, description: '上海', location: { lon: 121.47, lat: 31.23 } } })
    expect(outside.statusCode).toBe(422)
    expect(outside.json().error.code).toBe('outside_jurisdiction')
    const publicOutside = await t.app.inject({ method: 'POST', url: '/api/public/cases', headers: { authorization: undefined }, payload: { category_id: categoryId, description: '上海', location: { lon: 121.47, lat: 31.23 } } })
    expect(publicOutside.statusCode).toBe(422)
    const huge = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/photos?purpose=report`, headers: { ...auth.dispatcher, 'content-type': 'image/jpeg' }, payload: Buffer.alloc(20 * 1024 * 1024, 0xff) })
    expect(huge.statusCode).toBe(413)
    expect(huge.json().error.code).toBe('payload_too_large')
    const text = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/photos?purpose=report`, headers: { ...auth.dispatcher, 'content-type': 'text/plain' }, payload: 'not a photo' })
    expect(text.statusCode).toBe(415)
    const form = await t.app.inject({ method: 'POST', url: '/api/cases', headers: { ...auth.dispatcher, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'category_id=1' })
    expect(form.statusCode).toBe(415)
    const unknown = await t.app.inject({ method: 'POST', url: '/api/cases', headers: auth.dispatcher, payload: { channel: 'hotline', category_id: 987654, description: 'x', location: gridPoint } })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().error.details[0].field).toBe('category_id')
    const publicUnknown = await t.app.inject({ method: 'POST', url: '/api/public/cases', headers: { authorization: undefined }, payload: { category_id: 987654, description: 'x', location: gridPoint } })
    expect(publicUnknown.statusCode).toBe(422)
    expect(publicUnknown.json().error.details[0].field).toBe('category_id')
    expect(await counts()).toEqual(before)
  })
})
