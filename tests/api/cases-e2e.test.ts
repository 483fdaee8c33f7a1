import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { DEADLINE_SWEEP_JOB } from '../../server/calendar/deadline-jobs.js'
import { runJobOnce } from '../../server/jobs/scheduler.js'
import { OUTBOX_JOB } from '../../server/notify/delivery.js'
import { setNoticeSettings, type NoticeSettings } from '../../server/notify/settings.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { startWebhookReceiver, type WebhookReceiver, type ReceivedRequest } from '../helpers/webhook-receiver.js'
import { handMadeJpeg } from '../../scripts/demo/photo.js'

/**
 * Issue 10's "what must be true", in one file through HTTP, on both databases. Every case comes
 * in through an intake route (the citizen's POST /api/public/cases, the patrol's and the hotline's
 * POST /api/cases); the coverage gap is made through the zones API; the calendar's 调休 through
 * the calendar API; time is the app's clock (AppOptions.clock), moved by the test; the deadline
 * sweep and the outbox run as the scheduler runs them (runJobOnce) at that clock.
 *
 * Expected parties come from data/demo/tianshui.geojson. Expected times, derived by hand from the
 * periods 08:30–12:00 and 13:30–17:30 (Beijing time), warn ratio 0.75, and the 调休 this test sets
 * (Monday 2026-12-07 off, Saturday 2026-12-12 worked in its place):
 * - 占道经营 has 4 working hours. Dispatched Friday 2026-12-04 16:00: Friday gives 1.5 h (to
 *   17:30), Saturday and Sunday are the weekend, Monday 12-07 is the 调休 day off, Tuesday 12-08
 *   gives the other 2.5 h from 08:30: due Tuesday 11:00. Warning at 3 h: 1.5 h + 1.5 h = Tuesday
 *   10:00. (Without the 调休 it would be Monday 11:00, which the calendar says first.)
 * - Sent back Friday 2026-12-11 16:00: 1.5 h on Friday, then the 调休 working Saturday 12-12 from
 *   08:30: due Saturday 11:00, warning Saturday 10:00.
 * - The grid case, dispatched with it on Friday 12-04 16:00 and never handled: overdue Tuesday
 *   11:00; escalated (level 1) at due + 4 working hours = 1 h to 12:00 + 3 h from 13:30 = Tuesday
 *   16:30, to the community's chief; level 2 at due + 8 h = Tuesday 16:30–17:30 (1 h) + Wednesday
 *   08:30–11:30 (3 h) = Wednesday 12-09 11:30, to the subdistrict's chief.
 */

interface DemoFeature {
  properties: Record<string, unknown> & { kind: string; code: string; name: string; parent?: string }
}
const demo = JSON.parse(readFileSync(new URL('../../data/demo/tianshui.geojson', import.meta.url), 'utf8')) as { features: DemoFeature[] }
const feature = (code: string) => demo.features.find((f) => f.properties.code === code)!.properties
const nameOf = (holder: unknown) => (holder as { name: string }).name

const CATEGORY = '占道经营'
const SUBDISTRICT = '330105003'
const GRID = '33010500300201'
const GAP_GRID = '33010500300202'
const DINGTALK_SECRET = 'SECe2e0123456789abcdef0123456789'
const DEPARTMENT_MOBILE = '13800000071'

/** Beijing wall-clock time as an instant. */
const at = (local: string) => new Date(`${local}+08:00`)
const iso = (local: string) => at(local).toISOString()


