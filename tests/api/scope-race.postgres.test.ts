import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle, seedZone } from '../helpers/seed.js'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'

/**
 * The scope check of a write runs inside its transaction, on rows it locks (server/auth/scope.ts,
 * lockZoneChains). PostgreSQL only: two connections, one moving 天水社区 (330105003002) out of
 * 天水街道 in a transaction held open while the planner of 天水街道 renames a grid of it.
 */
describe('a zone moved out of scope while a write waits (PostgreSQL)', () => {
  let t: TestApp
  const headers = { authorization: 'Bearer jz-scope-race-token-planner-000000' }
  let community: number
  let tianshui: number
  let other: number

  const gridOf = async () =>
    t.handle.db.selectFrom('zone').select(['id', 'name', 'version']).where('parent_id', '=', community).where('kind', '=', 'grid').orderBy('id').executeTakeFirstOrThrow()

  /** Polls until a statement of this database waits for a lock (the planner's write), without sleeping. */
  async function untilSomeoneWaitsForALock(): Promise<void> {
    for (let tries = 0; tries < 2000; tries++) {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.handle.db)
      if (rows[0]!.n > 0) return
    }
    throw new Error('the write never waited for the lock')
  }

  /** Holds a transaction open that moves the community under 测试街道; `finish` commits or rolls it back. */
  function moveCommunityHeldOpen() {
    let finish!: (commit: boolean) => void
    const decided = new Promise<boolean>((resolve) => (finish = resolve))
    let moved!: () => void
    const isMoved = new Promise<void>((resolve) => (moved = resolve))
    const done = t.handle.db.transaction().execute(async (tx) => {
      await tx.updateTable('zone').set({ parent_id: other }).where('id', '=', community).execute()
      moved()
      if (!(await decided)) throw new Error('rolled back on purpose')
    }).catch((error: Error) => {
      if (error.message !== 'rolled back on purpose') throw error
    })
    return { isMoved, finish, done }
  }

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    await createApiToken(db, (await accountIdByLogin(db, 'planner'))!, headers.authorization.slice(7), 'scope race test')
    const district = (await db.selectFrom('zone').select('id').where('code', '=', '330105').executeTakeFirstOrThrow()).id
    other = await seedZone(db, { kind: 'subdistrict', code: '330105099', name: '测试街道', parent: district, geometry: rectangle(120.4, 30.4, 120.42, 30.42) })
    community = (await db.selectFrom('zone').select('id').where('code', '=', '330105003002').executeTakeFirstOrThrow()).id
    tianshui = (await db.selectFrom('zone').select('id').where('code', '=', '330105003').executeTakeFirstOrThrow()).id
  })
  afterAll(async () => t?.close())

  it('waits for the move, then refuses the write 403 and applies nothing', async () => {
    const before = await gridOf()
    const move = moveCommunityHeldOpen()
    await move.isMoved
    const write = t.app.inject({ method: 'PATCH', url: `/api/zones/${before.id}`, headers, payload: { version: before.version, name: '越权改名' } })
    await untilSomeoneWaitsForALock()
    move.finish(true)
    await move.done
    const response = await write
    expect(response.statusCode, response.body).toBe(403)
    expect(response.json().error.code).toBe('out_of_scope')
    expect(response.json().error.message).toContain('planner scope (天水街道 330105003)')
    const after = await gridOf()
    expect(after.name).toBe(before.name)
    expect(after.version).toBe(before.version)
    // Put it back for the next case.
    await t.handle.db.updateTable('zone').set({ parent_id: tianshui }).where('id', '=', community).execute()
  })

  it('applies the write once a move that waited it out is rolled back', async () => {
    const before = await gridOf()
    const move = moveCommunityHeldOpen()
    await move.isMoved
    const write = t.app.inject({ method: 'PATCH', url: `/api/zones/${before.id}`, headers, payload: { version: before.version, name: `${before.name}（改）` } })
    await untilSomeoneWaitsForALock()
    move.finish(false)
    await move.done
    const response = await write
    expect(response.statusCode, response.body).toBe(200)
    expect((await gridOf()).name).toBe(`${before.name}（改）`)
  })
})
