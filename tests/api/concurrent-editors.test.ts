import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/database.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { tokenFor } from './audit.fixture.js'

// Issue 9, "must be true": two concurrent editors of one zone — one wins, the other gets 409 with
// the current version, and the audit shows both attempts. On PostgreSQL the two PATCHes run on two
// pooled connections at once; on PGlite they queue for its one connection: both must hold.
describe('two editors change one grid at the same moment', () => {
  let t: TestApp
  let db: Db
  let grid: { id: number; version: number; code: string }
  const tokens: Record<string, string> = {}

  beforeAll(async () => {
    t = await createTestApp()
    db = t.handle.db
    const row = await db
      .selectFrom('zone as g')
      .innerJoin('zone as c', 'c.id', 'g.parent_id')
      .select(['g.id', 'g.version', 'g.code'])
      .where('g.kind', '=', 'grid')
      .where('c.code', '=', '330105003001') // 武林门社区
      .orderBy('g.code')
      .executeTakeFirstOrThrow()
    grid = row
    for (const login of ['planner', 'planner.wulinmen']) tokens[login] = await tokenFor(db, login)
  })
  afterAll(async () => t?.close())

  it('lets exactly one win; the other gets 409 version_conflict with the current version, and the audit keeps both with their logins', async () => {
    const edits = [
      { login: 'planner', name: '武林门第一网格（街道改）', comment: '街道规划员：按新路网调整' },
      { login: 'planner.wulinmen', name: '武林门第一网格（社区改）', comment: '社区规划员：并入新楼盘' },
    ]
    const responses = await Promise.all(
      edits.map((edit) =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/zones/${grid.id}`,
          headers: { authorization: `Bearer ${tokens[edit.login]}`, 'x-change-comment': encodeURIComponent(edit.comment) },
          payload: { version: grid.version, name: edit.name },
        }),
      ),
    )
    const statuses = responses.map((response) => response.statusCode).sort()
    expect(statuses, responses.map((r) => r.body).join('\n')).toEqual([200, 409])
    const winner = responses.findIndex((response) => response.statusCode === 200)
    const loser = 1 - winner
    const conflict = responses[loser]!.json() as { error: { code: string; details: { current_version: number } } }
    expect(conflict.error.code).toBe('version_conflict')
    // The winner's write bumped the version by one: that is the version the loser must now edit.
    expect(conflict.error.details.current_version).toBe(grid.version + 1)
    const stored = (await t.app.inject({ method: 'GET', url: `/api/zones/${grid.id}` })).json() as { properties: { name: string; version: number } }
    expect(stored.properties).toMatchObject({ name: edits[winner]!.name, version: grid.version + 1 })

    const audit = await t.app.inject({ method: 'GET', url: `/api/audit?object_type=zone&object_id=${grid.id}&action=zone.update` })
    expect(audit.statusCode, audit.body).toBe(200)
    const events = (audit.json() as { events: { login: string; outcome: string; status: number; comment: string }[] }).events
    expect(events).toHaveLength(2)
    const byLogin = Object.fromEntries(events.map((event) => [event.login, event]))
    expect(byLogin[edits[winner]!.login]).toMatchObject({ outcome: 'ok', status: 200, comment: edits[winner]!.comment })
    expect(byLogin[edits[loser]!.login]).toMatchObject({ outcome: 'refused', status: 409, comment: edits[loser]!.comment })

    const history = (await t.app.inject({ method: 'GET', url: `/api/zones/${grid.id}/history` })).json() as { events: { login: string; outcome: string }[] }
    expect(history.events.map((event) => `${event.login}:${event.outcome}`).sort()).toEqual(
      [`${edits[winner]!.login}:ok`, `${edits[loser]!.login}:refused`].sort(),
    )
  })
})
