import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app.js'
import { isErrorCode } from '../../server/kernel/error-codes.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle, seedZone } from '../helpers/seed.js'

/** Issue 13: input a client should never send must get a 4xx in the envelope, never a 500. */
describe('hostile input', () => {
  let t: TestApp
  let grid: number

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    const district = await seedZone(t.handle.db, { kind: 'district', code: '330105', geometry: rectangle(120.1, 30.2, 120.3, 30.4) })
    grid = district
  })
  afterAll(async () => t?.close())

  async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: string | Buffer | object, headers?: Record<string, string>) {
    const response = await t.app.inject({ method, url, ...(payload !== undefined ? { payload } : {}), ...(headers ? { headers } : {}) })
    const body = response.json() as { error?: { code: string; message: string; details?: { field?: string; reason: string }[] } }
    return { status: response.statusCode, error: body.error, length: response.body.length }
  }

  it('refuses a NUL byte in a query, a path parameter or a body with 400 invalid_text naming the field', async () => {
    const answers: [string, Awaited<ReturnType<typeof call>>, string][] = [
      ['query', await call('GET', '/api/zones?q=a%00b'), 'querystring.q'],
      ['body', await call('POST', '/api/parties', { type: 'chief', name: 'a\u0000b' }), 'body.name'],
      ['public page', await call('GET', '/r/a%00b'), 'params.code'],
      ['by code', await call('GET', '/api/zones/by-code/grid/a%00b'), 'params.code'],
      ['category', await call('PUT', `/api/zones/${grid}/categories/a%00b`, { department: 'x' }), 'params.category'],
      ['nested', await call('POST', '/api/resolve/batch', { points: [{ id: 'a\u0000', lon: 120.15, lat: 30.27 }] }), 'body.points.0.id'],
    ]
    for (const [what, answer, field] of answers) {
      expect(answer, what).toMatchObject({ status: 400, error: { code: 'invalid_text', details: [expect.objectContaining({ field })] } })
    }
  })

  it('refuses C0 and C1 control characters in a name, but keeps tab and line feed', async () => {
    expect(await call('POST', '/api/parties', { type: 'chief', name: '网格\u0008名' })).toMatchObject({
      status: 400,
      error: { code: 'invalid_text', details: [{ field: 'body.name', reason: expect.stringContaining('U+0008') }] },
    })
    expect((await call('POST', '/api/parties', { type: 'chief', name: 'a\u0085b' })).status).toBe(400)
    expect((await call('POST', '/api/parties', { type: 'chief', name: 'a\ud800b' })).status).toBe(400)
    expect((await call('POST', '/api/parties', { type: 'chief', name: '张\t三' })).status).toBe(201)
  })

  it('refuses a body that is not UTF-8 with 400, and a charset other than UTF-8 with 415', async () => {
    const latin1 = Buffer.from('{"type":"chief","name":"a\xff"}', 'latin1')
    expect(await call('POST', '/api/parties', latin1, { 'content-type': 'application/json' })).toMatchObject({
      status: 400,
      error: { code: 'invalid_request', message: expect.stringContaining('UTF-8') },
    })
    const utf16 = Buffer.from(JSON.stringify({ type: 'chief', name: 'x' }), 'utf16le')
    expect(await call('POST', '/api/parties', utf16, { 'content-type': 'application/json; charset=utf-16' })).toMatchObject({
      status: 415,
      error: { code: 'unsupported_media_type' },
    })
    const geoJson = Buffer.from('{"type":"FeatureCollection","features":[{"name":"\xc3"}]}', 'latin1')
    expect((await call('POST', '/api/import', geoJson, { 'content-type': 'application/geo+json' })).status).toBe(400)
    const utf8 = Buffer.from(JSON.stringify({ type: 'chief', name: '李四' }), 'utf8')
    expect((await call('POST', '/api/parties', utf8, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(201)
  })

  it('refuses a query key given twice with 400 naming it', async () => {
    expect(await call('GET', '/api/resolve?lon=120.16&lon=121&lat=30.27')).toMatchObject({
      status: 400,
      error: { code: 'invalid_request', details: [{ field: 'querystring.lon', reason: expect.stringContaining('once') }] },
    })
  })

  it('reads ids in decimal digits only, within int4', async () => {
    for (const id of ['0x10', '1e3', '%2016', '1.0', '2147483648', '99999999999999999999']) {
      expect(await call('GET', `/api/zones/${id}`), id).toMatchObject({ status: 400, error: { code: 'invalid_request', details: [{ field: 'params.id' }] } })
    }
    expect((await call('GET', `/api/zones/${grid}`)).status).toBe(200)
    expect((await call('GET', '/api/resolve?lon=0x10&lat=30.27')).status).toBe(400)
    expect((await call('GET', '/api/resolve?lon=1.2e2&lat=30.27')).status).toBe(200)
  })

  it('answers a path that is not UTF-8 and an over-long path parameter in the envelope without echoing it', async () => {
    expect(await call('GET', '/api/zones/%FF')).toMatchObject({ status: 400, error: { code: 'invalid_request' } })
    const long = await call('GET', `/api/zones/by-code/grid/${'x'.repeat(50_000)}`)
    expect(long).toMatchObject({ status: 414, error: { code: 'uri_too_long' } })
    expect(long.length).toBeLessThan(1000)
    for (const answer of [long]) expect(isErrorCode(answer.error?.code)).toBe(true)
  })
})

describe('request timeouts', () => {
  it('closes a connection whose headers never finish, within the headers timeout', async () => {
    const app = await buildApp({ db: {} as never, timeouts: { headersMs: 500, requestMs: 1000, idleMs: 1000, checkIntervalMs: 100 } })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = new URL(address)
    const started = Date.now()
    const closed = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n'))
      socket.on('data', () => {})
      socket.on('close', () => resolve(Date.now() - started))
      socket.on('error', reject)
      setTimeout(() => reject(new Error('still open after 5 s')), 5000)
    })
    await app.close()
    expect(closed).toBeLessThan(2500)
  })
})

describe('a request line Node cannot parse', () => {
  it('answers raw UTF-8 bytes in the URL with a 400 in the envelope that says to percent-encode', async () => {
    const app = await buildApp({ db: {} as never })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = new URL(address)
    const answer = await new Promise<string>((resolve, reject) => {
      let text = ''
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.write(Buffer.concat([Buffer.from('GET /api/resolve?lon=120.16&lat=30.27&category='), Buffer.from('占道经营', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])),
      )
      socket.on('data', (chunk) => (text += chunk.toString('utf8')))
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
      setTimeout(() => reject(new Error('no answer after 5 s')), 5000)
    })
    await app.close()
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))
    expect(body.error.code).toBe('invalid_request')
    expect(body.error.message).toMatch(/percent-encoded/)
  })
})

describe('a full disk', () => {
  it('answers ENOSPC and the database’s disk_full with 507 insufficient_storage', async () => {
    const app = await buildApp({ db: {} as never })
    app.get('/test/enospc', async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    app.get('/test/disk-full', async () => {
      throw Object.assign(new Error('could not extend file'), { code: '53100' })
    })
    for (const url of ['/test/enospc', '/test/disk-full']) {
      const response = await app.inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(507)
      expect(response.json().error).toMatchObject({ code: 'insufficient_storage', message: expect.stringContaining('disk space') })
    }
    await app.close()
  })
})
