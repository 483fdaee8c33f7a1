/**
 * npm run simulate -- --month 2026-11 [--seed 7]
 *
 * A seeded month of work on the demo district (docs/assessment.md "The simulation"): rosters
 * (grid workers, one handed over mid-month, leaders on three streets, a per-grid override of the
 * daily requirement), patrols with their fixes and credits (walked lines credited with plain
 * PostGIS, per zone crossed), and cases through the real case service (intake, then applyAction
 * with an explicit `now`) ending closed on time, late, reworked, extended, parked, voided,
 * duplicate, handed back or still open, some reported in the month's last days and falling due
 * in the next (the period boundary), with citizens' ratings. The same seed on the same database
 * gives the same rows. Runs against DATABASE_URL or the embedded data folder like scripts/import.ts;
 * refuses a month it has already simulated.
 */
import { parseArgs } from 'node:util'
import { seededRandom } from './demo/streets.js'
import { handMadeJpeg } from './demo/photo.js'
import { pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import type { Actor } from '../server/auth/actor.js'
import type { Db } from '../server/db/database.js'
import { periodBounds } from '../server/assessment/period.js'
import { insertCase, requireCaseCategory, routePoint, type IntakeChannel } from '../server/cases/cases.intake.js'
import { addPhoto, applyAction, caseRow, type ActionBody } from '../server/cases/cases.service.js'
import { loadCalendar } from '../server/calendar/due.js'

const HOUR = 3_600_000
const MINUTE = 60_000
const DAY = 86_400_000

/** The note every simulated patrol carries: how a second run of the same month is recognised. */
export const SIMULATION_NOTE = 'simulate-month'

export interface SimulationSummary {
  month: string
  seed: number
  patrols: number
  fixes: number
  cases: number
  outcomes: Record<string, number>
  /** The hand-named cases the tests look at, by outcome. */
  named: Record<string, number[]>
}



/** The simulation acts as the bootstrap administrator (scope all), as a seeding tool does. */
async function simulationActor(db: Db): Promise<Actor> {
  const { rows } = await sql<{ id: number; login: string; display_name: string }>`
    SELECT a.id, a.login, a.display_name FROM account a JOIN account_grant g ON g.account_id = a.id
    WHERE g.role = 'administrator' ORDER BY a.id LIMIT 1`.execute(db)
  const account = rows[0]
  if (!account) throw new Error('no administrator account: start the server once (or bootstrap) first')
  return {
    accountId: account.id, login: account.login, displayName: `${account.display_name}（模拟）`, partyId: null, via: 'token',
    grants: [{ role: 'administrator', scope: { kind: 'all' } }], tokenPermissions: null,
  }
}

interface ZoneRow {
  id: number
  code: string
  name: string
  kind: string
}

interface Staff {
  partyId: number
  role: 'grid_worker' | 'chief' | 'leader'
  zone: ZoneRow
  /** Beijing day numbers (days since 1970-01-01 UTC+8), inclusive. */
  firstDay: number
  lastDay: number
}

const beijingDay = (instant: Date) => Math.floor((instant.getTime() + 8 * HOUR) / DAY)
const dayStart = (day: number) => new Date(day * DAY - 8 * HOUR)
const isoDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10)

/** A simulated grid worker, made once (by name); phones 138-0000-9xxx, fictional as the demo's. */
async function partyByName(db: Db, name: string, role: string, number: number): Promise<number> {
  const found = await sql<{ id: number }>`SELECT id FROM party WHERE name = ${name} AND type = 'chief' ORDER BY id LIMIT 1`.execute(db)
  if (found.rows[0]) return found.rows[0].id
  const phone = `138-0000-${9000 + number}`
  const created = await sql<{ id: number }>`
    INSERT INTO party (type, name, phone, title, role) VALUES ('chief', ${name}, ${phone}, '网格员', ${role}) RETURNING id`.execute(db)
  return created.rows[0]!.id
}

