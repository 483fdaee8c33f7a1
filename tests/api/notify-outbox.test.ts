import { createHmac } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import type { Db } from '../../server/db/database.js'
import { deliverOutbox, OUTBOX_JOB } from '../../server/notify/delivery.js'
import { queueCaseNotices } from '../../server/notify/notices.js'
import { noticeSettings, setNoticeSettings, type NoticeSettings } from '../../server/notify/settings.js'
import { registerJob, runJobOnce, startScheduler } from '../../server/jobs/scheduler.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'

/**
 * The outbox end to end against a local receiver that answers like 企业微信, 钉钉 and an SMS
 * gateway: queueing (recipients, dedupe), delivery (formats, the DingTalk signature checked as
 * DingTalk does), retries with back-off, dead letters, expired leases, the channel, outbox and
 * inbox routes, and the scheduler's leases with two instances on one database.
 */
let t: TestApp
let db: Db
let receiver: WebhookReceiver
let previous: NoticeSettings
let caseId: number
let chiefParty: number
let j01: number
let street: number
const tokens = { chief: 'jz-notify-chief-token-000000001', dispatcher: 'jz-notify-dispatcher-token-0001', viewer: 'jz-notify-viewer-token-00000001', planner: 'jz-notify-planner-token-0000001', gridworker: 'jz-notify-grid-token-000000001' }
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const minute = 60_000
// Due 2026-12-03 09:30 UTC = 17:30 Beijing time (UTC+8).
const dueAt = new Date('2026-12-03T09:30:00Z')
const DINGTALK_SECRET = 'SECtest0123456789abcdef'

async function outboxOf(event: string) {
  const { rows } = await sql<{ id: string; channel: string; target: string; state: string; attempts: number; next_attempt_at: Date; last_error: string | null; dedupe_key: string }>`
    SELECT id, channel, target, state, attempts, next_attempt_at, last_error, dedupe_key FROM outbox WHERE case_id = ${caseId} AND event = ${event} ORDER BY id`.execute(db)
  return rows
}

beforeAll(async () => {
  t = await createTestApp()
  db = t.handle.db
  receiver = await startWebhookReceiver()
  receiver.dingtalkSecret = DINGTALK_SECRET
  previous = setNoticeSettings({ smsGateway: { url: `${receiver.url}/sms`, token: receiver.smsToken }, maxAttempts: 4, publicUrl: 'https://jz.example.cn' })
  const zone = await db.selectFrom('zone').select(['id', 'parent_id']).where('code', '=', '330105003J01').executeTakeFirstOrThrow()
  j01 = zone.id
  street = (await db.selectFrom('zone').select('id').where('code', '=', '330105003').executeTakeFirstOrThrow()).id
  const chiefAccount = (await accountIdByLogin(db, 'chief'))!
  chiefParty = (await db.selectFrom('account').select('party_id').where('id', '=', chiefAccount).executeTakeFirstOrThrow()).party_id!
  await db.updateTable('party').set({ phone: '13800000053' }).where('id', '=', chiefParty).execute()
  for (const [login, token] of Object.entries(tokens)) await createApiToken(db, (await accountIdByLogin(db, login))!, token, `notify test ${login}`)
  const category = await db.selectFrom('category').select(['id', 'name']).orderBy('id').executeTakeFirstOrThrow()
  const { rows } = await sql<{ id: number }>`
    INSERT INTO case_file (number, public_token, channel, state, category_id, description, location, address, routing,
                           zone_ids, owner_party_id, owner_duty, owner_zone_id, assignee_party_id, dispatched_at, due_at)
    VALUES ('20261202-0001', 'notify-test-public-token', 'hotline', 'dispatched', ${category.id}, '井盖缺失',
            ST_SetSRID(ST_MakePoint(120.16, 30.28), 4326), '环城北路 100 号', '{}'::jsonb,
            ARRAY[${j01}, ${street}]::int[], ${chiefParty}, 'chief', ${j01}, ${chiefParty}, now(), ${dueAt})
    RETURNING id`.execute(db)
  caseId = rows[0]!.id
})

afterAll(async () => {
  setNoticeSettings(previous)
  await receiver?.close()
  await t?.close()
})

