import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { sweepDeadlines } from '../../server/calendar/deadline-sweep.js'
import { DEADLINE_SWEEP_JOB } from '../../server/calendar/deadline-jobs.js'
import { runJobOnce } from '../../server/jobs/scheduler.js'

/**
 * The deadline sweep (docs/cases-deadlines.md) on cases written straight into case_file (the
 * cases branch owns intake). The category 垃圾暴露 has 4 working hours; dispatched Friday
 * 2026-12-04 16:00 (Beijing), periods 08:30–12:00 and 13:30–17:30, by hand:
 * warning at 3 h = Monday 10:00, due at 4 h = Monday 11:00, escalation 1 at due + 4 h =
 * Monday 16:30 (1 h to 12:00, 3 h from 13:30), escalation 2 at due + 8 h = Tuesday 11:30.
 */
const at = (local: string) => new Date(`${local}+08:00`)

describe('deadline sweep: warn → overdue → escalated twice', () => {
  let t: TestApp
  let caseId: number
  let parkedId: number
  let noLimitId: number
  let chiefs: { id: number; name: string }[]

  async function insertCase(state: string, limit: { value: number; unit: string } | null, warnAt: Date | null, dueAt: Date): Promise<number> {
    const db = t.handle.db
    const category = (await sql<{ id: number }>`SELECT id FROM category WHERE name = '垃圾暴露'`.execute(db)).rows[0]!.id
    const zones = (await sql<{ id: number; code: string; name: string; kind: string }>`
      SELECT id, code, name, kind FROM zone WHERE kind IN ('segment', 'street', 'subdistrict') ORDER BY (kind = 'segment') DESC, (kind = 'street') DESC, id LIMIT 3`.execute(db)).rows
    // A hand-built chain, most specific first: the segment (owner, chiefs[0]), the street (chiefs[1]), the subdistrict (chiefs[2]).
    const chain = zones.map((zone, index) => ({ zone, holders: { chief: { ...chiefs[index]!, title: null, role: null }, department: null, merchant: null, fallback: null } }))
    const n = Math.floor(Math.random() * 1e9)
    const { rows } = await sql<{ id: number }>`
      INSERT INTO case_file (number, public_token, channel, state, category_id, description, location, routing, zone_ids,
                             owner_party_id, owner_duty, owner_zone_id, assignee_party_id, limit_value, limit_unit,
                             dispatched_at, warn_at, due_at)
      VALUES (${`20261204-${n}`}, ${`token-${n}`}, 'patrol', ${state}, ${category}, '路边垃圾堆放', ST_SetSRID(ST_MakePoint(120.16, 30.28), 4326),
              ${JSON.stringify({ status: 'owned', chain })}::jsonb, ${zones.map((z) => z.id)}::int[],
              ${chiefs[0]!.id}, 'chief', ${zones[0]!.id}, ${chiefs[0]!.id}, ${limit?.value ?? null}, ${limit?.unit ?? null},
              ${at('2026-12-04T16:00:00').toISOString()}::timestamptz, ${warnAt?.toISOString() ?? null}::timestamptz, ${dueAt.toISOString()}::timestamptz)
      RETURNING id`.execute(db)
    return rows[0]!.id
  }

  const events = async (id: number) =>
    (await sql<{ action: string; by_system: boolean; details: Record<string, unknown>; at: Date }>`
      SELECT action, by_system, details, at FROM case_event WHERE case_id = ${id} ORDER BY id`.execute(t.handle.db)).rows
  const outbox = async (id: number) =>
    (await sql<{ event: string; channel: string; target: string }>`
      SELECT event, channel, target FROM outbox WHERE case_id = ${id} ORDER BY id`.execute(t.handle.db)).rows
  const caseRow = async (id: number) =>
    (await sql<{ warned_at: Date | null; overdue_at: Date | null; escalation_level: number; version: number }>`
      SELECT warned_at, overdue_at, escalation_level, version FROM case_file WHERE id = ${id}`.execute(t.handle.db)).rows[0]!

  beforeAll(async () => {
    t = await createTestApp()
    chiefs = (await sql<{ id: number; name: string }>`SELECT id, name FROM party WHERE type = 'chief' ORDER BY id LIMIT 3`.execute(t.handle.db)).rows
    expect(chiefs).toHaveLength(3)
    // The due times the calendar gives for this dispatch (checked against the hand derivation above).
    const due = (await t.app.inject({ method: 'GET', url: `/api/calendar/due?category_id=${(await sql<{ id: number }>`SELECT id FROM category WHERE name = '垃圾暴露'`.execute(t.handle.db)).rows[0]!.id}&from=2026-12-04T16:00` })).json()
    expect(due).toMatchObject({ warn_at: at('2026-12-07T10:00:00').toISOString(), due_at: at('2026-12-07T11:00:00').toISOString() })
    caseId = await insertCase('dispatched', { value: 4, unit: 'working_hours' }, new Date(due.warn_at), new Date(due.due_at))
    parkedId = await insertCase('parked', { value: 4, unit: 'working_hours' }, new Date(due.warn_at), new Date(due.due_at))
    noLimitId = await insertCase('accepted', null, null, new Date(due.due_at))
  })
  afterAll(async () => t?.close())

  it('does nothing before the warning instant', async () => {
    const result = await sweepDeadlines(t.handle.db, at('2026-12-07T09:59:59'))
    expect(result).toEqual({ warned: [], overdue: [], escalated: [] })
    expect(await events(caseId)).toEqual([])
  })

  it('warns once at warn_at, with an event by the system and notices to the assignee', async () => {
    const result = await sweepDeadlines(t.handle.db, at('2026-12-07T10:00:00'))
    expect(result.warned).toEqual([caseId])
    expect(result.overdue).toEqual([])
    const row = await caseRow(caseId)
    expect(row.warned_at).toEqual(at('2026-12-07T10:00:00'))
    expect(row.version).toBe(1)
    expect((await events(caseId)).map((e) => [e.action, e.by_system])).toEqual([['warned', true]])
    expect(await outbox(caseId)).toEqual([{ event: 'warning', channel: 'inbox', target: String(chiefs[0]!.id) }])
    // Again at the same now, and a minute later: nothing new.
    expect(await sweepDeadlines(t.handle.db, at('2026-12-07T10:00:00'))).toEqual({ warned: [], overdue: [], escalated: [] })
    expect(await sweepDeadlines(t.handle.db, at('2026-12-07T10:01:00'))).toEqual({ warned: [], overdue: [], escalated: [] })
    expect(await events(caseId)).toHaveLength(1)
  })

  it('marks the case overdue once at due_at; a case without a limit too, but the parked one not', async () => {
    await runJobOnce(t.handle.db, DEADLINE_SWEEP_JOB, at('2026-12-07T11:00:00'))
    const row = await caseRow(caseId)
    expect(row.overdue_at).toEqual(at('2026-12-07T11:00:00'))
    expect(row.escalation_level).toBe(0)
    expect((await events(caseId)).map((e) => e.action)).toEqual(['warned', 'overdue'])
    expect((await outbox(caseId)).map((o) => o.event)).toEqual(['warning', 'overdue'])
    expect((await events(noLimitId)).map((e) => e.action)).toEqual(['overdue'])
    expect(await events(parkedId)).toEqual([])
    const lease = await sql<{ last_error: string | null }>`SELECT last_error FROM job_lease WHERE name = ${DEADLINE_SWEEP_JOB}`.execute(t.handle.db)
    expect(lease.rows[0]).toEqual({ last_error: null })
    expect(await sweepDeadlines(t.handle.db, at('2026-12-07T16:29:59'))).toEqual({ warned: [], overdue: [], escalated: [] })
  })

  it('escalates to the street chief at due + 1 limit (Monday 16:30), and to the next chief up at due + 2 limits (Tuesday 11:30)', async () => {
    const first = await sweepDeadlines(t.handle.db, at('2026-12-07T16:30:00'))
    expect(first.escalated).toEqual([{ caseId, level: 1, partyId: chiefs[1]!.id }])
    expect(await sweepDeadlines(t.handle.db, at('2026-12-07T16:30:00'))).toEqual({ warned: [], overdue: [], escalated: [] })
    expect(await sweepDeadlines(t.handle.db, at('2026-12-08T11:29:00'))).toEqual({ warned: [], overdue: [], escalated: [] })
    const second = await sweepDeadlines(t.handle.db, at('2026-12-08T11:30:00'))
    expect(second.escalated).toEqual([{ caseId, level: 2, partyId: chiefs[2]!.id }])
    expect(await sweepDeadlines(t.handle.db, at('2026-12-08T11:30:00'))).toEqual({ warned: [], overdue: [], escalated: [] })

    expect((await caseRow(caseId)).escalation_level).toBe(2)
    const escalations = (await events(caseId)).filter((e) => e.action === 'escalated')
    expect(escalations.map((e) => e.details)).toMatchObject([
      { level: 1, party_id: chiefs[1]!.id, party_name: chiefs[1]!.name },
      { level: 2, party_id: chiefs[2]!.id, party_name: chiefs[2]!.name },
    ])
    expect(escalations.map((e) => e.at)).toEqual([at('2026-12-07T16:30:00'), at('2026-12-08T11:30:00')])
    const notices = (await outbox(caseId)).filter((o) => o.event === 'escalated' && o.channel === 'inbox').map((o) => o.target)
    // Each level: the assignee, and the party up the chain.
    expect(notices.sort()).toEqual([chiefs[0]!.id, chiefs[0]!.id, chiefs[1]!.id, chiefs[2]!.id].map(String).sort())
    const inbox = await sql<{ party_id: number; title: string }>`
      SELECT party_id, title FROM inbox_message WHERE case_id = ${caseId} AND party_id = ${chiefs[2]!.id}`.execute(t.handle.db)
    expect(inbox.rows).toEqual([{ party_id: chiefs[2]!.id, title: '超时案卷升级督办' }])
    // The case without a limit is never escalated.
    expect((await events(noLimitId)).map((e) => e.action)).toEqual(['overdue'])
  })

  it('leaves a closed case alone', async () => {
    await sql`UPDATE case_file SET state = 'handled' WHERE id = ${caseId}`.execute(t.handle.db)
    expect(await sweepDeadlines(t.handle.db, at('2026-12-20T12:00:00'))).toEqual({ warned: [], overdue: [], escalated: [] })
  })
})