/** Rosters: a grid worker per grid (the fifth grid's hands over on the 16th), leaders on three streets, one override. */
async function setUpRosters(db: Db, firstDay: number, lastDay: number): Promise<Staff[]> {
  const grids = (await sql<ZoneRow>`SELECT id, code, name, kind FROM zone WHERE kind = 'grid' ORDER BY code`.execute(db)).rows
  const streets = (await sql<ZoneRow>`SELECT id, code, name, kind FROM zone WHERE kind = 'street' ORDER BY code LIMIT 3`.execute(db)).rows
  const staff: Staff[] = []
  const addStaff = async (partyId: number, role: 'grid_worker' | 'leader', zone: ZoneRow, from: number, to: number | null) => {
    const exists = await sql`SELECT 1 FROM zone_staff WHERE zone_id = ${zone.id} AND party_id = ${partyId} AND role = ${role}`.execute(db)
    if (exists.rows.length === 0) {
      await sql`
        INSERT INTO zone_staff (zone_id, party_id, role, shift_label, shift_start, shift_end, duties, valid_from, valid_to)
        VALUES (${zone.id}, ${partyId}, ${role}, ${role === 'grid_worker' ? '白班' : null}, ${role === 'grid_worker' ? '08:00' : null},
          ${role === 'grid_worker' ? '17:00' : null}, ${role === 'grid_worker' ? '网格巡查、问题上报、核查结案' : '每月带队巡查'},
          ${isoDay(from)}::date, ${to === null ? null : isoDay(to)}::date)`.execute(db)
    }
    staff.push({ partyId, role, zone, firstDay: from, lastDay: to ?? lastDay })
  }
  for (const [index, grid] of grids.entries()) {
    const number = String(index + 1).padStart(2, '0')
    const worker = await partyByName(db, `网格员示例${number}`, '网格员', index + 1)
    if (index === 4) {
      // A hand-over: the first worker until the 15th, the second from the 16th (half-period holders).
      await addStaff(worker, 'grid_worker', grid, firstDay, firstDay + 14)
      await addStaff(await partyByName(db, `网格员示例${number}B`, '网格员', 100 + index + 1), 'grid_worker', grid, firstDay + 15, null)
    } else await addStaff(worker, 'grid_worker', grid, firstDay, null)
  }
  const leader = (await sql<{ id: number }>`SELECT id FROM party WHERE type = 'chief' AND role = '街道主任' ORDER BY id LIMIT 1`.execute(db)).rows[0]
  if (leader) for (const street of streets) await addStaff(leader.id, 'leader', street, firstDay, null)
  // The first grid is a busy one: its grid worker walks it twice a day (a per-zone row overrides the kind's).
  await sql`INSERT INTO patrol_requirement (zone_id, role, times, per) VALUES (${grids[0]!.id}, 'grid_worker', 2, 'day')
    ON CONFLICT (zone_id, role) WHERE zone_id IS NOT NULL DO NOTHING`.execute(db)

  // Chiefs by assignment on grids, streets and segments, as the demo holds them on the month's first day.
  const { rows: chiefs } = await sql<ZoneRow & { party_id: number }>`
    SELECT z.id, z.code, z.name, z.kind, a.party_id FROM assignment a JOIN zone z ON z.id = a.zone_id
    WHERE a.duty = 'chief' AND z.kind IN ('grid', 'street', 'segment')
      AND a.valid_from <= ${dayStart(firstDay).toISOString()}::timestamptz
      AND (a.valid_to IS NULL OR a.valid_to > ${dayStart(firstDay).toISOString()}::timestamptz)
    ORDER BY z.kind, z.code`.execute(db)
  for (const chief of chiefs) staff.push({ partyId: chief.party_id, role: 'chief', zone: chief, firstDay, lastDay })
  return staff
}

interface Walk {
  line: string
  metres: number
}