describe('notification channels', () => {
  let wecomId: number
  it('adds a 企业微信 robot for the road and a signed 钉钉 robot for the street; the secret is never returned', async () => {
    const wecom = await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'wecom', name: '环城北路路长联络群', zone_id: j01, target: `${receiver.url}/wecom/send?key=abcdef123456` } })
    expect(wecom.statusCode).toBe(201)
    wecomId = wecom.json().id
    expect(wecom.json()).toMatchObject({ kind: 'wecom', zone: { id: j01, code: '330105003J01' }, has_secret: false, enabled: true, version: 1 })
    expect(wecom.json().target).not.toContain('abcdef123456')
    const ding = await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'dingtalk', name: '天水街道城管群', zone_id: street, target: `${receiver.url}/dingtalk/send?access_token=tok987654321`, secret: DINGTALK_SECRET } })
    expect(ding.statusCode).toBe(201)
    expect(ding.json().has_secret).toBe(true)
    expect(ding.body).not.toContain(DINGTALK_SECRET)
    // Neither a disabled robot nor one of another zone gets this case's messages.
    const other = await db.selectFrom('zone').select('id').where('code', '=', '330105003001').executeTakeFirstOrThrow()
    expect((await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'wecom', name: '别的社区', zone_id: other.id, target: `${receiver.url}/wecom/send?key=other` } })).statusCode).toBe(201)
    expect((await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'wecom', name: '停用', zone_id: j01, target: `${receiver.url}/wecom/send?key=off`, enabled: false } })).statusCode).toBe(201)
    const list = await t.app.inject({ method: 'GET', url: '/api/notify/channels' })
    expect(list.json().channels).toHaveLength(4)
    expect(list.body).not.toContain(DINGTALK_SECRET)
  })

  it('refuses a bad target, a secret on a WeCom robot, a stale version, and a zone outside the scope', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'wecom', name: 'x', zone_id: j01, target: 'ftp://example.com/x' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'invalid_field', details: [{ field: 'target' }] })
    const sms = await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'sms', name: 'x', zone_id: j01, target: '0571-87001234' } })
    expect(sms.json().error.details[0].field).toBe('target')
    const secret = await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'wecom', name: 'x', zone_id: j01, target: `${receiver.url}/wecom/send?key=1`, secret: 'SECx' } })
    expect(secret.json().error.details[0].field).toBe('secret')
    const nowhere = await t.app.inject({ method: 'POST', url: '/api/notify/channels', payload: { kind: 'wecom', name: 'x', target: `${receiver.url}/wecom/send?key=1` } })
    expect(nowhere.statusCode).toBe(400)
    const stale = await t.app.inject({ method: 'PATCH', url: `/api/notify/channels/${wecomId}`, payload: { version: 7, name: 'y' } })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current_version: 1 } })
    // The planner configures 天水街道 (330105003): 拱墅区's own zone is outside.
    const district = await db.selectFrom('zone').select('id').where('code', '=', '330105').executeTakeFirstOrThrow()
    const outside = await t.app.inject({ method: 'POST', url: '/api/notify/channels', headers: bearer(tokens.planner), payload: { kind: 'wecom', name: 'x', zone_id: district.id, target: `${receiver.url}/wecom/send?key=1` } })
    expect(outside.statusCode).toBe(403)
    expect(outside.json().error.code).toBe('out_of_scope')
    const inside = await t.app.inject({ method: 'GET', url: '/api/notify/channels', headers: bearer(tokens.planner) })
    expect(inside.json().channels.map((c: { zone: { code: string } }) => c.zone.code).sort()).toEqual(['330105003', '330105003001', '330105003J01', '330105003J01'])
    expect((await t.app.inject({ method: 'GET', url: '/api/notify/channels', headers: bearer(tokens.viewer) })).statusCode).toBe(403)
  })
})

