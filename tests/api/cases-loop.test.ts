import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'

/**
 * Issue 10's closed loop through HTTP (the cases part; the weekend/调休 due times and the
 * escalation of an overdue case are the deadlines helper's file): a citizen's report on a demo
 * frontage reaches its merchant and the department of its category; a report in a grid reaches
 * the grid chief; one in a coverage gap the fall-back party, flagged; the citizen's case is
 * filed, dispatched, handled with a photo, sent back once, handled again, verified, closed and
 * rated. Bad input writes nothing. Expected parties come from data/demo/tianshui.geojson.
 */

interface DemoFeature {
  properties: Record<string, unknown> & { kind: string; code: string; name: string }
}
const demo = JSON.parse(readFileSync(new URL('../../data/demo/tianshui.geojson', import.meta.url), 'utf8')) as { features: DemoFeature[] }
const feature = (code: string) => demo.features.find((f) => f.properties.code === code)!.properties
const subdistrict = feature('330105003') as unknown as { categories: Record<string, string> }

const CATEGORY = '占道经营'
const GRID = '33010500300201'
const GAP_GRID = '33010500300202'

/** A JPEG-shaped file carrying an EXIF block with a GPS position and a comment, built by hand. */
function jpegWithGps(): Buffer {
  const segment = (marker: number, payload: Buffer) => {
    const head = Buffer.alloc(4)
    head[0] = 0xff
    head[1] = marker
    head.writeUInt16BE(payload.length + 2, 2)
    return Buffer.concat([head, payload])
  }
  const app0 = segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'))
  const exif = segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0MM\0*', 'latin1'), Buffer.from('GPSLatitude 30.2741 GPSLongitude 120.1551', 'latin1')]))
  const comment = segment(0xfe, Buffer.from('taken at home', 'latin1'))
  const dqt = segment(0xdb, Buffer.alloc(65, 1))
  const sos = Buffer.concat([segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])), Buffer.from([0x12, 0x34, 0x56, 0xff, 0x00, 0x78]), Buffer.from([0xff, 0xd9])])
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, exif, comment, dqt, sos])
}
const PNG_BYTES = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(25)])

