import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { loadDemoRosters } from '../../server/rosters/demo-rosters.js'

/**
 * Rosters (issue 11 item 2, docs/rosters.md) on the demo district: the demo's rosters as loaded,
 * the staff API with its checks (times, overlaps, parties, versions), all-or-nothing writes, the
 * scope of rosters.edit and of the reads, the requirements with their per-zone overrides, the six
 * departments' report and gaps, and the staff on the /r/ page and the signboard.
 */
describe('rosters', () => {
  let t: TestApp
  const bearer = (login: string) => ({ authorization: `Bearer jz-rosters-test-token-${login}-0000000` })
  const as = (login: string, options: { method: string; url: string; payload?: unknown }) =>
    t.app.inject({ ...options, headers: bearer(login) } as never)
  const zoneId = async (code: string) => (await t.handle.db.selectFrom('zone').select('id').where('code', '=', code).orderBy('id').executeTakeFirstOrThrow()).id
  const staffCount = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM zone_staff`.execute(t.handle.db)).rows[0]!.n)
  const demo = JSON.parse(readFileSync('data/demo/tianshui.geojson', 'utf8')) as { features: { properties: { kind: string; code: string; parent?: string } }[] }

  beforeAll(async () => {
    t = await createTestApp()
    for (const login of ['planner', 'planner.wulinmen', 'gridworker', 'viewer']) {
      await createApiToken(t.handle.db, (await accountIdByLogin(t.handle.db, login))!, bearer(login).authorization.slice(7), 'rosters test')
    }
  })
  afterAll(async () => t?.close())

  describe('the demo', () => {
    it("runs 环城北路's enforcement in Lanzhou's three shifts from 07:00 to 23:00", async () => {
      const response = await t.app.inject({ method: 'GET', url: `/api/zones/${await zoneId('330105003J01')}/staff` })
      expect(response.statusCode, response.body).toBe(200)
      const enforcement = response.json().filter((row: { department_kind: string }) => row.department_kind === 'enforcement')
      // 16 hours in three: 5 h 20 min each.
      expect(enforcement.map((row: { party: { name: string }; shift: object }) => [row.party.name, row.shift])).toEqual([
        ['叶晓东', { label: '早班', start: '07:00', end: '12:20' }],
        ['潘立军', { label: '中班', start: '12:20', end: '17:40' }],
        ['杜海燕', { label: '晚班', start: '17:40', end: '23:00' }],
      ])
    })

    it("puts every grid's 网格长 on it as its grid worker, the demo grid worker's party on 天水第1网格", async () => {
      const grids = demo.features.filter((f) => f.properties.kind === 'grid').map((f) => f.properties.code)
      const { rows } = await sql<{ code: string; n: number }>`
        SELECT z.code, count(*)::int AS n FROM zone_staff s JOIN zone z ON z.id = s.zone_id WHERE s.role = 'grid_worker' AND z.kind = 'grid' GROUP BY z.code`.execute(t.handle.db)
      expect(rows.map((row) => row.code).sort()).toEqual(grids.sort())
      const account = await t.handle.db.selectFrom('account').select('party_id').where('login', '=', 'gridworker').executeTakeFirstOrThrow()
      const own = (await t.app.inject({ method: 'GET', url: `/api/zones/${await zoneId('33010500300201')}/staff` })).json()
      expect(own.map((row: { party: { id: number }; role: string }) => [row.party.id, row.role])).toEqual([[account.party_id, 'grid_worker']])
    })

    it('loads again without adding anything', async () => {
      const before = await staffCount()
      expect(await loadDemoRosters(t.handle.db)).toEqual({ staff: 0, requirements: 0 })
      expect(await staffCount()).toBe(before)
    })

    it('reports 中河北路 with five of the six departments, 食药 missing, and lists it among the gaps', async () => {
      const response = await t.app.inject({ method: 'GET', url: `/api/zones/${await zoneId('330105003J02')}/six-staff` })
      expect(response.statusCode, response.body).toBe(200)
      const report = response.json()
      expect(report.staffed).toEqual(['sanitation', 'enforcement', 'traffic', 'market', 'grid'])
      expect(report.missing).toEqual(['food_drug'])
      expect(report.complete).toBe(false)
      expect(report.kinds.find((k: { kind: string }) => k.kind === 'traffic').staff[0]).toMatchObject({ name: '钟伟', shift: '早晚高峰 07:00–19:00' })

      const gaps = (await t.app.inject({ method: 'GET', url: '/api/rosters/gaps' })).json()
      const streets = demo.features.filter((f) => f.properties.kind === 'street')
      // No demo street has all six, so every street is a gap.
      expect(gaps.streets).toBe(streets.length)
      expect(gaps.gaps).toHaveLength(streets.length)
      expect(gaps.gaps.find((g: { zone: { code: string } }) => g.zone.code === '330105003J02').missing).toEqual(['food_drug'])
      expect(gaps.gaps.find((g: { zone: { code: string } }) => g.zone.code === '330105003J01').staffed).toEqual(['enforcement'])
    })

    it('refuses the six-staff report of a zone that is not a street', async () => {
      const response = await t.app.inject({ method: 'GET', url: `/api/zones/${await zoneId('33010500300101')}/six-staff` })
      expect(response.statusCode).toBe(422)
      expect(response.json().error.code).toBe('unsupported_kind')
    })
  })

  describe('writing staff', () => {
    let grid: number
    let person: number
    beforeAll(async () => {
      grid = await zoneId('33010500300102')
      person = (await sql<{ id: number }>`INSERT INTO party (type, name, phone) VALUES ('chief', '排班测试员', '139-0000-0901') RETURNING id`.execute(t.handle.db)).rows[0]!.id
    })

    it('adds, changes at the version read, and removes a shift; a stale version is 409 and changes nothing', async () => {
      const created = await as('planner', {
        method: 'POST', url: `/api/zones/${grid}/staff`,
        payload: { party_id: person, role: 'grid_worker', shift: { label: '早班', start: '07:00', end: '12:00' }, duties: '巡查', standards: '每日一遍', shown_publicly: true, valid_from: '2025-01-01' },
      })
      expect(created.statusCode, created.body).toBe(201)
      const row = created.json()
      expect(row).toMatchObject({ zone_id: grid, role: 'grid_worker', shift: { label: '早班', start: '07:00', end: '12:00' }, valid_from: '2025-01-01', valid_to: null, current: true, version: 1 })
      expect(row.party).toMatchObject({ id: person, name: '排班测试员' })

      const changed = await as('planner', { method: 'PUT', url: `/api/zone-staff/${row.id}`, payload: { version: 1, party_id: person, role: 'grid_worker', shift: { label: '早班', start: '07:00', end: '11:30' }, valid_from: '2025-01-01' } })
      expect(changed.statusCode, changed.body).toBe(200)
      expect(changed.json()).toMatchObject({ version: 2, shift: { start: '07:00', end: '11:30' }, shown_publicly: false })

      const stale = await as('planner', { method: 'PUT', url: `/api/zone-staff/${row.id}`, payload: { version: 1, party_id: person, role: 'other', valid_from: '2025-01-01' } })
      expect(stale.statusCode).toBe(409)
      expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current_version: 2 } })
      expect((await sql<{ role: string }>`SELECT role FROM zone_staff WHERE id = ${row.id}`.execute(t.handle.db)).rows[0]!.role).toBe('grid_worker')

      expect((await as('planner', { method: 'DELETE', url: `/api/zone-staff/${row.id}?version=1` })).statusCode).toBe(409)
      expect((await as('planner', { method: 'DELETE', url: `/api/zone-staff/${row.id}?version=2` })).statusCode).toBe(204)
      expect((await sql`SELECT id FROM zone_staff WHERE id = ${row.id}`.execute(t.handle.db)).rows).toHaveLength(0)
      expect((await as('planner', { method: 'DELETE', url: `/api/zone-staff/${row.id}?version=2` })).statusCode).toBe(404)
    })

    it('refuses bad input naming the field, and writes nothing', async () => {
      const before = await staffCount()
      const post = (payload: object) => as('planner', { method: 'POST', url: `/api/zones/${grid}/staff`, payload })
      const cases: [object, number, string, string][] = [
        [{ party_id: person, role: 'grid_worker', shift: { start: '7:00', end: '12:00' } }, 400, 'invalid_time', 'shift.start'],
        [{ party_id: person, role: 'grid_worker', shift: { start: '07:00', end: '25:00' } }, 400, 'invalid_time', 'shift.end'],
        [{ party_id: person, role: 'grid_worker', shift: { start: '22:00', end: '06:00' } }, 422, 'invalid_interval', 'shift.end'],
        [{ party_id: person, role: 'grid_worker', valid_from: '2025-02-30' }, 400, 'invalid_time', 'valid_from'],
        [{ party_id: person, role: 'grid_worker', valid_from: '2025-03-01', valid_to: '2025-02-01' }, 422, 'invalid_interval', 'valid_to'],
        [{ party_id: 99999999, role: 'grid_worker' }, 422, 'unknown_party', 'party_id'],
        [{ role: 'grid_worker' }, 400, 'invalid_party', 'party_id'],
        [{ party_id: person, role: 'janitor' }, 400, 'invalid_request', 'role'],
        [{ party_id: person, role: 'department', department_kind: 'police' }, 400, 'invalid_request', 'department_kind'],
      ]
      for (const [payload, status, code, field] of cases) {
        const response = await post(payload)
        const error = response.json().error
        expect({ payload, status: response.statusCode, code: error.code }).toEqual({ payload, status, code })
        expect(JSON.stringify(error.details ?? error.message)).toContain(field)
      }
      expect(await staffCount()).toBe(before)
    })

    it("refuses a shift overlapping the same person's shift on the same zone, but not a touching one or another person's", async () => {
      const post = (payload: object) => as('planner', { method: 'POST', url: `/api/zones/${grid}/staff`, payload: { role: 'grid_worker', valid_from: '2025-06-01', ...payload } })
      const first = await post({ party_id: person, shift: { start: '08:00', end: '12:00' } })
      expect(first.statusCode, first.body).toBe(201)
      const before = await staffCount()
      const overlap = await post({ party_id: person, shift: { start: '11:00', end: '14:00' } })
      expect(overlap.statusCode).toBe(422)
      expect(overlap.json().error).toMatchObject({ code: 'invalid_interval', details: [{ field: 'shift' }] })
      expect(overlap.json().error.message).toContain(`staff ${first.json().id}`)
      expect(await staffCount()).toBe(before)
      // Validity that does not meet: no overlap, even at the same hours.
      expect((await post({ party_id: person, valid_from: '2024-01-01', valid_to: '2024-12-31', shift: { start: '09:00', end: '10:00' } })).statusCode).toBe(201)
      expect((await post({ party_id: person, shift: { start: '12:00', end: '14:00' } })).statusCode).toBe(201)
      expect((await post({ party: { name: '另一位网格员', phone: '13900000902' }, shift: { start: '09:00', end: '10:00' } })).statusCode).toBe(201)
    })

    it('cuts a day into shifts for several people at once, and writes none when one of them is refused', async () => {
      const street = await zoneId('330105003J05')
      const people = [{ name: '甲班员', phone: '139-0000-0911' }, { name: '乙班员', phone: '139-0000-0912' }, { name: '丙班员', phone: '139-0000-0913' }]
      const body = { start: '07:00', end: '23:00', count: 3, role: 'department', department_kind: 'enforcement', shown_publicly: true }
      const before = await staffCount()
      const refused = await as('planner', { method: 'POST', url: `/api/zones/${street}/staff/shifts`, payload: { ...body, staff: [{ party: people[0] }, { party_id: 99999999 }, { party: people[2] }] } })
      expect(refused.statusCode).toBe(422)
      expect(refused.json().error.details[0].field).toBe('staff[1].party_id')
      expect(await staffCount()).toBe(before)
      expect((await sql`SELECT id FROM party WHERE name = '甲班员'`.execute(t.handle.db)).rows).toHaveLength(0)

      const wrongCount = await as('planner', { method: 'POST', url: `/api/zones/${street}/staff/shifts`, payload: { ...body, staff: [{ party: people[0] }] } })
      expect(wrongCount.statusCode).toBe(400)
      expect(wrongCount.json().error.details[0].field).toBe('staff')

      const made = await as('planner', { method: 'POST', url: `/api/zones/${street}/staff/shifts`, payload: { ...body, staff: people.map((party) => ({ party })) } })
      expect(made.statusCode, made.body).toBe(201)
      expect(made.json().map((row: { shift: { start: string; end: string } }) => `${row.shift.start}-${row.shift.end}`)).toEqual(['07:00-12:20', '12:20-17:40', '17:40-23:00'])
      expect(await staffCount()).toBe(before + 3)
    })
  })

  describe('scope', () => {
    it('lets the 武林门社区 planner roster its own grids only, and no one without rosters.edit', async () => {
      const own = await zoneId('33010500300101')
      const other = await zoneId('33010500300201')
      const payload = { party: { name: '武林门值守员', phone: '13900000921' }, role: 'volunteer', shift: { start: '09:00', end: '11:00' } }
      expect((await as('planner.wulinmen', { method: 'POST', url: `/api/zones/${own}/staff`, payload })).statusCode).toBe(201)
      const before = await staffCount()
      const outside = await as('planner.wulinmen', { method: 'POST', url: `/api/zones/${other}/staff`, payload })
      expect(outside.statusCode).toBe(403)
      expect(outside.json().error.code).toBe('out_of_scope')
      expect(outside.json().error.message).toContain('33010500300201')
      const street = await zoneId('330105003J01')
      const someone = (await t.app.inject({ method: 'GET', url: `/api/zones/${street}/staff` })).json()[0]
      const change = await as('planner.wulinmen', { method: 'PUT', url: `/api/zone-staff/${someone.id}`, payload: { version: someone.version, party_id: someone.party.id, role: 'other' } })
      expect(change.statusCode).toBe(403)
      expect((await as('planner.wulinmen', { method: 'DELETE', url: `/api/zone-staff/${someone.id}?version=${someone.version}` })).statusCode).toBe(403)
      const worker = await as('gridworker', { method: 'POST', url: `/api/zones/${other}/staff`, payload })
      expect(worker.statusCode).toBe(403)
      expect(worker.json().error.code).toBe('forbidden')
      expect(await staffCount()).toBe(before)
    })

    it('reads staff, six-staff and gaps within the scope of zones.read', async () => {
      const other = await zoneId('33010500300201')
      expect((await as('planner.wulinmen', { method: 'GET', url: `/api/zones/${other}/staff` })).statusCode).toBe(403)
      expect((await as('planner.wulinmen', { method: 'GET', url: `/api/zones/${await zoneId('33010500300101')}/staff` })).statusCode).toBe(200)
      expect((await as('viewer', { method: 'GET', url: `/api/zones/${other}/staff` })).statusCode).toBe(200)
      expect((await as('planner.wulinmen', { method: 'GET', url: `/api/zones/${await zoneId('330105003J02')}/six-staff` })).statusCode).toBe(403)
      // The streets lie under 天水街道, outside the community: none of them is the community planner's.
      const gaps = (await as('planner.wulinmen', { method: 'GET', url: '/api/rosters/gaps' })).json()
      expect(gaps).toMatchObject({ streets: 0, gaps: [] })
      expect((await as('planner', { method: 'GET', url: '/api/rosters/gaps?within=330105003' })).json().streets).toBe(
        demo.features.filter((f) => f.properties.kind === 'street' && f.properties.parent === '330105003').length,
      )
      expect((await t.app.inject({ method: 'GET', url: '/api/zones/999999/staff' })).statusCode).toBe(404)
    })
  })

  describe('patrol requirements', () => {
    it("shows each role's effective frequency and whether it is the kind's or the zone's own", async () => {
      const street = await zoneId('330105003J01')
      const response = await t.app.inject({ method: 'GET', url: `/api/patrol-requirements?zone_id=${street}` })
      expect(response.statusCode, response.body).toBe(200)
      const effective = response.json().effective
      // sql/015: street chief 1/week, leader 4/month; the demo: street department and grid worker 1/day, 环城北路's chief 2/week.
      expect(effective.map((e: { role: string; times: number; per: string; source: string }) => [e.role, e.times, e.per, e.source])).toEqual([
        ['chief', 2, 'week', 'zone'],
        ['grid_worker', 1, 'day', 'kind'],
        ['leader', 4, 'month', 'kind'],
        ['department', 1, 'day', 'kind'],
      ])
    })

    it("sets a zone's override within scope, a kind's only with scope all, at the version read", async () => {
      const grid = await zoneId('33010500300103')
      const first = await as('planner.wulinmen', { method: 'PUT', url: '/api/patrol-requirements', payload: { zone_id: grid, role: 'grid_worker', times: 2, per: 'day' } })
      expect(first.statusCode, first.body).toBe(201)
      const again = await as('planner.wulinmen', { method: 'PUT', url: '/api/patrol-requirements', payload: { zone_id: grid, role: 'grid_worker', times: 3, per: 'day' } })
      expect(again.statusCode).toBe(409)
      const changed = await as('planner.wulinmen', { method: 'PUT', url: '/api/patrol-requirements', payload: { zone_id: grid, role: 'grid_worker', times: 3, per: 'day', version: 1 } })
      expect(changed.json()).toMatchObject({ times: 3, version: 2, zone: { id: grid } })
      const effective = (await t.app.inject({ method: 'GET', url: `/api/patrol-requirements?zone_id=${grid}` })).json().effective
      expect(effective.find((e: { role: string }) => e.role === 'grid_worker')).toMatchObject({ times: 3, source: 'zone' })

      const kind = await as('planner', { method: 'PUT', url: '/api/patrol-requirements', payload: { zone_kind: 'grid', role: 'grid_worker', times: 2, per: 'day', version: 1 } })
      expect(kind.statusCode).toBe(403)
      expect(kind.json().error.code).toBe('out_of_scope')
      const outside = await as('planner.wulinmen', { method: 'PUT', url: '/api/patrol-requirements', payload: { zone_id: await zoneId('33010500300201'), role: 'grid_worker', times: 2, per: 'day' } })
      expect(outside.statusCode).toBe(403)
      const both = await t.app.inject({ method: 'PUT', url: '/api/patrol-requirements', payload: { zone_kind: 'grid', zone_id: grid, role: 'grid_worker', times: 2, per: 'day' } })
      expect(both.statusCode).toBe(400)
      expect(both.json().error.details[0].field).toBe('zone_id')
      expect((await t.app.inject({ method: 'PUT', url: '/api/patrol-requirements', payload: { zone_kind: 'road', role: 'chief', times: 1, per: 'day' } })).json().error.code).toBe('unknown_kind')

      const removed = await as('planner.wulinmen', { method: 'DELETE', url: `/api/patrol-requirements/${first.json().id}?version=2` })
      expect(removed.statusCode).toBe(204)
      const back = (await t.app.inject({ method: 'GET', url: `/api/patrol-requirements?zone_id=${grid}` })).json().effective
      expect(back.find((e: { role: string }) => e.role === 'grid_worker')).toMatchObject({ times: 1, per: 'day', source: 'kind' })
    })
  })

  describe('the public page and the signboard', () => {
    let street: number
    beforeAll(async () => {
      street = await zoneId('330105003J07')
      const hostile = await t.app.inject({
        method: 'POST', url: `/api/zones/${street}/staff`,
        payload: { party: { name: '<script>alert(1)</script>王', phone: '13900000931' }, role: 'department', department_kind: 'sanitation', shift: { label: '早<b>班', start: '06:00', end: '14:00' }, shown_publicly: true },
      })
      expect(hostile.statusCode, hostile.body).toBe(201)
      const hidden = await t.app.inject({ method: 'POST', url: `/api/zones/${street}/staff`, payload: { party: { name: '不公示员', phone: '13900000932' }, role: 'other', shown_publicly: false } })
      expect(hidden.statusCode).toBe(201)
      const secret = await t.app.inject({ method: 'POST', url: `/api/zones/${street}/staff`, payload: { party: { name: '私密电话员', phone: '13900000933' }, role: 'department', department_kind: 'traffic', shown_publicly: true } })
      await sql`UPDATE party SET phone_private = true WHERE id = ${secret.json().party.id}`.execute(t.handle.db)
    })

    it('lists the shown staff on /r/ with role, kind and shift, escaped, private phones masked, the others not at all', async () => {
      const page = await t.app.inject({ method: 'GET', url: '/r/330105003J01', headers: { authorization: undefined } })
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('值守人员')
      for (const text of ['叶晓东', '城管执法队员 · 早班 07:00–12:20', '杜海燕', '139-0000-0103']) expect(page.body).toContain(text)
      // The leader on 环城北路 is not shown publicly.
      expect(page.body).not.toContain('包联领导')

      const other = (await t.app.inject({ method: 'GET', url: '/r/330105003J07', headers: { authorization: undefined } })).body
      expect(other).toContain('&lt;script&gt;alert(1)&lt;/script&gt;王')
      expect(other).toContain('环卫保洁员 · 早&lt;b&gt;班 06:00–14:00')
      expect(other).not.toContain('<script>alert')
      expect(other).not.toContain('不公示员')
      expect(other).toContain('私密电话员')
      expect(other).not.toContain('13900000933')
      expect(other).not.toContain('139-0000-0933')
    })

    it('prints the staff on the signboard only where the city switched it on', async () => {
      const svg = async () => (await t.app.inject({ method: 'GET', url: '/api/signboards/330105003J07.svg' })).body
      const off = await svg()
      expect(off).not.toContain('值守人员')
      expect(off).not.toContain('alert(1)')

      const subdistrict = await zoneId('330105003')
      const on = await as('planner', { method: 'PUT', url: '/api/rosters/signboard-settings', payload: { jurisdiction_id: subdistrict, zone_kind: 'street', shown: true } })
      expect(on.statusCode, on.body).toBe(201)
      const printed = await svg()
      expect(printed).toContain('>值守人员</text>')
      // The name is shortened to the panel's width, escaped as text.
      expect(printed).toMatch(/>&lt;script&gt;alert\(1\)[^<]*<\/text>/)
      expect(printed).not.toContain('<script>')
      expect(printed).not.toContain('不公示员')
      expect(printed).not.toContain('13900000933')
      expect(printed).not.toContain('139-0000-0933')

      // The district's switch for every kind is less specific than the sub-district's for streets.
      const district = await zoneId('330105')
      expect((await t.app.inject({ method: 'PUT', url: '/api/rosters/signboard-settings', payload: { jurisdiction_id: district, shown: false } })).statusCode).toBe(201)
      expect(await svg()).toContain('>值守人员</text>')
      const settings = (await t.app.inject({ method: 'GET', url: '/api/rosters/signboard-settings' })).json()
      const mine = settings.find((s: { jurisdiction: { id: number } | null }) => s.jurisdiction?.id === subdistrict)
      const offAgain = await as('planner', { method: 'PUT', url: '/api/rosters/signboard-settings', payload: { jurisdiction_id: subdistrict, zone_kind: 'street', shown: false, version: mine.version } })
      expect(offAgain.statusCode, offAgain.body).toBe(200)
      expect(await svg()).not.toContain('值守人员')

      const refused = await as('planner.wulinmen', { method: 'PUT', url: '/api/rosters/signboard-settings', payload: { jurisdiction_id: subdistrict, shown: true } })
      expect(refused.statusCode).toBe(403)
      const notJurisdiction = await t.app.inject({ method: 'PUT', url: '/api/rosters/signboard-settings', payload: { jurisdiction_id: street, shown: true } })
      expect(notJurisdiction.statusCode).toBe(422)
      expect(notJurisdiction.json().error.details[0].field).toBe('jurisdiction_id')
    })
  })
})
