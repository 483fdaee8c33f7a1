import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { requiredPatrols } from '../../server/assessment/required.js'

/**
 * requiredPatrols (server/assessment/required.ts) on rosters built by hand on two demo grids and
 * a street, each expected value derived by hand in its comment. Requirements shipped in sql/015:
 * grid workers 1 a day on grids, chiefs 1 a week on grids, leaders 4 a month on streets.
 */
const day = (text: string) => new Date(`${text}T00:00:00+08:00`)

describe('patrols required from rosters', () => {
  let t: TestApp
  let grid: { id: number; chief: number }
  let busyGrid: number
  let street: number
  const party: Record<'a' | 'b' | 'c' | 'leader', number> = { a: 0, b: 0, c: 0, leader: 0 }

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    const grids = (await sql<{ id: number; chief: number }>`
      SELECT z.id, a.party_id AS chief FROM zone z JOIN assignment a ON a.zone_id = z.id AND a.duty = 'chief' AND a.valid_to IS NULL
      WHERE z.kind = 'grid' ORDER BY z.code LIMIT 2`.execute(db)).rows
    grid = grids[0]!
    busyGrid = grids[1]!.id
    street = (await sql<{ id: number }>`SELECT id FROM zone WHERE kind = 'street' ORDER BY code LIMIT 1`.execute(db)).rows[0]!.id
    for (const key of Object.keys(party) as (keyof typeof party)[]) {
      party[key] = (await sql<{ id: number }>`INSERT INTO party (type, name, role) VALUES ('chief', ${`巡查测试${key}`}, '网格员') RETURNING id`.execute(db)).rows[0]!.id
    }
    const staff = (zoneId: number, partyId: number, role: string, from: string, to: string | null) =>
      sql`INSERT INTO zone_staff (zone_id, party_id, role, valid_from, valid_to) VALUES (${zoneId}, ${partyId}, ${role}, ${from}::date, ${to}::date)`.execute(db)
    await staff(grid.id, party.a, 'grid_worker', '2026-01-01', null)
    await staff(grid.id, party.b, 'grid_worker', '2026-11-16', '2026-11-30')
    await staff(busyGrid, party.c, 'grid_worker', '2026-11-01', null)
    await staff(grid.id, party.c, 'grid_worker', '2026-11-01', null)
    await staff(street, party.leader, 'leader', '2026-11-20', '2026-12-10')
    // The busy grid's own row overrides the grid kind's for grid workers: twice a day there.
    await sql`INSERT INTO patrol_requirement (zone_id, role, times, per) VALUES (${busyGrid}, 'grid_worker', 2, 'day')`.execute(db)
  })
  afterAll(async () => t?.close())

  const required = async (from: string, to: string, partyIds: number[]) =>
    (await requiredPatrols(t.handle.db, { from: day(from), to: day(to), partyIds })).map((row) => [row.zone_id, row.party_id, row.role, row.required])

  it('asks a grid worker valid all November for 30 patrols, and one valid from the 16th to the 30th for 15', async () => {
    expect(await required('2026-11-01', '2026-12-01', [party.a, party.b])).toEqual([
      [grid.id, party.a, 'grid_worker', 30],
      [grid.id, party.b, 'grid_worker', 15],
    ])
  })

  it('lets a per-zone row override its kind’s: twice a day on the busy grid (60), once on the other (30)', async () => {
    const rows = await required('2026-11-01', '2026-12-01', [party.c])
    expect(rows.sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual([
      [grid.id, party.c, 'grid_worker', 30],
      [busyGrid, party.c, 'grid_worker', 60],
    ].sort((x, y) => Number(x[0]) - Number(y[0])))
  })

  it('weighs a period across the month boundary by each month: a leader valid 20 Nov – 10 Dec, asked 16 Nov – 16 Dec', async () => {
    // 11 days of November's 30 (20th–30th) and 10 of December's 31 (1st–10th):
    // 4 × (11/30 + 10/31) = 4 × 0.68925 = 2.757 → 3. A plain month of the same leader in November: 4 × 11/30 = 1.47 → 1.
    expect(await required('2026-11-16', '2026-12-16', [party.leader])).toEqual([[street, party.leader, 'leader', 3]])
    expect(await required('2026-11-01', '2026-12-01', [party.leader])).toEqual([[street, party.leader, 'leader', 1]])
  })

  it('asks a chief by assignment for one patrol a week: 4 in November (30/7), 2 in its first fortnight (14/7)', async () => {
    expect(await required('2026-11-01', '2026-12-01', [grid.chief])).toContainEqual([grid.id, grid.chief, 'chief', 4])
    expect(await required('2026-11-01', '2026-11-15', [grid.chief])).toContainEqual([grid.id, grid.chief, 'chief', 2])
  })

  it('asks nothing of a role without a requirement on that kind of zone', async () => {
    await sql`INSERT INTO zone_staff (zone_id, party_id, role, valid_from) VALUES (${street}, ${party.a}, 'volunteer', '2026-01-01')`.execute(t.handle.db)
    expect((await required('2026-11-01', '2026-12-01', [party.a])).filter((row) => row[0] === street)).toEqual([])
  })
})