describe('the closed loop of a case (cases)', () => {
  let t: TestApp
  const auth = {} as Record<'dispatcher' | 'handler' | 'chief' | 'gridworker' | 'viewer' | 'planner.wulinmen', { authorization: string }>
  const anonymous = { authorization: undefined }
  let categoryId: number
  let departmentId: number
  let frontage: { code: string; merchant: string; lon: number; lat: number }
  let gridPoint: { lon: number; lat: number }
  let gapPoint: { lon: number; lat: number }

  const count = async (table: 'case_file' | 'case_event' | 'case_photo') =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.handle.db)).rows[0]!.n)
  const counts = async () => [await count('case_file'), await count('case_event'), await count('case_photo')]

  /** A point of the zone outside every other owner zone (frontage, segment, street). */
  async function innerPoint(code: string): Promise<{ lon: number; lat: number }> {
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(ST_Difference(
        (SELECT area FROM zone WHERE code = ${code}),
        (SELECT ST_Union(area) FROM zone WHERE kind IN ('frontage', 'segment', 'street')))) AS p) s`.execute(t.handle.db)
    return { lon: Number(rows[0]!.lon), lat: Number(rows[0]!.lat) }
  }

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    for (const login of ['dispatcher', 'handler', 'chief', 'gridworker', 'viewer', 'planner.wulinmen']) {
      const token = `jz-cases-${login.replace('.', '-')}-token-000000000001`
      await createApiToken(db, (await accountIdByLogin(db, login))!, token, `cases test: ${login}`)
      auth[login as keyof typeof auth] = { authorization: `Bearer ${token}` }
    }
    categoryId = (await db.selectFrom('category').select('id').where('name', '=', CATEGORY).executeTakeFirstOrThrow()).id
    departmentId = (await db.selectFrom('party').select('id').where('name', '=', subdistrict.categories[CATEGORY]!).executeTakeFirstOrThrow()).id
    const shop = demo.features.find((f) => f.properties.kind === 'frontage' && f.properties.merchant)!.properties
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE code = ${shop.code}) s`.execute(db)
    frontage = { code: shop.code, merchant: (shop.merchant as { name: string }).name, lon: Number(rows[0]!.lon), lat: Number(rows[0]!.lat) }
    gridPoint = await innerPoint(GRID)
    gapPoint = await innerPoint(GAP_GRID)
    // The deliberate coverage gap: the grid goes, its community's fall-back party answers.
    const gap = await db.selectFrom('zone').select('id').where('code', '=', GAP_GRID).executeTakeFirstOrThrow()
    await sql`DELETE FROM assignment WHERE zone_id = ${gap.id}`.execute(db)
    await sql`DELETE FROM category_route WHERE zone_id = ${gap.id}`.execute(db)
    await sql`DELETE FROM zone WHERE id = ${gap.id}`.execute(db)
  })
  afterAll(async () => t?.close())

  const act = (id: number, body: Record<string, unknown>, who: { authorization: string | undefined }) =>
    t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions`, headers: who, payload: body })
  const photo = (id: number, purpose: string, bytes: Buffer, type: string, who: { authorization: string | undefined }) =>
    t.app.inject({ method: 'POST', url: `/api/cases/${id}/photos?purpose=${purpose}`, headers: { ...who, 'content-type': type }, payload: bytes })

  let citizen: { number: string; token: string; id: number }

  it('routes a citizen report on a demo frontage to its merchant and its category\'s department', async () => {
    const categories = await t.app.inject({ method: 'GET', url: `/api/public/categories?lon=${frontage.lon}&lat=${frontage.lat}`, headers: anonymous })
    expect(categories.statusCode).toBe(200)
    expect(categories.json().map((c: { name: string }) => c.name)).toContain(CATEGORY)

    const response = await t.app.inject({
      method: 'POST', url: '/api/public/cases', headers: anonymous,
      payload: { signboard_code: frontage.code, category_id: categoryId, description: '门前占道堆放货物', location: { lon: frontage.lon, lat: frontage.lat, accuracy_m: 5 }, reporter_phone: '13800000053' },
    })
    expect(response.statusCode, response.body).toBe(201)
    const created = response.json()
    expect(created.number).toMatch(/^\d{8}-\d{4}$/)
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(created.follow_url).toBe(`http://jiezhang.test/c/${created.token}`)
    const id = Number((await sql<{ id: number }>`SELECT id FROM case_file WHERE number = ${created.number}`.execute(t.handle.db)).rows[0]!.id)
    citizen = { ...created, id }

    const view = (await t.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: auth.dispatcher })).json()
    expect(view.state).toBe('reported')
    expect(view.channel).toBe('qr')
    expect(view.owner.name).toBe(frontage.merchant)
    expect(view.owner.duty).toBe('merchant')
    expect(view.owner.zone.code).toBe(frontage.code)
    expect(view.department.name).toBe(subdistrict.categories[CATEGORY])
    expect(view.routing.chain[0].zone.code).toBe(frontage.code)
    expect(view.flags).not.toContain('coverage_gap')
    expect(view.actions).toEqual(expect.arrayContaining(['file', 'void', 'mark_duplicate']))
    // The dispatcher has cases.contact in 拱墅区: the phone unmasked.
    expect(view.reporter.phone).toBe('138-0000-0053')
  })

  it('routes a patrol report inside a grid to the grid chief, and one in a coverage gap to the fall-back party, flagged', async () => {
    const grid = await t.app.inject({
      method: 'POST', url: '/api/cases', headers: auth.gridworker,
      payload: { channel: 'patrol', category_id: categoryId, description: '网格内占道', location: { ...gridPoint }, accuracy_m: 3 },
    })
    expect(grid.statusCode, grid.body).toBe(201)
    expect(grid.json().owner.name).toBe((feature(GRID).chief as { name: string }).name)
    expect(grid.json().owner.duty).toBe('chief')
    expect(grid.json().flags).not.toContain('coverage_gap')

    const gap = await t.app.inject({
      method: 'POST', url: '/api/cases', headers: auth.dispatcher,
      payload: { channel: 'hotline', category_id: categoryId, description: '12345 来电：空白区域占道', location: { ...gapPoint }, reporter_phone: '0571-87001234' },
    })
    expect(gap.statusCode, gap.body).toBe(201)
    const community = feature(String(feature(GAP_GRID).parent)) as unknown as { fallback: { name: string } }
    expect(gap.json().owner.name).toBe(community.fallback.name)
    expect(gap.json().owner.duty).toBe('fallback')
    expect(gap.json().flags).toContain('coverage_gap')
  })

  it('offers the open report nearby as a possible duplicate before filing, and writes nothing', async () => {
    const before = await counts()
    const preview = await t.app.inject({
      method: 'POST', url: '/api/cases/preview', headers: auth.dispatcher,
      payload: { category_id: categoryId, location: { lon: frontage.lon + 0.0001, lat: frontage.lat } },
    })
    expect(preview.statusCode, preview.body).toBe(200)
    expect(preview.json().duplicates.map((d: { number: string }) => d.number)).toContain(citizen.number)
    expect(preview.json().flags).toContain('possible_duplicate')
    expect(preview.json().owner.party_id).toBeTypeOf('number')
    expect(await counts()).toEqual(before)
  })

  it('runs the loop: filed, dispatched, handled with a photo, sent back, handled again, verified and closed, rated', async () => {
    const id = citizen.id
    let version = 1
    const step = async (who: { authorization: string }, body: Record<string, unknown>, state: string) => {
      const response = await act(id, { version, ...body }, who)
      expect(response.statusCode, response.body).toBe(200)
      expect(response.json().state).toBe(state)
      version = response.json().version
      return response.json()
    }
    await step(auth.dispatcher, { action: 'file' }, 'filed')
    const dispatched = await step(auth.dispatcher, { action: 'dispatch', assignee_party_id: departmentId, note: '请天水中队处置' }, 'dispatched')
    expect(dispatched.assignee).toEqual({ id: departmentId, name: subdistrict.categories[CATEGORY] })
    expect(dispatched.dispatched_at).not.toBeNull()

    // The handler (party scope on the department) sees it among theirs, with the phone masked.
    const mine = (await t.app.inject({ method: 'GET', url: '/api/cases?mine=true', headers: auth.handler })).json()
    expect(mine.cases.map((c: { id: number }) => c.id)).toContain(id)
    const handlerView = (await t.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: auth.handler })).json()
    expect(handlerView.reporter.phone).toBe('138****0053')
    expect(handlerView.actions).toEqual(expect.arrayContaining(['accept', 'hand_back', 'handle', 'request_extension']))
    expect((await t.app.inject({ method: 'GET', url: `/api/cases/${id}/reporter`, headers: auth.handler })).statusCode).toBe(403)

    await step(auth.handler, { action: 'accept' }, 'accepted')
    // Handled needs a feedback photo.
    const noPhoto = await act(id, { version, action: 'handle', note: '已清理' }, auth.handler)
    expect(noPhoto.statusCode).toBe(422)
    expect(noPhoto.json().error.code).toBe('photo_required')
    const upload = await photo(id, 'feedback', jpegWithGps(), 'image/jpeg', auth.handler)
    expect(upload.statusCode, upload.body).toBe(201)
    const stored = await t.app.inject({ method: 'GET', url: `/api/cases/${id}/photos/${upload.json().id}`, headers: auth.dispatcher })
    expect(stored.statusCode).toBe(200)
    expect(stored.headers['content-type']).toBe('image/jpeg')
    expect(stored.rawPayload.includes(Buffer.from('GPSLatitude'))).toBe(false)
    expect(stored.rawPayload.includes(Buffer.from('taken at home'))).toBe(false)
    expect(stored.rawPayload.includes(Buffer.from('JFIF'))).toBe(true)
    expect(upload.json().byte_size).toBe(stored.rawPayload.length)

    const handled = await step(auth.handler, { action: 'handle', note: '已清理（内部）', photo_ids: [upload.json().id] }, 'handled')
    expect(handled.events.at(-1).photo_ids).toEqual([upload.json().id])
    const sentBack = await step(auth.dispatcher, { action: 'send_back', reason: '现场仍有货物' }, 'dispatched')
    expect(sentBack.rework_count).toBe(1)
    const second = await photo(id, 'feedback', jpegWithGps(), 'image/jpeg', auth.handler)
    await step(auth.handler, { action: 'handle', note: '复查已清理', photo_ids: [second.json().id] }, 'handled')
    const closed = await step(auth.dispatcher, { action: 'close', note: '核查通过' }, 'closed')
    expect(closed.closed_at).not.toBeNull()
    expect(closed.events.map((e: { action: string }) => e.action)).toEqual([
      'reported', 'filed', 'dispatched', 'accepted', 'handled', 'sent_back', 'handled', 'closed',
    ])

    // The citizen's page: the public steps only, no reporter, no internal notes.
    const follow = await t.app.inject({ method: 'GET', url: `/api/public/cases/${citizen.token}`, headers: anonymous })
    expect(follow.statusCode).toBe(200)
    expect(follow.json().events.map((e: { action: string }) => e.action)).toEqual(['reported', 'filed', 'dispatched', 'handled', 'handled', 'closed'])
    expect(follow.json().can_rate).toBe(true)
    expect(follow.body).not.toContain('0053')
    expect(follow.body).not.toContain('内部')
    expect(follow.body).not.toContain('现场仍有货物')
    const publicPhoto = await t.app.inject({ method: 'GET', url: `/api/public/cases/${citizen.token}/photos/${follow.json().photos[0]}`, headers: anonymous })
    expect(publicPhoto.statusCode).toBe(200)
    expect(publicPhoto.rawPayload.includes(Buffer.from('GPSLatitude'))).toBe(false)

    const rated = await t.app.inject({ method: 'POST', url: `/api/public/cases/${citizen.token}/rating`, headers: anonymous, payload: { rating: 5, comment: '很快' } })
    expect(rated.statusCode, rated.body).toBe(200)
    expect(rated.json().state).toBe('evaluated')
    expect(rated.json().rating).toBe(5)
    const again = await t.app.inject({ method: 'POST', url: `/api/public/cases/${citizen.token}/rating`, headers: anonymous, payload: { rating: 1 } })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('invalid_transition')
  })

  it('refuses a transition out of order (409 naming the state) and a stale version, writing nothing', async () => {
    const id = citizen.id
    const current = (await t.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: auth.dispatcher })).json()
    const before = await counts()
    const outOfOrder = await act(id, { version: current.version, action: 'dispatch' }, auth.dispatcher)
    expect(outOfOrder.statusCode).toBe(409)
    expect(outOfOrder.json().error.code).toBe('invalid_transition')
    expect(outOfOrder.json().error.message).toContain('evaluated')
    expect(outOfOrder.json().error.details.state).toBe('evaluated')
    const stale = await act(id, { version: current.version - 1, action: 'dispatch' }, auth.dispatcher)
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error.details.current_version).toBe(current.version)
    expect(await counts()).toEqual(before)
  })

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const before = await counts()
    const outside = await t.app.inject({
      method: 'POST', url: '/api/cases', headers: auth.dispatcher,
      payload: { channel: 'hotline', category_id: categoryId, description: '上海的问题', location: { lon: 121.47, lat: 31.23 } },
    })
    expect(outside.statusCode).toBe(422)
    expect(outside.json().error.code).toBe('outside_jurisdiction')
    const unknown = await t.app.inject({
      method: 'POST', url: '/api/cases', headers: auth.dispatcher,
      payload: { channel: 'hotline', category_id: 999999, description: 'x', location: { lon: frontage.lon, lat: frontage.lat } },
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().error.details[0].field).toBe('category_id')
    const badPhone = await t.app.inject({
      method: 'POST', url: '/api/public/cases', headers: anonymous,
      payload: { category_id: categoryId, description: 'x', location: { lon: frontage.lon, lat: frontage.lat }, reporter_phone: '12' },
    })
    expect(badPhone.statusCode).toBe(400)
    expect(badPhone.json().error.details[0].field).toBe('reporter_phone')
    const huge = await photo(citizen.id, 'report', Buffer.alloc(20 * 1024 * 1024, 0xff), 'image/jpeg', auth.dispatcher)
    expect(huge.statusCode).toBe(413)
    expect(huge.json().error.code).toBe('payload_too_large')
    const text = await photo(citizen.id, 'report', Buffer.from('hello'), 'text/plain', auth.dispatcher)
    expect(text.statusCode).toBe(415)
    const gif = await photo(citizen.id, 'report', Buffer.from('GIF89a....'), 'image/gif', auth.dispatcher)
    expect(gif.statusCode).toBe(415)
    const disguised = await photo(citizen.id, 'report', PNG_BYTES, 'image/jpeg', auth.dispatcher)
    expect(disguised.statusCode).toBe(415)
    expect(disguised.json().error.message).toContain('image/png')
    expect(await counts()).toEqual(before)
  })

  it('scopes reads: a planner of another community does not see 天水社区\'s grid case; the reporter unmasking is audited', async () => {
    const list = (await t.app.inject({ method: 'GET', url: '/api/cases?limit=200', headers: auth['planner.wulinmen'] })).json()
    const all = (await t.app.inject({ method: 'GET', url: '/api/cases?limit=200', headers: auth.dispatcher })).json()
    expect(all.cases.length).toBe(await count('case_file'))
    const gridCase = all.cases.find((c: { description: string }) => c.description === '网格内占道')
    expect(list.cases.map((c: { id: number }) => c.id)).not.toContain(gridCase.id)
    const forbidden = await t.app.inject({ method: 'GET', url: `/api/cases/${gridCase.id}`, headers: auth['planner.wulinmen'] })
    expect(forbidden.statusCode).toBe(403)

    const gapCase = all.cases.find((c: { channel: string }) => c.channel === 'hotline')
    const reporter = await t.app.inject({ method: 'GET', url: `/api/cases/${gapCase.id}/reporter`, headers: auth.dispatcher })
    expect(reporter.statusCode).toBe(200)
    expect(reporter.json().phone).toBe('0571-8700-1234')
    const audit = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_event WHERE action = 'case.reporter_unmask' AND object_id = ${String(gapCase.id)}`.execute(t.handle.db)
    expect(Number(audit.rows[0]!.n)).toBe(1)

    const map = (await t.app.inject({ method: 'GET', url: '/api/cases/map?bbox=120.1,30.2,120.2,30.3', headers: auth.dispatcher })).json()
    expect(map.type).toBe('FeatureCollection')
    // The evaluated case is no longer open.
    expect(map.features.map((f: { id: number }) => f.id)).not.toContain(citizen.id)
    expect(map.features.every((f: { properties: { urgency: string } }) => f.properties.urgency === 'none')).toBe(true)
  })
})
