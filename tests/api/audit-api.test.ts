import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAudit } from '../../server/audit/audit.repository.js'
import { auditRetentionDays, purgeAudit } from '../../server/audit/audit-purge.js'
import { ConfigError } from '../../server/config.js'
import type { Db } from '../../server/db/database.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { tokenFor } from './audit.fixture.js'

interface Event {
  id: number
  at: string
  login: string | null
  action: string
  object_id: string | null
  comment: string | null
  outcome: string
}
type Page = { events: Event[]; next_before: number | null }

/** Rows written straight into the table at a given time (INSERT is what the trail allows). */
async function insertAt(db: Db, at: string, values: { login: string; action: string; objectId?: string; comment?: string }): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      at: new Date(at), login: values.login, action: values.action, outcome: 'ok', object_type: 'zone',
      object_id: values.objectId ?? null, comment: values.comment ?? null, account_id: null, via: null, address: null,
      user_agent: null, object_code: null, before: null, after: null, status: 200, method: 'PATCH', path: null, route: null,
    })
    .execute()
}

describe('the audit API', () => {
  let t: TestApp
  let db: Db
  const auth: Record<string, { authorization: string }> = {}

  beforeAll(async () => {
    t = await createTestApp()
    db = t.handle.db
    for (const login of ['auditor', 'sysadmin', 'security', 'planner']) auth[login] = { authorization: `Bearer ${await tokenFor(db, login)}` }
    // Twelve events of one test login, two hours apart from 2030-06-01T00:00+08:00 (in the future, so no purge in this file touches them).
    for (let i = 0; i < 12; i++) {
      const at = new Date(Date.parse('2030-06-01T00:00:00+08:00') + i * 2 * 3600_000).toISOString()
      await insertAt(db, at, { login: 'filter.test', action: i % 3 === 0 ? 'party.update' : 'zone.update', objectId: String(100 + (i % 2)), comment: `第${i}次` })
    }
  })
  afterAll(async () => t?.close())

  it('lets the audit administrator read; the system administrator, the security administrator and a planner get 403', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/audit', headers: auth.auditor })).statusCode).toBe(200)
    for (const login of ['sysadmin', 'security', 'planner']) {
      for (const url of ['/api/audit', '/api/audit/export']) {
        const response = await t.app.inject({ method: 'GET', url, headers: auth[login] })
        expect(response.statusCode, `${login} ${url}`).toBe(403)
        expect(response.json()).toMatchObject({ error: { code: 'forbidden', details: { permission: url.endsWith('export') ? 'audit.export' : 'audit.read' } } })
      }
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/audit', headers: { authorization: undefined } })).statusCode).toBe(401)
  })

  it('filters by login, action (exact or a prefix ending in a dot), object and time', async () => {
    const get = async (query: string) => {
      const response = await t.app.inject({ method: 'GET', url: `/api/audit?login=filter.test&${query}`, headers: auth.auditor })
      expect(response.statusCode, response.body).toBe(200)
      return (response.json() as Page).events
    }
    expect(await get('')).toHaveLength(12)
    // i = 0, 3, 6, 9 are party.update; the other 8 zone.update.
    expect(await get('action=party.update')).toHaveLength(4)
    expect(await get('action=zone.')).toHaveLength(8)
    expect(await get('action=zone')).toHaveLength(0)
    // Odd i has object 101: 6 of them.
    expect(await get('object_type=zone&object_id=101')).toHaveLength(6)
    // From 04:00 (i = 2) to before 10:00 (i = 5), China Standard Time without an offset: i = 2, 3, 4.
    const window = await get('from=2030-06-01T04:00&to=2030-06-01T10:00')
    expect(window.map((event) => event.comment)).toEqual(['第4次', '第3次', '第2次'])
    // The same window in UTC.
    expect(await get('from=2030-05-31T20:00:00Z&to=2030-06-01T02:00:00Z')).toHaveLength(3)
  })

  it('pages newest first by keyset: before=next_before until next_before is null, each event once', async () => {
    const seen: number[] = []
    let url = '/api/audit?login=filter.test&limit=5'
    for (let pages = 0; pages < 10; pages++) {
      const page = (await t.app.inject({ method: 'GET', url, headers: auth.auditor })).json() as Page
      seen.push(...page.events.map((event) => event.id))
      if (page.next_before === null) break
      url = `/api/audit?login=filter.test&limit=5&before=${page.next_before}`
    }
    expect(seen).toHaveLength(12)
    expect(new Set(seen).size).toBe(12)
    expect([...seen].sort((a, b) => b - a)).toEqual(seen)
  })

  it('refuses bad filters with a 400 naming the field', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/api/audit?from=yesterday', headers: auth.auditor })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_time', details: [{ field: 'from' }] } })
    const toBad = await t.app.inject({ method: 'GET', url: '/api/audit?to=2026-02-30', headers: auth.auditor })
    expect(toBad.json()).toMatchObject({ error: { code: 'invalid_time', details: [{ field: 'to' }] } })
    for (const query of ['limit=1001', 'limit=0', 'before=abc', 'action=Zone;drop']) {
      const response = await t.app.inject({ method: 'GET', url: `/api/audit?${query}`, headers: auth.auditor })
      expect(response.statusCode, query).toBe(400)
      expect(response.json().error.code, query).toBe('invalid_request')
    }
    const format = await t.app.inject({ method: 'GET', url: '/api/audit/export?format=xlsx', headers: auth.auditor })
    expect(format.statusCode).toBe(400)
  })

  it('exports CSV with a UTF-8 BOM, quoted fields and formula-looking text defused; the export is itself recorded', async () => {
    await insertAt(db, '2030-07-01T09:00:00+08:00', { login: 'csv.test', action: 'zone.update', comment: '调整, 含"引号"\n第二行' })
    await insertAt(db, '2030-07-01T10:00:00+08:00', { login: 'csv.test', action: 'zone.update', comment: '=HYPERLINK("x")' })
    const response = await t.app.inject({ method: 'GET', url: '/api/audit/export?login=csv.test&format=csv', headers: auth.auditor })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/)
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="jiezhang-audit-.*\.csv"$/)
    const bytes = response.rawPayload
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // the UTF-8 byte order mark
    const text = bytes.subarray(3).toString('utf8')
    const [header] = text.split('\r\n')
    expect(header!.split(',').slice(0, 7)).toEqual(['id', 'at', 'login', 'account_id', 'via', 'address', 'action'])
    // Newest first; RFC 4180 quoting doubles the quotes and keeps the line break inside the quotes.
    expect(text).toContain(`"'=HYPERLINK(""x"")"`)
    expect(text).toContain('"调整, 含""引号""\n第二行"')
    expect(text.indexOf('HYPERLINK')).toBeLessThan(text.indexOf('调整'))
    expect(text.trimEnd().split('\r\n')).toHaveLength(1 + 2 + 0) // header + two events (one holds a bare \n, not \r\n)

    const ndjson = await t.app.inject({ method: 'GET', url: '/api/audit/export?login=csv.test&format=ndjson', headers: auth.auditor })
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/)
    const lines = ndjson.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Event)
    expect(lines.map((event) => event.comment)).toEqual(['=HYPERLINK("x")', '调整, 含"引号"\n第二行'])

    const recorded = (await t.app.inject({ method: 'GET', url: '/api/audit?action=audit.export&login=auditor', headers: auth.auditor })).json() as Page
    expect(recorded.events.length).toBeGreaterThanOrEqual(2)
    expect(recorded.events[0]).toMatchObject({ action: 'audit.export', outcome: 'ok', login: 'auditor' })
  })

  it('keeps the trail append-only in SQL: no UPDATE, no DELETE or TRUNCATE of a row younger than 180 days', async () => {
    await appendAudit(db, { action: 'zone.update', outcome: 'ok', login: 'young.row' })
    await expect(sql`UPDATE audit_event SET login = 'forged' WHERE login = 'young.row'`.execute(db)).rejects.toThrow(/append-only/)
    await expect(sql`DELETE FROM audit_event WHERE login = 'young.row'`.execute(db)).rejects.toThrow(/at least 180 days/)
    await expect(sql`TRUNCATE audit_event`.execute(db)).rejects.toThrow(/append-only/)
    // 179 days old is still inside the legal minimum.
    await insertAt(db, new Date(Date.now() - 179 * 86_400_000).toISOString(), { login: 'days.179', action: 'zone.update' })
    await expect(sql`DELETE FROM audit_event WHERE login = 'days.179'`.execute(db)).rejects.toThrow(/at least 180 days/)
    const count = await db.selectFrom('audit_event').select(sql<number>`count(*)::int`.as('n')).where('login', 'in', ['young.row', 'days.179']).executeTakeFirstOrThrow()
    expect(count.n).toBe(2)
  })

  it('purges only what is older than the retention, and refuses a retention under 180 days', async () => {
    await insertAt(db, new Date(Date.now() - 200 * 86_400_000).toISOString(), { login: 'days.200', action: 'zone.update' })
    await insertAt(db, new Date(Date.now() - 400 * 86_400_000).toISOString(), { login: 'days.400', action: 'zone.update' })
    const left = async () =>
      (await db.selectFrom('audit_event').select('login').where('login', 'in', ['days.179', 'days.200', 'days.400']).orderBy('login').execute()).map((row) => row.login)
    expect(await purgeAudit(db, 365)).toBe(1)
    expect(await left()).toEqual(['days.179', 'days.200'])
    expect(await purgeAudit(db, 180)).toBe(1)
    expect(await left()).toEqual(['days.179'])
    await expect(purgeAudit(db, 90)).rejects.toThrow(/at least 180/)

    expect(auditRetentionDays({})).toBe(180)
    expect(auditRetentionDays({ AUDIT_RETENTION_DAYS: '365' })).toBe(365)
    for (const value of ['179', '0', '-1', '180.5', 'half a year']) {
      expect(() => auditRetentionDays({ AUDIT_RETENTION_DAYS: value }), value).toThrow(ConfigError)
    }
  })

  it('streams an export of more rows than one read (1,000) in full, each event once', async () => {
    await sql`INSERT INTO audit_event (login, action, outcome, object_id) SELECT 'stream.test', 'zone.update', 'ok', n::text FROM generate_series(1, 2500) AS n`.execute(db)
    const response = await t.app.inject({ method: 'GET', url: '/api/audit/export?login=stream.test&format=ndjson', headers: auth.auditor })
    expect(response.statusCode).toBe(200)
    const ids = response.body.trimEnd().split('\n').map((line) => (JSON.parse(line) as Event).object_id)
    expect(ids).toHaveLength(2500)
    expect(new Set(ids).size).toBe(2500)
    expect(ids[0]).toBe('2500')
    expect(ids.at(-1)).toBe('1')
  })

  it('refuses an export of more than 100,000 events with a 400 too_large that says how many matched', async () => {
    await sql`INSERT INTO audit_event (login, action, outcome) SELECT 'bulk.test', 'zone.update', 'ok' FROM generate_series(1, 100001)`.execute(db)
    const over = await t.app.inject({ method: 'GET', url: '/api/audit/export?login=bulk.test', headers: auth.auditor })
    expect(over.statusCode).toBe(400)
    expect(over.json()).toMatchObject({ error: { code: 'too_large', message: expect.stringContaining('100001 events match') } })
  })
})