describe('issue 10 end to end: intake, routing, the loop, working-time deadlines, escalation, notifications', () => {
  let t: TestApp
  let receiver: WebhookReceiver
  let previousSettings: NoticeSettings
  let now = at('2026-12-04T09:00:00')
  const auth = {} as Record<'dispatcher' | 'handler' | 'gridworker', { authorization: string }>
  const anonymous = { authorization: undefined }
  let categoryId: number
  let department: { id: number; name: string }
  let frontage: { code: string; merchant: string; lon: number; lat: number }
  const ids = { citizen: 0, grid: 0, gap: 0 }
  let citizenToken = ''
  const versions = new Map<number, number>()

  const moveClock = (local: string) => {
    now = at(local)
    receiver.clock = () => now.getTime()
  }
  const view = async (id: number) => {
    const response = await t.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: auth.dispatcher })
    expect(response.statusCode, response.body).toBe(200)
    return response.json()
  }
  const act = async (id: number, who: { authorization: string }, body: Record<string, unknown>, state: string) => {
    const response = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions`, headers: who, payload: { version: versions.get(id), ...body } })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().state).toBe(state)
    versions.set(id, response.json().version)
    return response.json()
  }
  const photo = async (id: number) => {
    const response = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/photos?purpose=feedback`, headers: { ...auth.handler, 'content-type': 'image/jpeg' }, payload: handMadeJpeg() })
    expect(response.statusCode, response.body).toBe(201)
    return response.json().id as number
  }
  /** A point of the zone outside every other owner zone (frontage, segment, street), so the zone's own holders answer. */
  async function innerPoint(code: string): Promise<{ lon: number; lat: number }> {
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(ST_Difference(
        (SELECT area FROM zone WHERE code = ${code}),
        (SELECT ST_Union(area) FROM zone WHERE kind IN ('frontage', 'segment', 'street')))) AS p) s`.execute(t.handle.db)
    return { lon: Number(rows[0]!.lon), lat: Number(rows[0]!.lat) }
  }
  const zoneId = async (code: string) => (await t.handle.db.selectFrom('zone').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
  const sent = (path: string, caseNumber: string): ReceivedRequest[] =>
    receiver.requests.filter((r) => r.path === path && JSON.stringify(r.body).includes(caseNumber))
  const textOf = (request: ReceivedRequest) => {
    const body = request.body as { text?: string | { content: string }; markdown?: { content: string } }
    return typeof body.text === 'string' ? body.text : (body.text?.content ?? body.markdown?.content ?? '')
  }

  beforeAll(async () => {
    t = await createTestApp({ clock: () => now })
    receiver = await startWebhookReceiver()
    receiver.dingtalkSecret = DINGTALK_SECRET
    receiver.clock = () => now.getTime()
    previousSettings = setNoticeSettings({ smsGateway: { url: `${receiver.url}/sms`, token: receiver.smsToken } })
    const db = t.handle.db
    for (const login of ['dispatcher', 'handler', 'gridworker'] as const) {
      const token = `jz-e2e-${login}-token-0000000000001`
      await createApiToken(db, (await accountIdByLogin(db, login))!, token, `e2e test: ${login}`)
      auth[login] = { authorization: `Bearer ${token}` }
    }
    const categories = (await t.app.inject({ method: 'GET', url: '/api/categories' })).json() as { id: number; name: string; limit: unknown }[]
    const category = categories.find((c) => c.name === CATEGORY)!
    expect(category.limit).toEqual({ value: 4, unit: 'working_hours' })
    categoryId = category.id
    const departmentName = (feature(SUBDISTRICT).categories as Record<string, string>)[CATEGORY]!
    const parties = (await t.app.inject({ method: 'GET', url: '/api/parties?limit=500' })).json() as { parties?: { id: number; name: string }[] } | { id: number; name: string }[]
    const partyList = Array.isArray(parties) ? parties : parties.parties!
    department = { id: partyList.find((p) => p.name === departmentName)!.id, name: departmentName }
    // The squad's duty mobile, through the parties API: its SMS and its @-mention in the robots.
    const party = (await t.app.inject({ method: 'GET', url: `/api/parties/${department.id}` })).json()
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/parties/${department.id}`, payload: { version: party.version, phone: DEPARTMENT_MOBILE } })
    expect(patched.statusCode, patched.body).toBe(200)

    const shop = demo.features.find((f) => f.properties.kind === 'frontage' && f.properties.merchant)!.properties
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE code = ${shop.code}) s`.execute(db)
    frontage = { code: shop.code, merchant: nameOf(shop.merchant), lon: Number(rows[0]!.lon), lat: Number(rows[0]!.lat) }

    // The robots: 企业微信 for the frontage's road segment (its liaison group), 钉钉 with 加签 for the subdistrict.
    const segment = String(shop.parent)
    const wecom = await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'wecom', name: '中山北路路长联络群', zone_id: await zoneId(segment), target: `${receiver.url}/wecom/send?key=e2e-wecom-key` } })
    expect(wecom.statusCode, wecom.body).toBe(201)
    const ding = await t.app.inject({
      method: 'POST', url: '/api/notify/channels',
      payload: { kind: 'dingtalk', name: '天水街道城管群', zone_id: await zoneId(SUBDISTRICT), target: `${receiver.url}/dingtalk/send?access_token=e2e-ding-token`, secret: DINGTALK_SECRET },
    })
    expect(ding.statusCode, ding.body).toBe(201)
  })
  afterAll(async () => {
    if (previousSettings) setNoticeSettings(previousSettings)
    await receiver?.close()
    await t?.close()
  })

  it('sets the 调休 through the calendar API: the due time moves from Monday to Tuesday', async () => {
    const plain = await t.app.inject({ method: 'GET', url: `/api/calendar/due?category_id=${categoryId}&from=2026-12-04T16:00` })
    expect(plain.json()).toMatchObject({ due_at: iso('2026-12-07T11:00:00'), warn_at: iso('2026-12-07T10:00:00') })
    const off = await t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-12-07', payload: { working: false, note: '调休' } })
    expect(off.statusCode, off.body).toBe(200)
    const worked = await t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-12-12', payload: { working: true, note: '调休上班' } })
    expect(worked.statusCode, worked.body).toBe(200)
    const swapped = await t.app.inject({ method: 'GET', url: `/api/calendar/due?category_id=${categoryId}&from=2026-12-04T16:00` })
    expect(swapped.json()).toMatchObject({ due_at: iso('2026-12-08T11:00:00'), warn_at: iso('2026-12-08T10:00:00') })
  })

  it("routes a citizen's report on a demo frontage to its merchant and the category's department (门前三包 enforcement)", async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/api/public/cases', headers: anonymous,
      payload: { signboard_code: frontage.code, category_id: categoryId, description: '面馆门前桌椅占道', location: { lon: frontage.lon, lat: frontage.lat, accuracy_m: 5 }, reporter_phone: '13800000088' },
    })
    expect(response.statusCode, response.body).toBe(201)
    citizenToken = response.json().token
    expect(response.json().number).toMatch(/^20261204-\d{4}$/)
    const list = (await t.app.inject({ method: 'GET', url: `/api/cases?q=${response.json().number}`, headers: auth.dispatcher })).json()
    ids.citizen = list.cases[0].id
    const value = await view(ids.citizen)
    versions.set(ids.citizen, value.version)
    expect(value).toMatchObject({ state: 'reported', channel: 'qr', created_at: iso('2026-12-04T09:00:00') })
    expect(value.owner).toMatchObject({ name: frontage.merchant, duty: 'merchant', zone: { code: frontage.code } })
    expect(value.department.name).toBe(department.name)
    expect(value.flags).not.toContain('coverage_gap')
  })

  it("routes a grid worker's patrol report in a grid to the grid chief", async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/api/cases', headers: auth.gridworker,
      payload: { channel: 'patrol', category_id: categoryId, description: '巡查：网格内流动占道', location: await innerPoint(GRID), accuracy_m: 3 },
    })
    expect(response.statusCode, response.body).toBe(201)
    ids.grid = response.json().id
    versions.set(ids.grid, response.json().version)
    expect(response.json().owner).toMatchObject({ name: nameOf(feature(GRID).chief), duty: 'chief', zone: { code: GRID } })
    expect(response.json().flags).not.toContain('coverage_gap')
  })

  it('routes a hotline call in a coverage gap (a grid deleted through the zones API) to the fall-back party, flagged coverage_gap', async () => {
    const point = await innerPoint(GAP_GRID)
    const gridId = await zoneId(GAP_GRID)
    const zone = (await t.app.inject({ method: 'GET', url: `/api/zones/${gridId}` })).json()
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/zones/${gridId}?version=${zone.properties?.version ?? zone.version}&cascade=true` })
    expect(deleted.statusCode, deleted.body).toBe(200)
    const response = await t.app.inject({
      method: 'POST', url: '/api/cases', headers: auth.dispatcher,
      payload: { channel: 'hotline', category_id: categoryId, description: '12345 来电：小区门口占道', location: point, reporter_phone: '0571-87005678' },
    })
    expect(response.statusCode, response.body).toBe(201)
    ids.gap = response.json().id
    const community = feature(String(feature(GAP_GRID).parent))
    expect(response.json().owner).toMatchObject({ name: nameOf(community.fallback), duty: 'fallback' })
    expect(response.json().flags).toContain('coverage_gap')
  })

  it('dispatches on Friday 16:00 with the due time past the weekend and the 调休 day; the robots and the SMS gateway get the dispatch', async () => {
    moveClock('2026-12-04T09:30:00')
    await act(ids.citizen, auth.dispatcher, { action: 'file' }, 'filed')
    await act(ids.grid, auth.dispatcher, { action: 'file' }, 'filed')
    moveClock('2026-12-04T16:00:00')
    const citizen = await act(ids.citizen, auth.dispatcher, { action: 'dispatch', assignee_party_id: department.id, note: '请天水中队督促商户整改' }, 'dispatched')
    expect(citizen).toMatchObject({ dispatched_at: iso('2026-12-04T16:00:00'), due_at: iso('2026-12-08T11:00:00'), warn_at: iso('2026-12-08T10:00:00'), assignee: { id: department.id } })
    const grid = await act(ids.grid, auth.dispatcher, { action: 'dispatch' }, 'dispatched')
    expect(grid).toMatchObject({ due_at: iso('2026-12-08T11:00:00'), assignee: { name: nameOf(feature(GRID).chief) } })

    await runJobOnce(t.handle.db, OUTBOX_JOB, now)
    const number = citizen.number as string
    const wecom = sent('/wecom/send', number)
    expect(wecom).toHaveLength(1)
    expect(wecom[0]!.query.get('key')).toBe('e2e-wecom-key')
    expect(wecom[0]!.body).toMatchObject({ msgtype: 'text', text: { mentioned_mobile_list: [DEPARTMENT_MOBILE] } })
    const text = textOf(wecom[0]!)
    expect(text).toContain('【街长制】新派遣案卷')
    expect(text).toContain(`案卷：${number}（${CATEGORY}）`)
    expect(text).toContain('处置时限：2026-12-08 11:00（北京时间）')
    expect(text).toContain(`查看：http://jiezhang.test/?case=${ids.citizen}`)
    // The grid case is not on that road: the road's robot does not hear of it.
    expect(sent('/wecom/send', grid.number)).toHaveLength(0)

    // 钉钉 signed: both cases are in the subdistrict. The receiver checked the signature as DingTalk does (errcode 0).
    const ding = [...sent('/dingtalk/send', number), ...sent('/dingtalk/send', grid.number)]
    expect(ding).toHaveLength(2)
    for (const request of ding) {
      expect(request.answered).toBe(200)
      const timestamp = request.query.get('timestamp')!
      expect(Number(timestamp)).toBe(now.getTime())
      expect(request.query.get('sign')).toBe(createHmac('sha256', DINGTALK_SECRET).update(`${timestamp}\n${DINGTALK_SECRET}`).digest('base64'))
      expect(request.body).toMatchObject({ msgtype: 'text' })
    }
    expect(textOf(ding[0]!)).toContain(`@${DEPARTMENT_MOBILE}`)
    expect(textOf(ding[1]!)).toContain('13800000009')

    // SMS to each assignee's mobile, with the gateway's bearer token.
    const sms = receiver.requests.filter((r) => r.path === '/sms')
    expect(sms.map((r) => (r.body as { to: string }).to).sort()).toEqual(['+8613800000009', `+86${DEPARTMENT_MOBILE}`])
    for (const request of sms) {
      expect(request.headers.authorization).toBe(`Bearer ${receiver.smsToken}`)
      expect(request.answered).toBe(200)
      expect((request.body as { text: string }).text).toContain('处置时限：2026-12-08 11:00（北京时间）')
    }
    const states = await sql<{ state: string; n: string }>`SELECT state, count(*) AS n FROM outbox WHERE case_id = ANY(${[ids.citizen, ids.grid]}::int4[]) GROUP BY state`.execute(t.handle.db)
    expect(states.rows.map((r) => r.state)).toEqual(['sent'])
  })

  it('handles with a photo, is sent back once, handled again on the 调休 Saturday, verified and closed on time; the citizen rates it', async () => {
    const id = ids.citizen
    moveClock('2026-12-04T16:10:00')
    await act(id, auth.handler, { action: 'accept' }, 'accepted')
    moveClock('2026-12-08T09:00:00')
    await act(id, auth.handler, { action: 'handle', note: '已督促商户收回桌椅', photo_ids: [await photo(id)] }, 'handled')
    moveClock('2026-12-11T16:00:00')
    const back = await act(id, auth.dispatcher, { action: 'send_back', reason: '复查时桌椅又摆出' }, 'dispatched')
    expect(back).toMatchObject({ rework_count: 1, dispatched_at: iso('2026-12-11T16:00:00'), due_at: iso('2026-12-12T11:00:00'), warn_at: iso('2026-12-12T10:00:00') })
    moveClock('2026-12-12T09:30:00')
    const second = await photo(id)
    await act(id, auth.handler, { action: 'handle', note: '已约谈商户，桌椅收回店内', photo_ids: [second] }, 'handled')
    moveClock('2026-12-12T10:30:00')
    const closed = await act(id, auth.dispatcher, { action: 'close', note: '核查通过' }, 'closed')
    expect(closed).toMatchObject({ closed_at: iso('2026-12-12T10:30:00'), closed_on_time: true })
    expect(closed.events.map((e: { action: string }) => e.action)).toEqual(['reported', 'filed', 'dispatched', 'accepted', 'handled', 'sent_back', 'handled', 'closed'])
    const handled = closed.events.filter((e: { action: string }) => e.action === 'handled')
    expect(handled.map((e: { photo_ids: number[] }) => e.photo_ids.length)).toEqual([1, 1])

    // The sent-back and the closing steps reach the road's robot too.
    await runJobOnce(t.handle.db, OUTBOX_JOB, now)
    const texts = sent('/wecom/send', closed.number).map(textOf)
    expect(texts.map((text) => text.split('\n')[0])).toEqual(['【街长制】新派遣案卷', '【街长制】案卷核查未通过，返工', '【街长制】案卷已核查结案'])
    expect(texts[1]).toContain('处置时限：2026-12-12 11:00（北京时间）')

    const follow = await t.app.inject({ method: 'GET', url: `/api/public/cases/${citizenToken}`, headers: anonymous })
    expect(follow.json().can_rate).toBe(true)
    expect(follow.body).not.toContain('复查时桌椅又摆出')
    const rated = await t.app.inject({ method: 'POST', url: `/api/public/cases/${citizenToken}/rating`, headers: anonymous, payload: { rating: 4, comment: '处理及时' } })
    expect(rated.statusCode, rated.body).toBe(200)
    expect(rated.json()).toMatchObject({ state: 'evaluated', rating: 4 })
  })

  it('warns, marks overdue and escalates the unhandled grid case up its chain as the sweep job runs at later clocks', async () => {
    const id = ids.grid
    const community = feature(String(feature(GRID).parent))
    const subdistrict = feature(String(community.parent))
    const escalations = async () => (await view(id)).events.filter((e: { action: string }) => ['warned', 'overdue', 'escalated'].includes(e.action))

    await runJobOnce(t.handle.db, DEADLINE_SWEEP_JOB, at('2026-12-08T09:59:00'))
    expect(await escalations()).toEqual([])
    await runJobOnce(t.handle.db, DEADLINE_SWEEP_JOB, at('2026-12-08T10:00:00'))
    await runJobOnce(t.handle.db, DEADLINE_SWEEP_JOB, at('2026-12-08T11:00:00'))
    await runJobOnce(t.handle.db, DEADLINE_SWEEP_JOB, at('2026-12-08T16:29:00'))
    expect((await escalations()).map((e: { action: string }) => e.action)).toEqual(['warned', 'overdue'])
    await runJobOnce(t.handle.db, DEADLINE_SWEEP_JOB, at('2026-12-08T16:30:00'))
    await runJobOnce(t.handle.db, DEADLINE_SWEEP_JOB, at('2026-12-09T11:29:00'))
    await runJobOnce(t.handle.db, DEADLINE_SWEEP_JOB, at('2026-12-09T11:30:00'))
    const events = await escalations()
    expect(events.map((e: { action: string; at: string }) => [e.action, e.at])).toEqual([
      ['warned', iso('2026-12-08T10:00:00')],
      ['overdue', iso('2026-12-08T11:00:00')],
      ['escalated', iso('2026-12-08T16:30:00')],
      ['escalated', iso('2026-12-09T11:30:00')],
    ])
    expect(events.slice(2).map((e: { details: { level: number; party_name: string } }) => [e.details.level, e.details.party_name])).toEqual([
      [1, nameOf(community.chief)],
      [2, nameOf(subdistrict.chief)],
    ])
    moveClock('2026-12-09T11:30:00')
    const value = await view(id)
    expect(value).toMatchObject({ overdue: true, escalation_level: 2 })

    // The escalation's messages: the signed 钉钉 group hears who it went to.
    await runJobOnce(t.handle.db, OUTBOX_JOB, now)
    const ding = sent('/dingtalk/send', value.number).map(textOf)
    expect(ding.map((text) => text.split('\n')[0])).toEqual([
      '【街长制】新派遣案卷', '【街长制】案卷临近处置时限', '【街长制】案卷已超过处置时限', '【街长制】超时案卷升级督办', '【街长制】超时案卷升级督办',
    ])
    expect(ding[3]).toContain(`升级至：${nameOf(community.chief)}`)
    expect(ding[4]).toContain(`升级至：${nameOf(subdistrict.chief)}`)
    // The community chief's inbox has it.
    const inbox = await sql<{ title: string; name: string }>`
      SELECT m.title, p.name FROM inbox_message m JOIN party p ON p.id = m.party_id WHERE m.case_id = ${id} AND m.title = '超时案卷升级督办' ORDER BY m.id`.execute(t.handle.db)
    expect(inbox.rows.map((r) => r.name)).toEqual(expect.arrayContaining([nameOf(community.chief), nameOf(subdistrict.chief)]))
    const failed = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox WHERE state <> 'sent'`.execute(t.handle.db)
    expect(Number(failed.rows[0]!.n)).toBe(0)
  })
})
