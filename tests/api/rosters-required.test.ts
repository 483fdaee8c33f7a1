import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { requiredPatrols } from '../../server/assessment/required.js'

/**
 * The patrols the demo's rosters owe (server/assessment/required.ts; docs/rosters.md,
 * docs/assessment.md): each holder of a role with a requirement owes round(times × units).
 * Expected values are worked out by hand from data/demo/rosters.json and sql/015's defaults, in
 * the comments; tests/api/assessment-required.test.ts checks the same function on rosters built
 * by hand.
 */
describe('patrols owed by the rosters', () => {
  let t: TestApp
  const china = (text: string) => new Date(`${text}T00:00:00+08:00`)
  const december = { from: china('2026-12-01'), to: china('2027-01-01') }
  const zoneId = async (code: string) => (await t.handle.db.selectFrom('zone').select('id').where('code', '=', code).orderBy('id').executeTakeFirstOrThrow()).id
  const partyNamed = async (name: string) => (await sql<{ id: number }>`SELECT id FROM party WHERE name = ${name} ORDER BY id LIMIT 1`.execute(t.handle.db)).rows[0]!.id

  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => t?.close())

  it("owes, in December, each role's frequency times the month for every holder of the demo's streets and grids", async () => {
    const owed = await requiredPatrols(t.handle.db, december)
    const of = async (code: string, role: string) => {
      const zone = await zoneId(code)
      return owed.filter((row) => row.zone_id === zone && row.role === role).map((row) => [row.party_id, row.required])
    }
    const gridWorker = (await t.handle.db.selectFrom('account').select('party_id').where('login', '=', 'gridworker').executeTakeFirstOrThrow()).party_id
    // The grid worker: 1 a day × 31 days; the grid's chief (the same party): 1 a week × 31/7 = 4.43 → 4.
    expect(await of('33010500300201', 'grid_worker')).toEqual([[gridWorker, 31]])
    expect(await of('33010500300201', 'chief')).toEqual([[gridWorker, 4]])
    // 环城北路: its own override for the chief, 2 a week × 31/7 = 8.86 → 9 (the former chief, ended in 2024, owes nothing);
    // three enforcement officers at 1 a day; the leader 4 a month.
    expect(await of('330105003J01', 'chief')).toEqual([[await partyNamed('郑示例'), 9]])
    expect((await of('330105003J01', 'department')).map((row) => row[1])).toEqual([31, 31, 31])
    expect(await of('330105003J01', 'leader')).toEqual([[await partyNamed('张示例'), 4]])
    // 中河北路: four department staff and a grid worker at 1 a day, its chief at the kind's 1 a week → 4.
    expect((await of('330105003J02', 'department')).map((row) => row[1])).toEqual([31, 31, 31, 31])
    expect(await of('330105003J02', 'grid_worker')).toEqual([[await partyNamed('田雨'), 31]])
    expect(await of('330105003J02', 'chief')).toEqual([[await partyNamed('韩示例'), 4]])
    // A zone kind without any requirement (communities) owes nothing.
    const communities = new Set((await t.handle.db.selectFrom('zone').select('id').where('kind', '=', 'community').execute()).map((row) => row.id))
    expect(owed.some((row) => communities.has(row.zone_id))).toBe(false)
  })

  it('counts a staff row only on the days it is valid, and rounds a part of a month', async () => {
    const street = await zoneId('330105003J03')
    const party = (await sql<{ id: number }>`INSERT INTO party (type, name, phone) VALUES ('chief', '短期下沉员', '139-0000-0941') RETURNING id`.execute(t.handle.db)).rows[0]!.id
    await sql`INSERT INTO zone_staff (zone_id, party_id, role, department_kind, valid_from, valid_to)
              VALUES (${street}, ${party}, 'department', 'market', '2026-12-10', '2026-12-12')`.execute(t.handle.db)
    const within = (from: Date, to: Date) => requiredPatrols(t.handle.db, { from, to, zoneIds: [street] })
    // Valid 10–12 Dec: within December's first half it owes its 3 days (1 a day × 3), in the second nothing.
    expect((await within(china('2026-12-01'), china('2026-12-16'))).filter((row) => row.party_id === party).map((row) => row.required)).toEqual([3])
    expect((await within(china('2026-12-13'), china('2027-01-01'))).filter((row) => row.party_id === party)).toEqual([])
    // The street's leader requirement, 4 a month, over 1–16 Dec (15/31 of it): 1.94 → 2; no leader on 体育场路, so no row.
    expect((await within(china('2026-12-01'), china('2026-12-16'))).some((row) => row.role === 'leader')).toBe(false)
    const leader = (await sql<{ id: number }>`INSERT INTO party (type, name, phone) VALUES ('chief', '半月领导', '139-0000-0942') RETURNING id`.execute(t.handle.db)).rows[0]!.id
    await sql`INSERT INTO zone_staff (zone_id, party_id, role, valid_from) VALUES (${street}, ${leader}, 'leader', '2026-01-01')`.execute(t.handle.db)
    expect((await within(china('2026-12-01'), china('2026-12-16'))).filter((row) => row.role === 'leader').map((row) => row.required)).toEqual([2])
  })
})