/** A walk in `zone`: along its centre line (streets, segments), else through six seeded points of it. */
async function walkIn(db: Db, zone: ZoneRow, seed: number): Promise<Walk | null> {
  const { rows } = zone.kind === 'street' || zone.kind === 'segment'
    ? await sql<Walk>`
        WITH merged AS (SELECT (ST_Dump(ST_LineMerge(centerline))).geom AS g FROM zone WHERE id = ${zone.id}),
        longest AS (SELECT g FROM merged ORDER BY ST_Length(g::geography) DESC LIMIT 1)
        SELECT ST_AsText(CASE WHEN ${seed % 2 === 0} THEN g ELSE ST_Reverse(g) END) AS line, ST_Length(g::geography) AS metres FROM longest`.execute(db)
    : await sql<Walk>`
        WITH points AS (SELECT (ST_Dump(ST_GeneratePoints(area, 6, ${seed}))).geom AS g FROM zone WHERE id = ${zone.id}),
        line AS (SELECT ST_MakeLine(g) AS g FROM points)
        SELECT ST_AsText(g) AS line, ST_Length(g::geography) AS metres FROM line`.execute(db)
  const walk = rows[0]
  return walk && walk.metres > 0 ? { line: walk.line, metres: Number(walk.metres) } : null
}

/** One patrol: its row, a fix every 15 s along the line, and a credit per zone the line crosses. */
async function insertPatrol(
  db: Db,
  staff: Staff,
  walk: Walk,
  startedAt: Date,
  speed: number,
  state: 'done' | 'discarded',
  seed: number,
): Promise<{ id: number; endedAt: Date; fixes: number }> {
  const seconds = walk.metres / speed
  const endedAt = new Date(startedAt.getTime() + Math.round(seconds * 1000))
  const intervals = Math.max(1, Math.round(seconds / 15))
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ id: number }>`
      INSERT INTO patrol (party_id, role, source, state, started_at, ended_at, accuracy_m, distance_m, walking_s, note, created_at, updated_at)
      VALUES (${staff.partyId}, ${staff.role}, ${seed % 5 === 0 ? 'gpx' : 'phone'}, ${state}, ${startedAt.toISOString()}::timestamptz,
        ${endedAt.toISOString()}::timestamptz, 15, ${walk.metres}::float8, ${seconds}::float8, ${`${SIMULATION_NOTE} seed ${seed}`},
        ${endedAt.toISOString()}::timestamptz, ${endedAt.toISOString()}::timestamptz)
      RETURNING id`.execute(tx)
    const id = rows[0]!.id
    await sql`
      INSERT INTO patrol_fix (patrol_id, seq, at, location, accuracy_m)
      SELECT ${id}, i, ${startedAt.toISOString()}::timestamptz + (i * ${seconds / intervals}::float8) * interval '1 second',
             ST_LineInterpolatePoint(line.g, i::float8 / ${intervals}::int), 5 + (i % 7)
      FROM (SELECT ST_GeomFromText(${walk.line}, 4326) AS g) line, generate_series(0, ${intervals}::int) AS i`.execute(tx)
    // Credits with plain PostGIS: the length of the walked line inside each zone, the time at the walking speed.
    await sql`
      WITH line AS (SELECT ST_GeomFromText(${walk.line}, 4326) AS g),
      crossed AS (
        SELECT z.id, z.kind, z.code, ST_Intersection(line.g, z.area) AS part, line.g AS g
        FROM zone z, line WHERE ST_Intersects(z.area, line.g)
      ),
      measured AS (
        SELECT id, kind, code, ST_Length(part::geography) AS metres,
               ST_LineLocatePoint(g, ST_ClosestPoint(part, ST_StartPoint(g))) AS first_f,
               ST_LineLocatePoint(g, ST_ClosestPoint(part, ST_EndPoint(g))) AS last_f
        FROM crossed WHERE NOT ST_IsEmpty(part)
      )
      INSERT INTO patrol_credit (patrol_id, zone_id, zone_kind, zone_code, seconds, metres, first_at, last_at)
      SELECT ${id}, id, kind, code, metres / ${speed}::float8, metres,
             ${startedAt.toISOString()}::timestamptz + (LEAST(first_f, last_f) * ${seconds}::float8) * interval '1 second',
             ${startedAt.toISOString()}::timestamptz + (GREATEST(first_f, last_f) * ${seconds}::float8) * interval '1 second'
      FROM measured WHERE metres > 0`.execute(tx)
    return { id, endedAt, fixes: intervals + 1 }
  })
}

