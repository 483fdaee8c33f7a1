import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { seedHolidays } from '../../server/calendar/calendar.repository.js'

/**
 * The working calendar and the categories' time limits through HTTP (docs/cases-deadlines.md).
 * Expected instants are derived by hand from the periods 08:30–12:00 and 13:30–17:30 (Beijing
 * time) and the State Council's 2026 holiday notice (春节 2-15..2-23 off, Sat 2-14 worked).
 */
describe('working calendar, due times and category limits', () => {
  let t: TestApp
  let categories: Record<string, { id: number; version: number }>
  const json = (method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) })

  beforeAll(async () => {
    t = await createTestApp()
    const list = (await json('GET', '/api/categories')).json() as { id: number; name: string; version: number }[]
    categories = Object.fromEntries(list.map((c) => [c.name, { id: c.id, version: c.version }]))
  })
  afterAll(async () => t?.close())

  it('starts with the default calendar and no exception days; the holiday file loads once', async () => {
    const before = await json('GET', '/api/calendar?year=2026')
    expect(before.statusCode).toBe(200)
    expect(before.json()).toMatchObject({ time_zone: 'Asia/Shanghai', periods: [['08:30', '12:00'], ['13:30', '17:30']], warn_ratio: 0.75, version: 1, days: [] })

    expect(await seedHolidays(t.handle.db)).toContain(2026)
    expect(await seedHolidays(t.handle.db)).toEqual([])
    const days = (await json('GET', '/api/calendar?year=2026')).json().days as { day: string; working: boolean; note: string }[]
    // The notice: 元旦 3, 春节 9, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7 days off; 6 weekend days worked.
    expect(days.filter((d) => !d.working)).toHaveLength(33)
    expect(days.filter((d) => d.working).map((d) => d.day)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
    expect(days.find((d) => d.day === '2026-02-17')).toEqual({ day: '2026-02-17', working: false, note: '春节' })
    expect((await json('GET', '/api/calendar?year=2025')).json().days).toEqual([])
  })

  it('refuses a year out of range', async () => {
    for (const year of ['1999', '2101', 'abc']) {
      const response = await json('GET', `/api/calendar?year=${year}`)
      expect(response.statusCode, year).toBe(400)
      expect(response.json().error.code).toBe('invalid_request')
    }
  })

  it('lists the categories with their limits and conditions (the demo carries them)', async () => {
    const list = (await json('GET', '/api/categories')).json() as Record<string, unknown>[]
    const garbage = list.find((c) => c.name === '垃圾暴露')
    expect(garbage).toMatchObject({ code: 'garbage-exposed', limit: { value: 4, unit: 'working_hours' }, public: true, version: 1 })
    expect(String(garbage!.filing_condition)).toContain('垃圾')
    expect(list.find((c) => c.name === '违法停车')).toMatchObject({ limit: { value: 1, unit: 'working_hours' } })
    expect(list.find((c) => c.name === '路灯损坏')).toMatchObject({ limit: { value: 2, unit: 'working_days' } })
    expect(list.find((c) => c.name === '邻里纠纷')).toMatchObject({ limit: { value: 5, unit: 'working_days' } })
  })

  it('computes due times: Friday 16:00 + 4 working hours = Monday 11:00, warning Monday 10:00', async () => {
    const response = await json('GET', `/api/calendar/due?category_id=${categories['垃圾暴露']!.id}&from=2026-12-04T16:00:00%2B08:00`)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ limit: { value: 4, unit: 'working_hours' }, warn_at: '2026-12-07T02:00:00.000Z', due_at: '2026-12-07T03:00:00.000Z' })
    // A time without an offset is Beijing time.
    expect((await json('GET', `/api/calendar/due?category_id=${categories['垃圾暴露']!.id}&from=2026-12-04T16:00`)).json().due_at).toBe('2026-12-07T03:00:00.000Z')
  })

  it('counts a 调休 Saturday and skips the Spring Festival week', async () => {
    // Fri 2-13 16:00 + 4 h: 1.5 h Friday, 2.5 h on the worked Saturday 2-14 → 11:00 (03:00Z); warning after 3 h → 10:00.
    const garbage = (await json('GET', `/api/calendar/due?category_id=${categories['垃圾暴露']!.id}&from=2026-02-13T16:00:00%2B08:00`)).json()
    expect(garbage).toMatchObject({ warn_at: '2026-02-14T02:00:00.000Z', due_at: '2026-02-14T03:00:00.000Z' })
    // Fri 2-13 10:00 + 2 working days: Sat 2-14 (worked), then Tue 2-24 (2-15..2-23 off) → 10:00.
    const light = (await json('GET', `/api/calendar/due?category_id=${categories['路灯损坏']!.id}&from=2026-02-13T10:00:00%2B08:00`)).json()
    expect(light.due_at).toBe('2026-02-24T02:00:00.000Z')
    // 15 working hours × 0.75 = 11.25 h: Fri 10:00→17:30 is 6 h, Sat 2-14 08:30 + 5.25 h = 15:15.
    expect(light.warn_at).toBe('2026-02-14T07:15:00.000Z')
  })

  it('answers due times of a category without a limit as null, and refuses bad input', async () => {
    const target = categories['食品安全']!
    const cleared = await json('PATCH', `/api/categories/${target.id}`, { version: target.version, limit: null })
    expect(cleared.statusCode).toBe(200)
    expect(cleared.json()).toMatchObject({ limit: null, version: target.version + 1 })
    target.version++
    expect((await json('GET', `/api/calendar/due?category_id=${target.id}&from=2026-12-04T16:00`)).json()).toEqual({ limit: null, warn_at: null, due_at: null })

    const badTime = await json('GET', `/api/calendar/due?category_id=${target.id}&from=yesterday`)
    expect(badTime.statusCode).toBe(400)
    expect(badTime.json().error).toMatchObject({ code: 'invalid_time', details: [{ field: 'from' }] })
    const unknown = await json('GET', '/api/calendar/due?category_id=999999')
    expect(unknown.statusCode).toBe(404)
    expect((await json('GET', '/api/calendar/due')).statusCode).toBe(400)
  })

  it('PATCH /api/categories/:id validates the limit (unit enum, value 1..10000, both or neither) and the version', async () => {
    const target = categories['流动摊贩']!
    const cases: [unknown, string][] = [
      [{ value: 0, unit: 'working_hours' }, 'limit.value'],
      [{ value: 10001, unit: 'hours' }, 'limit.value'],
      [{ value: 3 }, 'limit.unit'],
      [{ unit: 'days' }, 'limit.value'],
      [{ value: 3, unit: 'weeks' }, 'limit.unit'],
    ]
    for (const [limit, field] of cases) {
      const response = await json('PATCH', `/api/categories/${target.id}`, { version: target.version, limit })
      expect(response.statusCode, JSON.stringify(limit)).toBe(400)
      expect(response.json().error.code).toBe('invalid_limit')
      expect(response.json().error.details.map((d: { field: string }) => d.field)).toContain(field)
    }
    const badCode = await json('PATCH', `/api/categories/${target.id}`, { version: target.version, code: 'has space' })
    expect(badCode.json().error).toMatchObject({ code: 'invalid_code', details: [{ field: 'code' }] })
    const taken = await json('PATCH', `/api/categories/${target.id}`, { version: target.version, code: 'garbage-exposed' })
    expect(taken.statusCode).toBe(409)
    const stale = await json('PATCH', `/api/categories/${target.id}`, { version: target.version + 5, limit: { value: 1, unit: 'days' } })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current_version: target.version } })
    // Nothing was written by the refused requests.
    expect((await json('GET', '/api/categories')).json().find((c: { id: number }) => c.id === target.id)).toMatchObject({
      version: target.version,
      limit: { value: 2, unit: 'working_hours' },
    })

    const good = await json('PATCH', `/api/categories/${target.id}`, {
      version: target.version,
      limit: { value: 3, unit: 'working_days' },
      closing_condition: '摊贩已劝离',
      public: false,
    })
    expect(good.statusCode).toBe(200)
    expect(good.json()).toMatchObject({ limit: { value: 3, unit: 'working_days' }, closing_condition: '摊贩已劝离', public: false, version: target.version + 1 })
    const audit = await sql<{ action: string; object_type: string }>`
      SELECT action, object_type FROM audit_event WHERE action = 'category.update' ORDER BY id DESC LIMIT 1`.execute(t.handle.db)
    expect(audit.rows[0]).toMatchObject({ action: 'category.update', object_type: 'category' })
  })

  it('PUT /api/calendar checks the periods and the version', async () => {
    const bad: [unknown, string][] = [
      [[['08:30', '12:00'], ['11:00', '17:30']], 'invalid_periods'],
      [[['13:30', '17:30'], ['08:30', '12:00']], 'invalid_periods'],
      [[['12:00', '08:30']], 'invalid_periods'],
      [[['8:30', '12:00']], 'invalid_request'],
      [[], 'invalid_request'],
    ]
    for (const [periods, code] of bad) {
      const response = await json('PUT', '/api/calendar', { version: 1, periods })
      expect(response.statusCode, JSON.stringify(periods)).toBe(400)
      expect(response.json().error.code).toBe(code)
    }
    expect((await json('PUT', '/api/calendar', { version: 1, warn_ratio: 1 })).statusCode).toBe(400)
    const stale = await json('PUT', '/api/calendar', { version: 7, warn_ratio: 0.5 })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current_version: 1 } })

    const good = await json('PUT', '/api/calendar', { version: 1, periods: [['09:00', '12:00'], ['13:00', '18:00']], warn_ratio: 0.5 })
    expect(good.statusCode).toBe(200)
    expect(good.json()).toMatchObject({ periods: [['09:00', '12:00'], ['13:00', '18:00']], warn_ratio: 0.5, version: 2 })
    // Fri 2026-12-04 16:00 + 4 h with 09:00–12:00, 13:00–18:00: 2 h Friday, Monday 09:00 + 2 h = 11:00; warning after 2 h = Friday 18:00.
    expect((await json('GET', `/api/calendar/due?category_id=${categories['垃圾暴露']!.id}&from=2026-12-04T16:00`)).json()).toMatchObject({
      warn_at: '2026-12-04T10:00:00.000Z',
      due_at: '2026-12-07T03:00:00.000Z',
    })
  })

  it('sets and removes exception days, bumping the version, and refuses days that do not exist', async () => {
    for (const day of ['2026-02-30', '1999-12-31', '2026-1-05', 'tomorrow']) {
      const response = await json('PUT', `/api/calendar/days/${day}`, { working: false })
      expect(response.statusCode, day).toBe(400)
      expect(response.json().error).toMatchObject({ code: 'invalid_day', details: [{ field: 'params.day' }] })
    }
    expect((await json('PUT', '/api/calendar/days/2026-12-07', { working: 'no' })).statusCode).toBe(400)

    // Monday 2026-12-07 off: Fri 16:00 + 4 h (periods 09:00–12:00, 13:00–18:00) ends Tuesday 11:00.
    const set = await json('PUT', '/api/calendar/days/2026-12-07', { working: false, note: ' 临时停工 ' })
    expect(set.statusCode).toBe(200)
    expect(set.json()).toEqual({ day: '2026-12-07', working: false, note: '临时停工' })
    expect((await json('GET', '/api/calendar')).json().version).toBe(3)
    expect((await json('GET', `/api/calendar/due?category_id=${categories['垃圾暴露']!.id}&from=2026-12-04T16:00`)).json().due_at).toBe('2026-12-08T03:00:00.000Z')
    // Saturday 2026-12-05 worked: 09:00 + 2 h = 11:00 that Saturday.
    expect((await json('PUT', '/api/calendar/days/2026-12-05', { working: true })).json()).toEqual({ day: '2026-12-05', working: true, note: null })
    expect((await json('GET', `/api/calendar/due?category_id=${categories['垃圾暴露']!.id}&from=2026-12-04T16:00`)).json().due_at).toBe('2026-12-05T03:00:00.000Z')

    const removed = await json('DELETE', '/api/calendar/days/2026-12-05')
    expect(removed.statusCode).toBe(200)
    expect(removed.json()).toEqual({ deleted: true, day: '2026-12-05' })
    expect((await json('DELETE', '/api/calendar/days/2026-12-05')).statusCode).toBe(404)
    const days = (await json('GET', '/api/calendar?year=2026')).json()
    expect(days.version).toBe(5)
    expect(days.days.filter((d: { day: string }) => d.day.startsWith('2026-12'))).toEqual([{ day: '2026-12-07', working: false, note: '临时停工' }])

    const audit = await sql<{ action: string; object_id: string | null }>`
      SELECT action, object_id FROM audit_event WHERE action LIKE 'calendar%' AND outcome = 'ok' ORDER BY id`.execute(t.handle.db)
    expect(audit.rows).toEqual([
      { action: 'calendar.update', object_id: null },
      { action: 'calendar_day.set', object_id: '2026-12-07' },
      { action: 'calendar_day.set', object_id: '2026-12-05' },
      { action: 'calendar_day.delete', object_id: '2026-12-05' },
    ])
    // The refused writes are in the trail too, as refused.
    const refused = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE action LIKE 'calendar%' AND outcome <> 'ok'`.execute(t.handle.db)
    expect(refused.rows[0]!.n).toBeGreaterThan(0)
  })

  it('refuses calendar writes to the dispatcher (no cases.configure) and lets the dispatcher read', async () => {
    const { createApiToken, accountIdByLogin } = await import('../../server/auth/accounts.js')
    const token = 'jz-calendar-test-dispatcher-token-01'
    await createApiToken(t.handle.db, (await accountIdByLogin(t.handle.db, 'dispatcher'))!, token, 'calendar test')
    const headers = { authorization: `Bearer ${token}` }
    expect((await t.app.inject({ method: 'GET', url: '/api/calendar', headers })).statusCode).toBe(200)
    const refused = await t.app.inject({ method: 'PUT', url: '/api/calendar/days/2026-12-08', headers, payload: { working: false } })
    expect(refused.statusCode).toBe(403)
  })
})
