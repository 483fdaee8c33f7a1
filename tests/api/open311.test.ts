import { sql } from 'kysely'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { runOpen311Client } from '../../scripts/open311-client.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * Open311 GeoReport v2 (docs/open311.md) over a listening test app: the service list (with a
 * point, only what is handled there), a service definition, requests posted form-encoded and as
 * JSON with api_key or a Bearer token, read back as open, and GeoReport's error format.
 */
let t: TestApp
let endpoint: string
let point: { lon: number; lat: number }
let served: { id: number; code: string; name: string }
let unservedCode: string
const reporterKey = 'jz-open311-reporter-token-000001'
const viewerKey = 'jz-open311-viewer-token-00000001'

beforeAll(async () => {
  t = await createTestApp()
  const db = t.handle.db
  await createApiToken(db, (await accountIdByLogin(db, 'dispatcher'))!, reporterKey, 'open311 test')
  await createApiToken(db, (await accountIdByLogin(db, 'viewer'))!, viewerKey, 'open311 viewer')
  const { rows } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE code = '330105003') s`.execute(db)
  point = rows[0]!
  // The categories routed at a zone under the point, found independently of the route.
  const { rows: routed } = await sql<{ id: number; name: string }>`
    SELECT DISTINCT c.id, c.name FROM category c JOIN category_route r ON r.category_id = c.id JOIN zone z ON z.id = r.zone_id
     WHERE ST_Intersects(z.area, ST_SetSRID(ST_MakePoint(${point.lon}, ${point.lat}), 4326)) ORDER BY c.id`.execute(db)
  const routes = await sql<{ n: number }>`SELECT count(*)::int AS n FROM category_route`.execute(db)
  expect(routed.length, `${routes.rows[0]!.n} category routes in all; point ${JSON.stringify(point)}`).toBeGreaterThan(0)
  await sql`UPDATE category SET code = 'manhole' WHERE id = ${routed[0]!.id}`.execute(db)
  served = { id: routed[0]!.id, code: 'manhole', name: routed[0]!.name }
  const unserved = await db.insertInto('category').values({ name: '开放接口测试：无人处理' }).returning('id').executeTakeFirstOrThrow()
  unservedCode = String(unserved.id)
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  endpoint = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/open311/v2`
})

afterAll(async () => t?.close())

