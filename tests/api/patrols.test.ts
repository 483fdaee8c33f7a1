import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import * as turf from '@turf/turf'
import type { Feature, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { runJobOnce } from '../../server/jobs/scheduler.js'
import { PATROL_RETENTION_JOB } from '../../server/patrols/retention.js'
import { BatchError, importBatchFile } from '../../server/patrols/batch.js'
import { defaultPatrolSettings } from '../../server/patrols/patrols.settings.js'

/**
 * Issue 11 item 1 through HTTP, on both databases: a grid worker walks a real demo street (its
 * centre line read from the database) at walking speed, a fix every 5 s, across two grids, with a
 * stop of a minute on the way; the credits per grid and per segment match, within one sampling
 * interval, an independent computation here with turf (each leg given wholly to the zones its
 * midpoint lies in, or within the accuracy of, for strips). Then gaps and jumps, GPX upload,
 * re-sent batches, privacy (aggregates for other roles, audited track reads, retention) and a
 * finding that becomes a case.
 */

const STEP_S = 5
const SPEED = 1.3
const ACCURACY = 15
type Area = Feature<Polygon | MultiPolygon>
type Fix = { at: string; lon: number; lat: number; accuracy_m?: number }

describe('patrols: tracks credited to zones', () => {
  let t: TestApp
  const auth = {} as Record<'gridworker' | 'leader' | 'planner' | 'planner.wulinmen' | 'viewer' | 'chief', { authorization: string }>
  let street: { code: string; segment: string; line: Feature<LineString | MultiLineString>; grids: { code: string; area: Area }[]; segmentArea: Area }
  let walk: Fix[]
  let patrolId: number

  const post = (url: string, payload: unknown, who: { authorization: string | undefined } = auth.gridworker) =>
    t.app.inject({ method: 'POST', url, headers: who, payload: payload as object })
  const get = (url: string, who: { authorization: string | undefined } = auth.gridworker) => t.app.inject({ method: 'GET', url, headers: who })

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    for (const login of Object.keys({ gridworker: 1, leader: 1, planner: 1, 'planner.wulinmen': 1, viewer: 1, chief: 1 })) {
      const token = `jz-patrols-${login.replace('.', '-')}-token-00000000001`
      await createApiToken(db, (await accountIdByLogin(db, login))!, token, `patrols test: ${login}`)
      auth[login as keyof typeof auth] = { authorization: `Bearer ${token}` }
    }
    // A segment that runs through the inside of exactly two grids (not along their shared edge),
    // at least 100 m in each: on the demo, 武林桥河下.
    const { rows } = await sql<{ code: string; street: string; line: string }>`
      SELECT s.code, p.code AS street, ST_AsGeoJSON(s.centerline) AS line FROM zone s JOIN zone p ON p.id = s.parent_id
      WHERE s.kind = 'segment' AND (
        SELECT count(*) FROM zone g WHERE g.kind = 'grid' AND ST_Length(ST_Intersection(s.centerline, g.area)::geography) >= 100
          AND ST_Length(ST_Intersection(s.centerline, ST_Boundary(g.area))::geography) = 0) = 2
        AND NOT EXISTS (SELECT 1 FROM zone g WHERE g.kind = 'grid' AND ST_Length(ST_Intersection(s.centerline, ST_Boundary(g.area))::geography) > 0)
      ORDER BY ST_Length(s.centerline::geography) DESC LIMIT 1`.execute(db)
    const found = rows[0]!
    const { rows: grids } = await sql<{ code: string; area: string }>`
      SELECT g.code, ST_AsGeoJSON(g.area) AS area FROM zone g, zone s
      WHERE s.code = ${found.code} AND g.kind = 'grid' AND ST_Intersects(g.area, s.centerline) ORDER BY g.code`.execute(db)
    const { rows: segmentArea } = await sql<{ area: string }>`SELECT ST_AsGeoJSON(area) AS area FROM zone WHERE kind = 'segment' AND code = ${found.code}`.execute(db)
    street = {
      code: found.street,
      segment: found.code,
      line: turf.feature(JSON.parse(found.line)) as Feature<LineString | MultiLineString>,
      grids: grids.map((g) => ({ code: g.code, area: turf.feature(JSON.parse(g.area)) as Area })),
      segmentArea: turf.feature(JSON.parse(segmentArea[0]!.area)) as Area,
    }
    expect(street.grids.length).toBeGreaterThanOrEqual(2)
    // The walk: along the centre line at 1.3 m/s, a fix every 5 s, standing a minute halfway.
    const line = street.line.geometry.type === 'LineString' ? street.line as Feature<LineString> : turf.lineString(street.line.geometry.coordinates.flat())
    const length = turf.length(line, { units: 'meters' })
    const start = Date.now() - 3 * 3600_000
    walk = []
    let time = start
    let stood = false
    for (let along = 0; along <= length; along += SPEED * STEP_S) {
      const [lon, lat] = turf.along(line, along, { units: 'meters' }).geometry.coordinates as [number, number]
      walk.push({ at: new Date(time).toISOString(), lon, lat, accuracy_m: 5 })
      time += STEP_S * 1000
      if (!stood && along >= length / 2) {
        stood = true
        for (let i = 1; i <= 12; i++) {
          // Standing: a jitter of a few decimetres, not a walk.
          walk.push({ at: new Date(time).toISOString(), lon: lon + (i % 2) * 0.000003, lat, accuracy_m: 5 })
          time += STEP_S * 1000
        }
      }
    }
  })
  afterAll(async () => t?.close())

  /** The independent expectation: each leg whole to the zone its midpoint lies in (time), walks' lengths to it (distance). */
  function expected(fixes: Fix[], inZone: (lon: number, lat: number) => boolean) {
    let seconds = 0
    let metres = 0
    for (let i = 1; i < fixes.length; i++) {
      const a = fixes[i - 1]!
      const b = fixes[i]!
      const dt = (Date.parse(b.at) - Date.parse(a.at)) / 1000
      const d = turf.distance([a.lon, a.lat], [b.lon, b.lat], { units: 'meters' })
      if (dt > 300 || d > 300 || d > 10 * dt) continue
      if (!inZone((a.lon + b.lon) / 2, (a.lat + b.lat) / 2)) continue
      seconds += dt
      if (d > 0.2 * dt) metres += d
    }
    return { seconds, metres }
  }
  const inArea = (area: Area) => (lon: number, lat: number) => turf.booleanPointInPolygon([lon, lat], area)
  const nearArea = (area: Area, within: number) => (lon: number, lat: number) =>
    turf.booleanPointInPolygon([lon, lat], area) || turf.pointToPolygonDistance([lon, lat], area, { units: 'meters' }) <= within

  it('starts a patrol as a grid worker, in the capacity of the grant, and refuses a second recording', async () => {
    const started = await post('/api/patrols', {})
    expect(started.statusCode, started.body).toBe(201)
    const body = started.json()
    expect(body.state).toBe('recording')
    expect(body.role).toBe('grid_worker')
    expect(body.source).toBe('phone')
    expect(body.accuracy_m).toBe(ACCURACY)
    expect(body.walker.login).toBe('gridworker')
    patrolId = body.id
    const again = await post('/api/patrols', {})
    expect(again.statusCode).toBe(409)
    expect(again.json().error.details.patrol_id).toBe(patrolId)
    // Backdate the start to the walk's first fix (the test walks in the past).
    await sql`UPDATE patrol SET started_at = ${walk[0]!.at}::timestamptz WHERE id = ${patrolId}`.execute(t.handle.db)
  })

  it('refuses a bad batch naming the position and field, and stores none of it', async () => {
    const bad = await post(`/api/patrols/${patrolId}/fixes`, { fixes: [walk[0], walk[1], { ...walk[2], lat: 95 }, { at: 'yesterday', lon: 1, lat: 1 }] })
    expect(bad.statusCode).toBe(400)
    const fields = bad.json().error.details.map((d: { field: string }) => d.field)
    expect(fields).toEqual(['fixes[2].lat', 'fixes[3].at'])
    const disordered = await post(`/api/patrols/${patrolId}/fixes`, { fixes: [walk[1], walk[0]] })
    expect(disordered.statusCode).toBe(400)
    expect(disordered.json().error.details[0].field).toBe('fixes[1].at')
    expect((await get(`/api/patrols/${patrolId}`)).json().fixes).toBe(0)
  })

  it('appends positions in batches; a re-sent batch is recognised and stored once', async () => {
    let live: { distance_m: number; grids: { zone: { code: string } }[] } | null = null
    for (let i = 0; i < walk.length; i += 20) {
      const batch = walk.slice(i, i + 20)
      const response = await post(`/api/patrols/${patrolId}/fixes`, { fixes: batch })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.json().accepted).toBe(batch.length)
      live = response.json().live
      if (i === 20) {
        // The phone lost the answer and sends the same batch again, with one new fix after it.
        const again = await post(`/api/patrols/${patrolId}/fixes`, { fixes: batch })
        expect(again.json()).toMatchObject({ accepted: 0, duplicates: batch.length, fixes: i + batch.length })
      }
    }
    expect((await get(`/api/patrols/${patrolId}`)).json().fixes).toBe(walk.length)
    expect(live!.distance_m).toBeGreaterThan(100)
    expect(live!.grids.map((g) => g.zone.code).sort()).toEqual(street.grids.filter((g) => expected(walk, inArea(g.area)).seconds > 0).map((g) => g.code).sort())
    // A fix earlier than the last stored, at a time never stored, is out of order.
    const late = await post(`/api/patrols/${patrolId}/fixes`, { fixes: [{ ...walk[3]!, at: new Date(Date.parse(walk[3]!.at) + 1000).toISOString() }] })
    expect(late.statusCode).toBe(400)
    expect(late.json().error.details[0].field).toBe('fixes[0].at')
  })

  it('credits the time and distance inside each grid and along the segment within one sampling interval', async () => {
    const stopped = await post(`/api/patrols/${patrolId}/stop`, {})
    expect(stopped.statusCode, stopped.body).toBe(200)
    const patrol = stopped.json()
    expect(patrol.state).toBe('done')
    expect(patrol.ended_at).toBe(walk[walk.length - 1]!.at)
    const credit = (kind: string, code: string) => patrol.credits.find((c: { zone: { kind: string; code: string } }) => c.zone.kind === kind && c.zone.code === code)
    const tolerance = { seconds: STEP_S, metres: SPEED * STEP_S + 0.005 * 500 }
    let credited = 0
    for (const grid of street.grids) {
      const want = expected(walk, inArea(grid.area))
      if (want.seconds === 0) continue
      credited++
      const got = credit('grid', grid.code)
      expect(got, grid.code).toBeDefined()
      expect(Math.abs(got.seconds - want.seconds), `${grid.code} seconds ${got.seconds} vs ${want.seconds}`).toBeLessThanOrEqual(tolerance.seconds)
      expect(Math.abs(got.metres - want.metres), `${grid.code} metres ${got.metres} vs ${want.metres}`).toBeLessThanOrEqual(tolerance.metres)
    }
    expect(credited).toBe(2)
    const segment = expected(walk, nearArea(street.segmentArea, ACCURACY))
    const gotSegment = credit('segment', street.segment)
    expect(Math.abs(gotSegment.seconds - segment.seconds)).toBeLessThanOrEqual(tolerance.seconds)
    expect(Math.abs(gotSegment.metres - segment.metres)).toBeLessThanOrEqual(tolerance.metres)
    expect(credit('street', street.code).metres).toBeCloseTo(gotSegment.metres, 0)
    // Totals: every leg a walk or the minute's stop; the stop adds time and no distance.
    const all = expected(walk, () => true)
    expect(Math.abs(patrol.distance_m - all.metres)).toBeLessThanOrEqual(0.005 * all.metres + 0.5)
    expect(patrol.walking_s).toBeCloseTo(all.seconds, 0)
    expect(all.seconds).toBe((walk.length - 1) * STEP_S)
    // The stop: 12 legs of 5 s in one grid, no metres from the jitter.
    const standing = walk.findIndex((fix, i) => i > 0 && fix.lat === walk[i - 1]!.lat && Math.abs(fix.lon - walk[i - 1]!.lon) < 0.00001)
    expect(standing).toBeGreaterThan(0)
    // Stored as it was answered.
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM patrol_credit WHERE patrol_id = ${patrolId}`.execute(t.handle.db)
    expect(rows[0]!.n).toBe(patrol.credits.length)
  })

  it('gives a gap (over 5 minutes), a jump (over 300 m) and a leg faster than 10 m/s no time and no distance', async () => {
    const started = (await post('/api/patrols', {})).json()
    const base = Date.now() - 2 * 3600_000
    await sql`UPDATE patrol SET started_at = ${new Date(base).toISOString()}::timestamptz WHERE id = ${started.id}`.execute(t.handle.db)
    const fixes: Fix[] = []
    let time = base
    const at = (lon: number, lat: number, dt: number) => {
      time += dt * 1000
      fixes.push({ at: new Date(time).toISOString(), lon, lat })
    }
    const [lon0, lat0] = walk[0]!.lat ? [walk[0]!.lon, walk[0]!.lat] : [0, 0]
    const east = (metres: number) => metres / (111_320 * Math.cos((lat0 * Math.PI) / 180))
    for (let i = 0; i < 5; i++) at(lon0 + east(i * 6.5), lat0, i === 0 ? 0 : 5) // 4 walking legs, 26 m
    at(lon0 + east(26 + 400), lat0, 5) // a jump of 400 m in 5 s
    at(lon0 + east(426 + 6.5), lat0, 5) // a walking leg
    at(lon0 + east(432.5 + 6.5), lat0, 600) // 10 minutes without a fix: a gap
    at(lon0 + east(439 + 6.5), lat0, 5) // a walking leg
    at(lon0 + east(445.5 + 150), lat0, 10) // 150 m in 10 s: 15 m/s, a bus
    at(lon0 + east(595.5 + 6.5), lat0, 5) // a walking leg
    expect((await post(`/api/patrols/${started.id}/fixes`, { fixes })).statusCode).toBe(200)
    const done = (await post(`/api/patrols/${started.id}/stop`, {})).json()
    // 7 walking legs of 6.5 m and 5 s each.
    expect(done.distance_m).toBeCloseTo(7 * 6.5, 0)
    expect(done.walking_s).toBe(35)
  })

  const gpx = (fixes: Fix[], split: number) => `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>夜巡 &amp; 早巡</name></metadata>
  <trk><name>武林桥河下</name>
    <trkseg>
${fixes.slice(0, split).map((f) => `      <trkpt lat="${f.lat}" lon="${f.lon}"><ele>8.0</ele><time>${f.at}</time></trkpt>`).join('\n')}
    </trkseg>
    <!-- the app paused here -->
    <trkseg>
${fixes.slice(split).map((f) => `      <trkpt lat="${f.lat}" lon="${f.lon}"><time>${f.at}</time></trkpt>`).join('\n')}
    </trkseg>
  </trk>
</gpx>
`
  const upload = (body: string | Buffer, type = 'application/gpx+xml', who = auth.gridworker) =>
    t.app.inject({ method: 'POST', url: '/api/patrols/gpx', headers: { ...who, 'content-type': type }, payload: body })

  it('takes a GPX 1.1 file as a done patrol, credited like a phone walk; the step between track segments is not walked', async () => {
    const shifted = walk.map((f) => ({ ...f, at: new Date(Date.parse(f.at) - 86_400_000).toISOString() }))
    const response = await upload(gpx(shifted, 10))
    expect(response.statusCode, response.body).toBe(201)
    const patrol = response.json()
    expect(patrol).toMatchObject({ state: 'done', source: 'gpx', role: 'grid_worker', note: '武林桥河下', fixes: walk.length })
    // One leg fewer than the phone walk: the one from the first trkseg to the second.
    const skipped = turf.distance([walk[9]!.lon, walk[9]!.lat], [walk[10]!.lon, walk[10]!.lat], { units: 'meters' })
    expect(patrol.walking_s).toBeCloseTo((walk.length - 2) * STEP_S, 0)
    const phone = (await get(`/api/patrols/${patrolId}`)).json()
    expect(patrol.distance_m).toBeCloseTo(phone.distance_m - skipped, 0)
    for (const grid of street.grids) {
      const a = phone.credits.find((c: { zone: { code: string } }) => c.zone.code === grid.code)
      const b = patrol.credits.find((c: { zone: { code: string } }) => c.zone.code === grid.code)
      expect(Boolean(a)).toBe(Boolean(b))
      if (a) expect(Math.abs(a.seconds - b.seconds)).toBeLessThanOrEqual(STEP_S)
    }
  })

  it('refuses a malformed GPX naming the line and element, another content type (415) and a file over 8 MiB (413)', async () => {
    const broken = gpx(walk.slice(0, 5), 2).replace('<time>', '<tim>')
    const bad = await upload(broken)
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('invalid_format')
    expect(bad.json().error.message).toMatch(/line 6/)
    const noTime = gpx(walk.slice(0, 5), 2).replace(/<time>[^<]*<\/time>/, '')
    const untimed = await upload(noTime)
    expect(untimed.statusCode).toBe(400)
    expect(untimed.json().error.message).toMatch(/line 6, <trkpt>: has no <time>/)
    const badLat = await upload(gpx(walk.slice(0, 3), 1).replace(/lat="[^"]*"/, 'lat="north"'))
    expect(badLat.json().error.message).toMatch(/lat="north"/)
    const doctype = await upload('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "b">]><gpx version="1.1"></gpx>')
    expect(doctype.statusCode).toBe(400)
    expect((await upload(gpx(walk.slice(0, 3), 1), 'application/json')).statusCode).toBe(415)
    expect((await upload(gpx(walk.slice(0, 3), 1), 'text/plain')).statusCode).toBe(415)
    expect((await upload(gpx(walk.slice(0, 3), 1), 'application/xml')).statusCode).toBe(415)
    const huge = await upload(Buffer.alloc(9 * 1024 * 1024, 0x20))
    expect(huge.statusCode).toBe(413)
  })

  it('shows other roles aggregates only, in their scope; a track read by patrols.tracks is audited, one’s own is not', async () => {
    const asLeader = await get(`/api/patrols/${patrolId}`, auth.leader)
    expect(asLeader.statusCode).toBe(200)
    expect(asLeader.json().access).toBe('aggregates')
    expect(asLeader.json().credits.length).toBeGreaterThan(0)
    expect(asLeader.body).not.toContain(String(walk[3]!.lon))
    expect((await get(`/api/patrols/${patrolId}/track`, auth.leader)).statusCode).toBe(403)
    expect((await get(`/api/patrols/${patrolId}/track`, auth.planner)).json().error.details.permission).toBe('patrols.tracks')
    // 武林门社区's planner reads patrols there only: this walk is in 天水社区.
    const outside = await get(`/api/patrols/${patrolId}`, auth['planner.wulinmen'])
    expect(outside.statusCode).toBe(403)
    expect(outside.json().error.code).toBe('out_of_scope')
    expect((await get('/api/patrols', auth['planner.wulinmen'])).json().patrols.map((p: { id: number }) => p.id)).not.toContain(patrolId)
    expect((await get('/api/patrols', auth.planner)).json().patrols.map((p: { id: number }) => p.id)).toContain(patrolId)
    expect((await get(`/api/patrols/${patrolId}`, auth.viewer)).statusCode).toBe(403)
    // The chief records patrols but reads only their own.
    expect((await get(`/api/patrols/${patrolId}`, auth.chief)).statusCode).toBe(403)
    expect((await get('/api/patrols', auth.chief)).json().patrols).toEqual([])

    const audited = async () =>
      Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE action = 'patrol.track_read' AND object_id = ${String(patrolId)}`.execute(t.handle.db)).rows[0]!.n)
    const own = await get(`/api/patrols/${patrolId}/track`)
    expect(own.statusCode).toBe(200)
    expect(own.json().features).toHaveLength(walk.length)
    expect(await audited()).toBe(0)
    const admin = await t.app.inject({ method: 'GET', url: `/api/patrols/${patrolId}/track` })
    expect(admin.statusCode).toBe(200)
    expect(admin.json().features[0].geometry.coordinates[0]).toBeCloseTo(walk[0]!.lon, 9)
    expect(await audited()).toBe(1)
    // No positions were copied into the trail by the writes.
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE action LIKE 'patrol.%' AND after::text LIKE ${`%${walk[5]!.lon}%`}`.execute(t.handle.db)
    expect(rows[0]!.n).toBe(0)
  })

  it('files a finding on the patrol as a case with channel patrol that remembers the patrol', async () => {
    const db = t.handle.db
    const category = await db.selectFrom('category').select('id').where('name', '=', '占道经营').executeTakeFirstOrThrow()
    const middle = walk[Math.floor(walk.length / 3)]!
    const bad = await post(`/api/patrols/${patrolId}/findings`, { category_id: category.id, description: '', location: { lon: 500, lat: middle.lat } })
    expect(bad.statusCode).toBe(400)
    const response = await post(`/api/patrols/${patrolId}/findings`, { category_id: category.id, description: '巡查发现：门前占道堆放', location: { lon: middle.lon, lat: middle.lat }, accuracy_m: 5 })
    expect(response.statusCode, response.body).toBe(201)
    const created = response.json()
    expect(created.channel).toBe('patrol')
    const { rows } = await sql<{ patrol_id: number; channel: string }>`SELECT patrol_id, channel FROM case_file WHERE id = ${created.id}`.execute(db)
    expect(rows[0]).toEqual({ patrol_id: patrolId, channel: 'patrol' })
    expect((await get(`/api/patrols/${patrolId}`)).json().findings.map((f: { id: number }) => f.id)).toEqual([created.id])
    // Only the walker files findings on a patrol.
    expect((await post(`/api/patrols/${patrolId}/findings`, { category_id: category.id, description: 'x', location: { lon: middle.lon, lat: middle.lat } }, auth.chief)).statusCode).toBe(403)
  })

  it('imports a night\'s NDJSON of two walkers as two credited patrols, and a file with a bad line not at all', async () => {
    const db = t.handle.db
    const night = (fixes: Fix[], login: string) => fixes.map((f) => JSON.stringify({ login, at: new Date(Date.parse(f.at) - 2 * 86_400_000).toISOString(), lon: f.lon, lat: f.lat, accuracy_m: 8 }))
    const count = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM patrol WHERE source = 'batch'`.execute(db)).rows[0]!.n)
    const bad = [...night(walk.slice(0, 3), 'gridworker'), '{"login":"chief","at":"2026-12-01T20:00:00Z","lon":120.16,"lat":95}'].join('\n')
    const refused = await importBatchFile(db, 'night-bad.ndjson', bad, {}, defaultPatrolSettings).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(BatchError)
    expect((refused as Error).message).toBe('night-bad.ndjson:4: lat must be a number from -90 to 90')
    expect(await count()).toBe(0)
    const content = [...night(walk, 'gridworker'), ...night(walk.slice(0, 20), 'chief')].join('\n') + '\n'
    const result = await importBatchFile(db, 'night.ndjson', content, {}, defaultPatrolSettings)
    expect(result.patrols.map((p) => [p.walker, p.fixes])).toEqual([['gridworker', walk.length], ['chief', 20]])
    const phone = (await get(`/api/patrols/${patrolId}`)).json()
    expect(result.patrols[0]!.distance_m).toBeCloseTo(phone.distance_m, 0)
    const { rows } = await sql<{ role: string; n: number }>`
      SELECT p.role, (SELECT count(*)::int FROM patrol_credit c WHERE c.patrol_id = p.id AND c.zone_kind = 'grid') AS n FROM patrol p WHERE p.id = ${result.patrols[1]!.id}`.execute(db)
    expect(rows[0]).toEqual({ role: 'chief', n: 1 })
  })

  it('deletes positions older than the retention period and keeps the credits', async () => {
    const db = t.handle.db
    const before = (await get(`/api/patrols/${patrolId}`)).json()
    await runJobOnce(db, PATROL_RETENTION_JOB, new Date(Date.now() + 179 * 86_400_000))
    expect((await get(`/api/patrols/${patrolId}`)).json().fixes).toBe(walk.length)
    const later = new Date(Date.now() + 181 * 86_400_000)
    await runJobOnce(db, PATROL_RETENTION_JOB, later)
    const after = (await get(`/api/patrols/${patrolId}`)).json()
    expect(after.fixes).toBe(0)
    expect(after.fixes_purged_at).toBe(later.toISOString())
    expect(after.credits).toEqual(before.credits)
    expect(after.distance_m).toBe(before.distance_m)
    const track = (await get(`/api/patrols/${patrolId}/track`)).json()
    expect(track.features).toEqual([])
    expect(track.fixes_purged_at).toBe(later.toISOString())
  })

  it('discards a patrol: no positions, no credits, counted for nothing', async () => {
    const started = (await post('/api/patrols', {})).json()
    expect((await post(`/api/patrols/${started.id}/fixes`, { fixes: [{ at: new Date(Date.now() - 1000).toISOString(), lon: walk[0]!.lon, lat: walk[0]!.lat }] })).statusCode).toBe(200)
    const discarded = (await post(`/api/patrols/${started.id}/discard`, {})).json()
    expect(discarded).toMatchObject({ state: 'discarded', fixes: 0, credits: [], distance_m: null })
    expect((await post(`/api/patrols/${started.id}/stop`, {})).statusCode).toBe(409)
  })
})