describe('queueing and delivery', () => {
  // Rows are queued at the database's now(): the test's clock starts after it, at a whole hour.
  const t0 = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000)

  it("queues the assignee's inbox (delivered at once) and SMS, and the enabled robots of the case's zones; a retried step queues nothing twice", async () => {
    await db.transaction().execute((tx) => queueCaseNotices(tx, caseId, 'dispatched'))
    await db.transaction().execute((tx) => queueCaseNotices(tx, caseId, 'dispatched'))
    const rows = await outboxOf('dispatched')
    expect(rows.map((row) => row.channel).sort()).toEqual(['dingtalk', 'inbox', 'sms', 'wecom'])
    expect(rows.find((row) => row.channel === 'inbox')).toMatchObject({ state: 'sent', target: String(chiefParty), dedupe_key: `${caseId}:dispatched:0:inbox:${chiefParty}` })
    expect(rows.find((row) => row.channel === 'sms')).toMatchObject({ state: 'pending', target: '+8613800000053' })
    const inbox = await t.app.inject({ method: 'GET', url: '/api/inbox', headers: bearer(tokens.chief) })
    expect(inbox.statusCode).toBe(200)
    expect(inbox.json()).toMatchObject({ party_ids: [chiefParty], unread: 1 })
    expect(inbox.json().messages[0]).toMatchObject({ case_id: caseId, case_number: '20261202-0001', title: '新派遣案卷', read_at: null })
    expect(inbox.json().messages[0].body).toContain('2026-12-03 17:30')
  })

  it('sends each in its documented format: WeCom text mentioning the mobile, DingTalk signed, the SMS gateway with its bearer', async () => {
    const report = await deliverOutbox(db, new Date())
    expect(report).toEqual({ sent: 3, retried: 0, dead: 0 })
    const wecom = receiver.requests.find((r) => r.path === '/wecom/send')!
    expect(wecom.query.get('key')).toBe('abcdef123456')
    expect(wecom.body).toMatchObject({ msgtype: 'text', text: { mentioned_mobile_list: ['13800000053'] } })
    const content = (wecom.body as { text: { content: string } }).text.content
    expect(content).toContain('20261202-0001')
    expect(content).toContain('环城北路 100 号')
    expect(content).toContain('处置时限：2026-12-03 17:30（北京时间）')
    expect(content).toContain(`https://jz.example.cn/?case=${caseId}`)
    const ding = receiver.requests.find((r) => r.path === '/dingtalk/send')!
    expect(ding.answered).toBe(200)
    expect(ding.body).toMatchObject({ msgtype: 'text', at: { atMobiles: ['13800000053'] } })
    // Independently of the sender: the documented recipe for the sign of this timestamp.
    const timestamp = ding.query.get('timestamp')!
    expect(ding.query.get('sign')).toBe(createHmac('sha256', DINGTALK_SECRET).update(`${timestamp}\n${DINGTALK_SECRET}`).digest('base64'))
    const sms = receiver.requests.find((r) => r.path === '/sms')!
    expect(sms.headers.authorization).toBe(`Bearer ${receiver.smsToken}`)
    expect(sms.body).toEqual({ to: '+8613800000053', text: expect.stringContaining('【街长制】新派遣案卷') })
    expect((await outboxOf('dispatched')).every((row) => row.state === 'sent')).toBe(true)
  })

  it('a wrong DingTalk signature is an error the row keeps (errcode 310000)', async () => {
    receiver.dingtalkSecret = 'SECsomething-else'
    await db.transaction().execute((tx) => queueCaseNotices(tx, caseId, 'closed'))
    await deliverOutbox(db, new Date())
    const ding = (await outboxOf('closed')).find((row) => row.channel === 'dingtalk')!
    expect(ding).toMatchObject({ state: 'pending', attempts: 1 })
    expect(ding.last_error).toContain('310000')
    receiver.dingtalkSecret = DINGTALK_SECRET
  })

  it('a receiver answering 500 then 200: retried after the back-off (1 min), not before', async () => {
    receiver.requests.length = 0
    // DingTalk checks the timestamp against its own clock: the receiver's follows the test's.
    receiver.clock = () => t0.getTime() + 30 * minute
    receiver.failNext('/wecom/send', 500)
    await db.transaction().execute((tx) => queueCaseNotices(tx, caseId, 'warning'))
    await deliverOutbox(db, t0)
    let wecom = (await outboxOf('warning')).find((row) => row.channel === 'wecom')!
    expect(wecom).toMatchObject({ state: 'pending', attempts: 1, last_error: expect.stringContaining('HTTP 500') })
    expect(wecom.next_attempt_at.getTime()).toBe(t0.getTime() + minute)
    await deliverOutbox(db, new Date(t0.getTime() + 59_000))
    expect(receiver.requests.filter((r) => r.path === '/wecom/send')).toHaveLength(1)
    await deliverOutbox(db, new Date(t0.getTime() + minute))
    wecom = (await outboxOf('warning')).find((row) => row.channel === 'wecom')!
    expect(wecom).toMatchObject({ state: 'sent', attempts: 2, last_error: null })
    expect(receiver.requests.filter((r) => r.path === '/wecom/send').map((r) => r.answered)).toEqual([500, 200])
  })

  let deadId: number
  it('dead after the last attempt (OUTBOX_MAX_ATTEMPTS, here 4), after 1, 5 and 30 minutes; its error kept', async () => {
    receiver.failNext('/sms', 503, 503, 503, 503)
    await db.transaction().execute((tx) => queueCaseNotices(tx, caseId, 'overdue'))
    const at = [0, 1, 6, 36].map((minutes) => new Date(t0.getTime() + minutes * minute))
    const states: string[] = []
    for (const when of at) {
      await deliverOutbox(db, when)
      const sms = (await outboxOf('overdue')).find((row) => row.channel === 'sms')!
      states.push(`${sms.state}/${sms.attempts}`)
      deadId = Number(sms.id)
    }
    expect(states).toEqual(['pending/1', 'pending/2', 'pending/3', 'dead/4'])
    const sms = (await outboxOf('overdue')).find((row) => row.channel === 'sms')!
    expect(sms.last_error).toContain('HTTP 503')
  })

  it('GET /api/outbox for dispatchers and configurers; a dead message retried by hand, once', async () => {
    const dead = await t.app.inject({ method: 'GET', url: `/api/outbox?state=dead&case_id=${caseId}`, headers: bearer(tokens.dispatcher) })
    expect(dead.statusCode).toBe(200)
    expect(dead.json().rows.map((row: { id: number }) => row.id)).toEqual([deadId])
    expect(dead.json().rows[0]).toMatchObject({ channel: 'sms', event: 'overdue', attempts: 4 })
    const all = await t.app.inject({ method: 'GET', url: '/api/outbox', headers: bearer(tokens.planner) })
    expect(all.json().rows.length).toBeGreaterThanOrEqual(12)
    expect(all.body).not.toContain('abcdef123456')
    expect((await t.app.inject({ method: 'GET', url: '/api/outbox', headers: bearer(tokens.viewer) })).json().error.code).toBe('forbidden')
    const retried = await t.app.inject({ method: 'POST', url: `/api/outbox/${deadId}/retry`, headers: { ...bearer(tokens.dispatcher), 'content-type': 'application/json' }, payload: '{}' })
    expect(retried.statusCode).toBe(200)
    expect(retried.json()).toMatchObject({ state: 'pending', attempts: 0 })
    const again = await t.app.inject({ method: 'POST', url: `/api/outbox/${deadId}/retry` })
    expect(again.statusCode).toBe(409)
    expect(again.json().error).toMatchObject({ code: 'outbox_not_dead', details: { state: 'pending' } })
    expect((await t.app.inject({ method: 'POST', url: '/api/outbox/999999/retry' })).statusCode).toBe(404)
    await deliverOutbox(db, new Date(t0.getTime() + 40 * minute))
    expect((await outboxOf('overdue')).find((row) => row.channel === 'sms')).toMatchObject({ state: 'sent', attempts: 1, last_error: null })
  })

  it('takes again a row whose lease expired (its process died mid-send): at least once', async () => {
    await db.transaction().execute((tx) => queueCaseNotices(tx, caseId, 'sent_back'))
    const now = new Date(t0.getTime() + 60 * minute)
    await sql`UPDATE outbox SET state = 'sending', attempts = 1, leased_until = ${new Date(now.getTime() + 10_000)} WHERE case_id = ${caseId} AND event = 'sent_back' AND channel = 'wecom'`.execute(db)
    await deliverOutbox(db, now)
    expect((await outboxOf('sent_back')).find((row) => row.channel === 'wecom')).toMatchObject({ state: 'sending' })
    await deliverOutbox(db, new Date(now.getTime() + 10_000))
    expect((await outboxOf('sent_back')).find((row) => row.channel === 'wecom')).toMatchObject({ state: 'sent', attempts: 2 })
  })

  it('escalation also tells the party up the chain, with its own step in the key', async () => {
    const dispatcherParty = (await db.selectFrom('party').select('id').where('id', '!=', chiefParty).orderBy('id').executeTakeFirstOrThrow()).id
    await db.transaction().execute((tx) => queueCaseNotices(tx, caseId, 'escalated', { step: 1, partyId: dispatcherParty }))
    const rows = await outboxOf('escalated')
    expect(rows.filter((row) => row.channel === 'inbox').map((row) => row.dedupe_key).sort()).toEqual(
      [`${caseId}:escalated:1:inbox:${chiefParty}`, `${caseId}:escalated:1:inbox:${dispatcherParty}`].sort(),
    )
    const message = await db.selectFrom('party').select('name').where('id', '=', dispatcherParty).executeTakeFirstOrThrow()
    const { rows: inbox } = await sql<{ body: string }>`SELECT body FROM inbox_message WHERE party_id = ${dispatcherParty}`.execute(db)
    expect(inbox[0]!.body).toContain(`升级至：${message.name}`)
  })
})