describe('Open311 GeoReport v2', () => {
  it('services.json lists the public categories; with lat/long only those handled at the point', async () => {
    const all = (await (await fetch(`${endpoint}/services.json`)).json()) as { service_code: string; metadata: boolean; type: string }[]
    expect(all.map((s) => s.service_code)).toContain(unservedCode)
    expect(all.find((s) => s.service_code === 'manhole')).toMatchObject({ service_name: served.name, metadata: false, type: 'realtime' })
    const here = (await (await fetch(`${endpoint}/services.json?lat=${point.lat}&long=${point.lon}`)).json()) as { service_code: string }[]
    expect(here.map((s) => s.service_code)).toContain('manhole')
    expect(here.map((s) => s.service_code)).not.toContain(unservedCode)
    const definition = await fetch(`${endpoint}/services/manhole.json`)
    expect(await definition.json()).toEqual({ service_code: 'manhole', attributes: [] })
  })

  it("answers errors in GeoReport's format", async () => {
    const unknown = await fetch(`${endpoint}/services/nothing-here.json`)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual([{ code: 404, description: expect.stringContaining('nothing-here') }])
    const badLat = await fetch(`${endpoint}/services.json?lat=north&long=120`)
    expect(badLat.status).toBe(400)
    expect(((await badLat.json()) as { description: string }[])[0]!.description).toContain('lat')
    const anonymous = await fetch(`${endpoint}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'service_code=manhole&lat=30&long=120&description=x' })
    expect(anonymous.status).toBe(401)
    expect(((await anonymous.json()) as { code: number }[])[0]!.code).toBe(401)
    const viewer = await fetch(`${endpoint}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `api_key=${viewerKey}&service_code=manhole&lat=${point.lat}&long=${point.lon}&description=x` })
    expect(viewer.status).toBe(403)
    const noDescription = await fetch(`${endpoint}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${reporterKey}` }, body: JSON.stringify({ service_code: 'manhole', lat: point.lat, long: point.lon }) })
    expect(noDescription.status).toBe(400)
    expect(((await noDescription.json()) as { description: string }[])[0]!.description).toContain('description')
  })

  it('scripts/open311-client.ts lists services at the point, posts a request and reads it back open', async () => {
    const result = await runOpen311Client({ endpoint, apiKey: reporterKey, lat: point.lat, long: point.lon, service: 'manhole', description: '井盖缺失，开放接口上报', address: '天水街道' })
    expect(result.serviceRequestId).toMatch(/^\d{8}-\d{4,}$/)
    expect(result.status).toBe('open')
    expect(result.request).toMatchObject({ service_code: 'manhole', service_name: served.name, address: '天水街道', extended_attributes: { state: 'reported' } })
    // Anonymous readers do not get what the citizen wrote; a reader of cases does.
    expect(result.request.description).toBe('')
    const staff = await fetch(`${endpoint}/requests/${result.serviceRequestId}.json`, { headers: { authorization: `Bearer ${reporterKey}` } })
    expect(((await staff.json()) as { description: string }[])[0]!.description).toBe('井盖缺失，开放接口上报')
    const row = await t.handle.db.selectFrom('account').select('id').where('login', '=', 'dispatcher').executeTakeFirstOrThrow()
    const { rows } = await sql<{ channel: string; reporter_account_id: number; state: string }>`
      SELECT channel, reporter_account_id, state FROM case_file WHERE number = ${result.serviceRequestId}`.execute(t.handle.db)
    expect(rows[0]).toEqual({ channel: 'open311', reporter_account_id: row.id, state: 'reported' })
    const list = (await (await fetch(`${endpoint}/requests.json?status=open&service_code=manhole`)).json()) as { service_request_id: string }[]
    expect(list.map((r) => r.service_request_id)).toContain(result.serviceRequestId)
    const closed = (await (await fetch(`${endpoint}/requests.json?status=closed&service_code=manhole`)).json()) as { service_request_id: string }[]
    expect(closed.map((r) => r.service_request_id)).not.toContain(result.serviceRequestId)
  })

  it('keeps a posted media_url and gives it back; a case with a public photo gives its stripped photo as media_url; a bad media_url is 400 and writes nothing', async () => {
    const withLink = await runOpen311Client({ endpoint, apiKey: reporterKey, lat: point.lat, long: point.lon, service: 'manhole', description: '井盖缺失（带照片链接）', mediaUrl: 'https://img.example.cn/12345/photo.jpg' })
    expect(withLink.request.media_url).toBe('https://img.example.cn/12345/photo.jpg')
    const stored = await sql<{ media_url: string }>`SELECT media_url FROM case_file WHERE number = ${withLink.serviceRequestId}`.execute(t.handle.db)
    expect(stored.rows[0]!.media_url).toBe('https://img.example.cn/12345/photo.jpg')

    const plain = await runOpen311Client({ endpoint, apiKey: reporterKey, lat: point.lat, long: point.lon, service: 'manhole', description: '井盖缺失（无照片）' })
    expect(plain.request.media_url).toBe('')
    // A photo added to that case (as the desk does): media_url now points to it, served without its EXIF.
    const id = (await sql<{ id: number }>`SELECT id FROM case_file WHERE number = ${plain.serviceRequestId}`.execute(t.handle.db)).rows[0]!.id
    const segment = (marker: number, payload: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload])
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8]), segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
      segment(0xe1, Buffer.from('Exif\0\0MM\0*GPSLatitude 30.27', 'latin1')), segment(0xdb, Buffer.alloc(65, 1)),
      segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])), Buffer.from([0x12, 0x34, 0xff, 0xd9]),
    ])
    const upload = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/photos?purpose=report`, headers: { 'content-type': 'image/jpeg' }, payload: jpeg })
    expect(upload.statusCode, upload.body).toBe(201)
    const [read] = (await (await fetch(`${endpoint}/requests/${plain.serviceRequestId}.json`)).json()) as { media_url: string }[]
    expect(read!.media_url).toBe(`http://jiezhang.test/open311/v2/media/${plain.serviceRequestId}/${upload.json().id}`)
    const media = await fetch(`${endpoint}${new URL(read!.media_url).pathname.replace('/open311/v2', '')}`)
    expect(media.status).toBe(200)
    expect(media.headers.get('content-type')).toBe('image/jpeg')
    const bytes = Buffer.from(await media.arrayBuffer())
    expect(bytes.includes(Buffer.from('GPSLatitude'))).toBe(false)
    expect(bytes.includes(Buffer.from('JFIF'))).toBe(true)
    expect((await fetch(`${endpoint}/media/${plain.serviceRequestId}/999999`)).status).toBe(404)

    const before = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM case_file`.execute(t.handle.db)).rows[0]!.n)
    for (const bad of ['ftp://img.example.cn/x.jpg', 'not a url', `https://img.example.cn/${'x'.repeat(1000)}`]) {
      const response = await fetch(`${endpoint}/requests.json`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: reporterKey, service_code: 'manhole', lat: String(point.lat), long: String(point.lon), description: 'x', media_url: bad }),
      })
      expect(response.status, bad).toBe(400)
      expect(((await response.json()) as { description: string }[])[0]!.description).toContain('media_url')
    }
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM case_file`.execute(t.handle.db)).rows[0]!.n)).toBe(before)
  })

  it('discovery.json names this endpoint, GeoReport v2, JSON', async () => {
    const discovery = (await (await fetch(`${endpoint}/discovery.json`)).json()) as { endpoints: { specification: string; url: string; formats: string[] }[] }
    expect(discovery.endpoints).toEqual([expect.objectContaining({ specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://jiezhang.test/open311/v2', formats: ['application/json'] })])
  })
})