type Outcome =
  | 'on_time' | 'late' | 'reworked' | 'extended' | 'parked' | 'unparked' | 'voided' | 'duplicate' | 'open' | 'handed_back' | 'unfiled'

const outcomeWeights: [Outcome, number][] = [
  ['on_time', 40], ['late', 10], ['reworked', 8], ['extended', 6], ['parked', 4], ['unparked', 3], ['voided', 6],
  ['duplicate', 4], ['open', 8], ['handed_back', 4], ['unfiled', 2],
]

function pick<T>(random: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0)
  let left = random() * total
  for (const [value, weight] of weighted) {
    left -= weight
    if (left < 0) return value
  }
  return weighted[weighted.length - 1]![0]
}

/** A month of patrols and cases on the demo district, deterministic for a seed. */
export async function simulateMonth(db: Db, options: { month: string; seed: number }): Promise<SimulationSummary> {
  const bounds = periodBounds(options.month)
  if (!bounds || !/^\d{4}-\d{2}$/.test(options.month)) throw new Error(`--month must be YYYY-MM, not ${JSON.stringify(options.month)}`)
  const already = await sql`
    SELECT 1 FROM patrol WHERE note LIKE ${`${SIMULATION_NOTE}%`} AND started_at >= ${bounds.from.toISOString()}::timestamptz
      AND started_at < ${bounds.to.toISOString()}::timestamptz LIMIT 1`.execute(db)
  if (already.rows.length > 0) throw new Error(`${options.month} has been simulated on this database already`)
  const anyGrid = await sql`SELECT 1 FROM zone WHERE kind = 'grid' LIMIT 1`.execute(db)
  if (anyGrid.rows.length === 0) throw new Error('the database holds no grids: start the server once (npm start loads the demo district) or import a district first')
  const random = seededRandom(options.seed)
  const between = (low: number, high: number) => low + random() * (high - low)
  const firstDay = beijingDay(bounds.from)
  const lastDay = beijingDay(bounds.to) - 1
  const calendar = await loadCalendar(db)
  const isWorkingDay = (day: number) => calendar.exceptions.get(isoDay(day)) ?? ![0, 6].includes(new Date(day * DAY).getUTCDay())

  const staff = await setUpRosters(db, firstDay, lastDay)
  const summary: SimulationSummary = { month: options.month, seed: options.seed, patrols: 0, fixes: 0, cases: 0, outcomes: {}, named: {} }
  const name = (what: string, id: number) => (summary.named[what] ??= []).push(id)

  // Patrols. Grid workers most working days; chiefs, street and segment chiefs and leaders now and then.
  const walked: { id: number; staff: Staff; startedAt: Date; endedAt: Date }[] = []
  let walkSeed = options.seed * 10_000
  for (const member of staff) {
    const days: number[] = []
    for (let day = member.firstDay; day <= member.lastDay; day++) if (isWorkingDay(day)) days.push(day)
    const share = member.role === 'grid_worker' ? 0.85 : member.zone.kind === 'segment' ? 0.15 : member.role === 'leader' ? 0.15 : 0.2
    for (const day of days) {
      if (random() >= share) continue
      const walk = await walkIn(db, member.zone, ++walkSeed)
      if (!walk) continue
      const startedAt = new Date(dayStart(day).getTime() + Math.round(between(8.5, 15.5) * HOUR))
      // Now and then the phone is stopped after a few minutes: a patrol below the minimum credit.
      const short = random() < 0.05
      const used = short ? { line: walk.line, metres: walk.metres } : walk
      const speed = short ? walk.metres / between(60, 200) : between(1.0, 1.4)
      const state = random() < 0.03 ? 'discarded' : 'done'
      const patrol = await insertPatrol(db, member, used, startedAt, speed, state, walkSeed)
      if (short) {
        // The stopped phone: only the first stretch of the line (under 100 m) was walked.
        await sql`DELETE FROM patrol_credit WHERE patrol_id = ${patrol.id}`.execute(db)
        await sql`
          INSERT INTO patrol_credit (patrol_id, zone_id, zone_kind, zone_code, seconds, metres, first_at, last_at)
          VALUES (${patrol.id}, ${member.zone.id}, ${member.zone.kind}, ${member.zone.code}, 120, ${Math.min(60, walk.metres)}::float8,
            ${startedAt.toISOString()}::timestamptz, ${new Date(startedAt.getTime() + 2 * MINUTE).toISOString()}::timestamptz)`.execute(db)
        await sql`UPDATE patrol SET distance_m = ${Math.min(60, walk.metres)}::float8, walking_s = 120, ended_at = started_at + interval '2 minutes' WHERE id = ${patrol.id}`.execute(db)
        name('short_patrol', patrol.id)
      }
      if (state === 'discarded') name('discarded_patrol', patrol.id)
      summary.patrols++
      summary.fixes += patrol.fixes
      if (state === 'done' && !short) walked.push({ id: patrol.id, staff: member, startedAt, endedAt: patrol.endedAt })
    }
  }

  // Cases.
  const actor = await simulationActor(db)
  const categories = (await sql<{ id: number; name: string }>`SELECT id, name FROM category WHERE limit_value IS NOT NULL ORDER BY id`.execute(db)).rows
  const grids = (await sql<ZoneRow>`SELECT id, code, name, kind FROM zone WHERE kind = 'grid' ORDER BY code`.execute(db)).rows
  const photo = handMadeJpeg()
  const created: { id: number; at: Date; categoryId: number }[] = []

  const act = async (id: number, action: ActionBody['action'], at: Date, body: Partial<ActionBody> = {}, who: Actor | null = actor) => {
    const row = await caseRow(db, id)
    if (action === 'handle') {
      const added = await addPhoto(db, id, 'feedback', 'image/jpeg', photo)
      body = { note: '已处置，现场恢复', photo_ids: [added.id], ...body }
    }
    await applyAction(db, who, id, { action, version: row!.version, ...body } as ActionBody, at)
  }
  const dueOf = async (id: number) => {
    const row = await caseRow(db, id)
    return row?.due_at ? new Date(row.due_at) : null
  }

  const report = async (at: Date, channel: IntakeChannel, grid: ZoneRow, categoryId: number, seed: number, point?: { lon: number; lat: number }) => {
    const where = point ?? (await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT (ST_Dump(ST_GeneratePoints(area, 1, ${seed}))).geom AS p FROM zone WHERE id = ${grid.id}) s`.execute(db)).rows[0]!
    const category = await requireCaseCategory(db, categoryId)
    const routing = await routePoint(db, category, where, 10, at)
    const byPublic = channel === 'qr' || channel === 'hotline' || channel === 'open311'
    const { id } = await insertCase(
      db,
      {
        channel, categoryId, description: `${category.name}（模拟）`, point: where, accuracyM: 10, address: null, signboardCode: null,
        reporterName: byPublic ? '市民' : null, reporterPhone: byPublic ? '138-0000-0000' : null,
        externalId: channel === 'open311' ? `sim-${options.seed}-${seed}` : null, flags: [],
      },
      routing,
      byPublic ? { accountId: null, login: null, displayName: '公众' } : { accountId: actor.accountId, login: actor.login, displayName: actor.displayName },
      at,
    )
    created.push({ id, at, categoryId })
    summary.cases++
    return id
  }

  /** Files and dispatches the case; answers the due instant. */
  const fileAndDispatch = async (id: number, at: Date) => {
    await act(id, 'file', new Date(at.getTime() + Math.round(between(5, 60) * MINUTE)))
    const dispatchedAt = new Date(at.getTime() + Math.round(between(65, 120) * MINUTE))
    await act(id, 'dispatch', dispatchedAt)
    return { dispatchedAt, dueAt: (await dueOf(id))! }
  }
  /** Handled at `share` of the way from dispatch to due (above 1: late), closed soon after, perhaps rated. */
  const handleAndClose = async (id: number, from: Date, dueAt: Date, share: number, rate = true) => {
    const span = Math.max(dueAt.getTime() - from.getTime(), 30 * MINUTE)
    const handledAt = new Date(from.getTime() + Math.round(span * share))
    await act(id, 'handle', handledAt)
    const closedAt = share < 1 ? new Date(handledAt.getTime() + Math.round((dueAt.getTime() - handledAt.getTime()) * between(0.2, 0.8))) : new Date(handledAt.getTime() + Math.round(between(0.5, 6) * HOUR))
    await act(id, 'close', closedAt)
    if (rate && random() < 0.6) await act(id, 'evaluate', new Date(closedAt.getTime() + Math.round(between(1, 30) * HOUR)), { rating: share < 1 ? 3 + Math.floor(random() * 3) : 1 + Math.floor(random() * 3) }, null)
    return closedAt
  }

  const run = async (id: number, at: Date, outcome: Outcome) => {
    summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1
    name(outcome, id)
    switch (outcome) {
      case 'unfiled':
        return
      case 'voided':
        await act(id, 'void', new Date(at.getTime() + 20 * MINUTE), { reason: '不属于城市管理范围' })
        return
      case 'duplicate': {
        const original = created.find((c) => c.id !== id && c.at < at)
        if (!original) return act(id, 'void', new Date(at.getTime() + 20 * MINUTE), { reason: '信息不全' })
        await act(id, 'mark_duplicate', new Date(at.getTime() + 15 * MINUTE), { duplicate_of: original.id })
        return
      }
      default:
        break
    }
    const { dispatchedAt, dueAt } = await fileAndDispatch(id, at)
    await act(id, 'accept', new Date(dispatchedAt.getTime() + 10 * MINUTE))
    const working = new Date(dispatchedAt.getTime() + 20 * MINUTE)
    switch (outcome) {
      case 'on_time':
        await handleAndClose(id, working, dueAt, between(0.2, 0.7))
        return
      case 'late':
        await handleAndClose(id, working, dueAt, between(1.2, 3))
        return
      case 'open':
        return
      case 'reworked': {
        const handledAt = new Date(working.getTime() + Math.round((dueAt.getTime() - working.getTime()) * 0.4))
        await act(id, 'handle', handledAt)
        await act(id, 'send_back', new Date(handledAt.getTime() + HOUR), { reason: '现场复核未达标' })
        const again = new Date(handledAt.getTime() + HOUR + 5 * MINUTE)
        await handleAndClose(id, again, (await dueOf(id))!, random() < 0.7 ? between(0.3, 0.7) : between(1.2, 2))
        return
      }
      case 'extended': {
        await act(id, 'request_extension', working, { reason: '需协调产权单位', extension: { value: 2, unit: 'working_days' } })
        await act(id, 'approve_extension', new Date(working.getTime() + 30 * MINUTE))
        await handleAndClose(id, new Date(working.getTime() + 40 * MINUTE), (await dueOf(id))!, between(0.3, 0.9))
        return
      }
      case 'parked':
      case 'unparked': {
        await act(id, 'request_park', working, { reason: '涉及规划调整，暂缓处置' })
        const parkedAt = new Date(working.getTime() + 30 * MINUTE)
        await act(id, 'approve_park', parkedAt)
        if (outcome === 'parked') return
        const unparkedAt = new Date(parkedAt.getTime() + Math.round(between(1, 3) * DAY))
        await act(id, 'unpark', unparkedAt)
        await handleAndClose(id, unparkedAt, (await dueOf(id))!, between(0.3, 0.8))
        return
      }
      case 'handed_back': {
        await act(id, 'hand_back', new Date(working.getTime() + 10 * MINUTE), { reason: '非本单位职责' })
        const again = new Date(working.getTime() + HOUR)
        await act(id, 'dispatch', again)
        await handleAndClose(id, new Date(again.getTime() + 20 * MINUTE), (await dueOf(id))!, between(0.2, 0.8))
        return
      }
      default:
        return
    }
  }

  const channels: [IntakeChannel, number][] = [['qr', 25], ['hotline', 30], ['patrol', 30], ['open311', 10], ['app', 5]]
  const perDay = 7
  let caseSeed = options.seed * 100_000
  for (let day = firstDay; day <= lastDay; day++) {
    for (let n = 0; n < perDay; n++) {
      const channel = pick(random, channels)
      const categoryId = categories[Math.floor(random() * categories.length)]!.id
      let at = new Date(dayStart(day).getTime() + Math.round(between(7, 21) * HOUR))
      let grid = grids[Math.floor(random() * grids.length)]!
      let point: { lon: number; lat: number } | undefined
      let patrolId: number | null = null
      if (channel === 'patrol') {
        // A finding on one of the day's patrols, at a fix of it.
        const patrols = walked.filter((p) => beijingDay(p.startedAt) === day)
        const patrol = patrols.length ? patrols[Math.floor(random() * patrols.length)]! : undefined
        if (patrol) {
          at = new Date(patrol.startedAt.getTime() + Math.round((patrol.endedAt.getTime() - patrol.startedAt.getTime()) * between(0.1, 0.9)))
          point = (await sql<{ lon: number; lat: number }>`
            SELECT ST_X(location) AS lon, ST_Y(location) AS lat FROM patrol_fix WHERE patrol_id = ${patrol.id} AND at <= ${at.toISOString()}::timestamptz
            ORDER BY seq DESC LIMIT 1`.execute(db)).rows[0]
          patrolId = patrol.id
          grid = patrol.staff.zone
        }
      }
      const outcome = pick(random, outcomeWeights)
      const id = await report(at, channel, grid, categoryId, ++caseSeed, point)
      if (patrolId !== null) await sql`UPDATE case_file SET patrol_id = ${patrolId} WHERE id = ${id}`.execute(db)
      // The last two days' cases still open at the month's end fall due in the next month.
      await run(id, at, day >= lastDay - 1 && outcome === 'on_time' ? 'on_time' : outcome)
    }
  }
  // The period boundary by hand: reported on the month's last day at 16:00, due in the next month.
  const boundaryCategory = categories.find((c) => c.name === '路灯损坏') ?? categories[0]!
  const boundary = await report(new Date(dayStart(lastDay).getTime() + 16 * HOUR), 'hotline', grids[1]!, boundaryCategory.id, caseSeed + 1)
  summary.outcomes.boundary = 1
  name('boundary', boundary)
  const { dueAt } = await fileAndDispatch(boundary, new Date(dayStart(lastDay).getTime() + 16 * HOUR))
  await handleAndClose(boundary, new Date(dueAt.getTime() - 6 * HOUR), dueAt, 0.5, false)
  return summary
}

async function main(): Promise<number> {
  const usage = 'usage: npm run simulate -- --month YYYY-MM [--seed N]'
  let values
  try {
    values = parseArgs({ options: { month: { type: 'string' }, seed: { type: 'string', default: '7' }, help: { type: 'boolean', short: 'h', default: false } } }).values
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    return 2
  }
  if (values.help) {
    console.log(usage)
    return 0
  }
  const seed = Number(values.seed)
  if (!values.month || !/^\d{4}-\d{2}$/.test(values.month) || !periodBounds(values.month) || !Number.isSafeInteger(seed)) {
    console.error(usage)
    return 2
  }
  const { loadConfig } = await import('../server/config.js')
  const { connectDatabase } = await import('../server/db/connect.js')
  const { migrate } = await import('../server/db/migrate.js')
  const config = loadConfig()
  const handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrate(handle)
    const started = Date.now()
    const summary = await simulateMonth(handle.db, { month: values.month, seed })
    console.log(`simulated ${summary.month} (seed ${summary.seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `${summary.patrols} patrols with ${summary.fixes} fixes, ${summary.cases} cases`)
    console.log(Object.entries(summary.outcomes).map(([outcome, n]) => `${outcome} ${n}`).join(', '))
    return 0
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 1
  } finally {
    await handle.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then((code) => process.exit(code), (error) => {
    console.error(error)
    process.exit(1)
  })
}