describe('the inbox', () => {
  it("marks one's own message read; another's is not found", async () => {
    const inbox = (await t.app.inject({ method: 'GET', url: '/api/inbox?unread=true', headers: bearer(tokens.chief) })).json()
    const id = inbox.messages[0].id as number
    const other = await t.app.inject({ method: 'POST', url: `/api/inbox/${id}/read`, headers: { ...bearer(tokens.gridworker), 'content-type': 'application/json' }, payload: '{}' })
    expect(other.statusCode).toBe(404)
    const read = await t.app.inject({ method: 'POST', url: `/api/inbox/${id}/read`, headers: { ...bearer(tokens.chief), 'content-type': 'application/json' }, payload: '{}' })
    expect(read.statusCode).toBe(200)
    expect(read.json().read_at).not.toBeNull()
    const after = (await t.app.inject({ method: 'GET', url: '/api/inbox', headers: bearer(tokens.chief) })).json()
    expect(after.unread).toBe(inbox.unread - 1)
    expect((await t.app.inject({ method: 'GET', url: '/api/inbox', headers: { authorization: undefined } })).statusCode).toBe(401)
  })
})

describe('the scheduler', () => {
  it('two instances on one database: only the lease holder runs a job; when it stops, the other takes over; an expired lease is taken', async () => {
    const runs: string[] = []
    registerJob({ name: 'notify-test-job', intervalMs: 1_000, run: async () => void runs.push('run') })
    const a = startScheduler(db, { holder: 'instance-a', timers: false, jobNames: ['notify-test-job'] })
    const b = startScheduler(db, { holder: 'instance-b', timers: false, jobNames: ['notify-test-job'] })
    const now = new Date('2026-12-02T03:00:00Z')
    expect(await a.tick(now)).toEqual(['notify-test-job'])
    expect(await b.tick(now)).toEqual([])
    expect(await a.tick(new Date(now.getTime() + 1_000))).toEqual(['notify-test-job'])
    expect(await b.tick(new Date(now.getTime() + 1_000))).toEqual([])
    await a.stop()
    expect(await b.tick(new Date(now.getTime() + 2_000))).toEqual(['notify-test-job'])
    const { rows } = await sql<{ holder: string }>`SELECT holder FROM job_lease WHERE name = 'notify-test-job'`.execute(db)
    expect(rows[0]!.holder).toBe('instance-b')
    // b dies without stopping: c takes the job once b's lease (at least a minute) has run out.
    const c = startScheduler(db, { holder: 'instance-c', timers: false, jobNames: ['notify-test-job'] })
    expect(await c.tick(new Date(now.getTime() + 30_000))).toEqual([])
    expect(await c.tick(new Date(now.getTime() + 2_000 + 60_000))).toEqual(['notify-test-job'])
    expect(runs).toHaveLength(4)
    await c.stop()
  })

  it('runJobOnce runs the outbox delivery job by name; an unknown name is an error', async () => {
    expect(noticeSettings().maxAttempts).toBe(4)
    await expect(runJobOnce(db, OUTBOX_JOB, new Date('2026-12-02T05:00:00Z'))).resolves.toBeUndefined()
    const { rows } = await sql<{ last_run_at: Date }>`SELECT last_run_at FROM job_lease WHERE name = ${OUTBOX_JOB}`.execute(db)
    expect(rows[0]!.last_run_at.toISOString()).toBe('2026-12-02T05:00:00.000Z')
    await expect(runJobOnce(db, 'no-such-job')).rejects.toThrow(/no job named/)
  })
})
