import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InjectOptions } from 'fastify'
import { errorStatus, isErrorCode } from '../../server/kernel/error-codes.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * Every route on the OpenAPI page, fed seeded random malformed input: bad path parameters
 * (hexadecimal, exponents, NUL, %FF, over-long), bad and repeated query parameters, bodies of the
 * wrong type, with NUL and control characters, huge numbers, deep nesting, repeated keys,
 * over-long strings, bytes that are not UTF-8 and the wrong content types. Every answer must be a
 * 4xx in the error envelope (the citizen's page /r/ answers an HTML page instead; a GET may also
 * answer 2xx: reading is harmless), never a 5xx, and the
 * export must be byte-identical afterwards. A write is only ever sent with at least one part
 * invalid by construction, so any 2xx to a write is a finding too.
 *
 * JZ_FUZZ_SEED picks another seed; JZ_FUZZ_CASES the cases per route.
 */
const seed = Number(process.env.JZ_FUZZ_SEED ?? 13)
const casesPerRoute = Number(process.env.JZ_FUZZ_CASES ?? 48)

/** mulberry32: a small seeded PRNG (public domain, Tommy Ettinger). */
function prng(state: number) {
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = ReturnType<typeof prng>
const pick = <T,>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  enum?: unknown[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
}

interface Operation {
  method: string
  path: string
  pathParams: string[]
  queryParams: { name: string; schema: JsonSchema }[]
  body: JsonSchema | null
}

// Path segments no route may take as an id or a name: each one is malformed, not merely unknown.
const badPathValues = [
  '0x10', '1e3', '1.5', '-1', '0', '99999999999999999999', '2147483648', 'NaN', 'Infinity', '%20%31', '%EF%BC%91',
  'a%00b', '%00', '%FF', '%E0%A4', '%C0%AF', 'a%08b', 'a%7Fb', '%0A', '%0D%0A', 'x'.repeat(3000), '%25%30%30',
]

const nastyStrings = [
  'a\u0000b', '\u0000', 'x\u0008y', '\u001b[31m', '网格\u0007名', '\uFFFF', '\uD800', 'a\u0085b', '\u007F',
]

const huge = [1e308, -1e308, 1.7976931348623157e308, 2 ** 53 + 1, -(2 ** 63), 1e-320]

/** A value that `schema` refuses, whatever else the body holds: a wrong type, or text no route stores. */
function wrongValue(random: Random, schema: JsonSchema | undefined): unknown {
  const types = new Set([schema?.type ?? []].flat())
  for (const branch of [...(schema?.anyOf ?? []), ...(schema?.oneOf ?? [])]) for (const type of [branch.type ?? []].flat()) types.add(type)
  const candidates: unknown[] = [pick(random, nastyStrings)]
  if (!types.has('string')) candidates.push('12', 'true', '')
  if (!types.has('number') && !types.has('integer')) candidates.push(7, pick(random, huge), -0.5)
  if (!types.has('number') && types.has('integer')) candidates.push(1.5, pick(random, huge) * 1.5 + 0.5)
  if (!types.has('boolean')) candidates.push(true, false)
  if (!types.has('array')) candidates.push([pick(random, nastyStrings)], [])
  if (!types.has('object')) candidates.push({ [pick(random, nastyStrings)]: 1 })
  if (types.size > 0 && !types.has('null')) candidates.push(null)
  return pick(random, candidates)
}

/** Any value, hostile for preference: what random callers put in fields. */
function anyValue(random: Random, depth = 0): unknown {
  const roll = random()
  if (roll < 0.25) return pick(random, nastyStrings)
  if (roll < 0.4) return pick(random, huge)
  if (roll < 0.5) return 'x'.repeat(Math.floor(random() * 100_000))
  if (roll < 0.6) return pick(random, [null, true, false, 0, -1, '', '1', 'grid', '2026-13-45T25:61:00'])
  if (depth > 3) return pick(random, nastyStrings)
  if (roll < 0.8) return Array.from({ length: Math.floor(random() * 4) }, () => anyValue(random, depth + 1))
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, index) => [`k${index}`, anyValue(random, depth + 1)]))
}

const deep = (levels: number, open: string, close: string, inner = '1') => open.repeat(levels) + inner + close.repeat(levels)

/** A body that is invalid for `schema` by construction, as the bytes to send and the content type. */
function invalidBody(random: Random, schema: JsonSchema | null): { payload: string | Buffer; contentType: string } {
  const json = 'application/json'
  const strategy = Math.floor(random() * 10)
  const properties = Object.entries(schema?.properties ?? {})
  switch (strategy) {
    case 0: // Not JSON at all, or cut short.
      return { payload: pick(random, ['', '{', '{"a":', 'nul', '[1,2', "{'a':1}", '{"a":1}{"b":2}', '{"a":1,}', '\u0000', 'NaN', '{"a":01}', '\uFEFF\uFEFF{}']), contentType: json }
    case 1: // Deep nesting, far past anything a route reads.
      return { payload: pick(random, [deep(20_000, '[', ']'), deep(5_000, '{"a":', '}'), deep(100_000, '[', ']')]), contentType: json }
    case 2: // Bytes that are not UTF-8, and a charset that is not UTF-8.
      return pick(random, [
        { payload: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), contentType: json },
        { payload: Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]), contentType: json },
        { payload: Buffer.from('{"name":"a"}', 'utf16le'), contentType: 'application/json; charset=utf-16' },
        { payload: '{"name":"a"}', contentType: 'application/json; charset=latin1' },
      ])
    case 3: // The wrong content type for a body that would otherwise be read as JSON.
      return {
        payload: JSON.stringify(Object.fromEntries(properties.map(([name]) => [name, 'a']))),
        contentType: pick(random, ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'text/json', 'application/jsonx']),
      }
    case 4: // The wrong type at the top.
      return { payload: JSON.stringify(pick(random, [7, 'a\u0000', [], [{}], null, true, pick(random, huge)])), contentType: json }
    case 5: // Repeated keys: the last one wins in JSON.parse, and it is the wrong one.
      if (properties.length) {
        const [name, property] = pick(random, properties)
        return { payload: `{"${name}":"ok","${name}":${JSON.stringify(wrongValue(random, property))}}`, contentType: json }
      }
      return { payload: '{"a":1,"a":"\\u0000"}', contentType: json }
    case 6: // Numbers JSON allows and no field wants.
      if (properties.length) {
        const [name] = pick(random, properties)
        return { payload: `{"${name}":${pick(random, ['1e999999', '-1e999999', '123456789012345678901234567890', '1.0e-99999', '0.' + '0'.repeat(400) + '1'])}, "\\u0000":1}`, contentType: json }
      }
      return { payload: '{"\\u0000":1e999999}', contentType: json }
    default: {
      // The route's own fields, filled at random, with at least one of the wrong type or unsafe.
      const body: Record<string, unknown> = {}
      for (const [name, property] of properties) if (random() < 0.6) body[name] = random() < 0.5 ? anyValue(random) : wrongValue(random, property)
      const [name, property] = properties.length ? pick(random, properties) : ['a\u0000', undefined]
      body[name] = wrongValue(random, property)
      if (random() < 0.2) body[`extra${pick(random, nastyStrings)}`] = 'x'.repeat(200_000)
      return { payload: JSON.stringify(body), contentType: json }
    }
  }
}

/** A query string; for a write it includes at least one malformed value of a declared parameter. */
function queryString(random: Random, operation: Operation, mustBeBad: boolean): string {
  const parts: string[] = []
  const bad = () => pick(random, ['a%00b', '%FF', 'maybe', '0x10', '1e3', '-1', '', '%08', 'x'.repeat(5000), '1.5', '99999999999999999999'])
  const plausible = () => pick(random, ['1', '0', 'true', 'grid', '120.16', '30.27', 'wgs84', '2026-01-01', 'a', '1,2,3,4'])
  for (const { name } of operation.queryParams) {
    if (random() < 0.5) continue
    parts.push(`${name}=${random() < 0.6 ? bad() : plausible()}`)
    // Repeated: one value, then another.
    if (random() < 0.2) parts.push(`${name}=${plausible()}`)
  }
  if (mustBeBad && operation.queryParams.length) {
    const { name } = pick(random, operation.queryParams)
    parts.push(`${name}=${bad()}`, `${name}=${bad()}`)
  }
  if (random() < 0.15) parts.push(`unknown%00=${bad()}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

describe('fuzzing every route with malformed input', () => {
  let t: TestApp
  let operations: Operation[]
  let exportBefore: string
  const goodPath: Record<string, string> = {}

  beforeAll(async () => {
    t = await createTestApp()
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json()
    operations = []
    for (const [path, methods] of Object.entries<Record<string, { parameters?: { in: string; name: string; schema: JsonSchema }[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations.push({
          method: method.toUpperCase(),
          path,
          pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
          body: op.requestBody?.content['application/json']?.schema ?? null,
        })
      }
    }
    // Real values for path parameters, so that a body is checked and not just a 404 for its zone.
    const grid = (await t.app.inject({ method: 'GET', url: '/api/zones?kind=grid&limit=1' })).json().features[0]
    Object.assign(goodPath, { id: String(grid.id), kind: 'grid', code: grid.properties.code, category: 'x', file: 'x.svg' })
    exportBefore = (await t.app.inject({ method: 'GET', url: '/api/export' })).body
  })
  afterAll(async () => t?.close())

  it('finds the routes on the OpenAPI page', () => {
    // Every resource's routes are there (a route left off the page would go unfuzzed).
    expect(operations.length).toBeGreaterThanOrEqual(30)
    expect(operations.map((op) => `${op.method} ${op.path}`)).toEqual(expect.arrayContaining(['POST /api/zones', 'PATCH /api/zones/{id}', 'POST /api/import', 'GET /api/resolve', 'PUT /api/signboards/duties/{kind}']))
  })

  it(`answers only 4xx in the error envelope (or 2xx to a harmless read), seed ${seed}, and leaves the export unchanged`, async () => {
    const random = prng(seed)
    const findings: string[] = []
    let sent = 0
    for (const operation of operations) {
      const write = operation.method !== 'GET'
      // The signboard file and the citizen's page draw pictures and HTML: only malformed names go there.
      const rendersOnSuccess = operation.path === '/api/signboards/{file}' || operation.path.startsWith('/r/') || operation.path.startsWith('/api/coverage/')
      for (let index = 0; index < casesPerRoute; index++) {
        // A write without a body, or a render, must have a malformed path; otherwise half the time.
        const badPath = operation.pathParams.length > 0 && (rendersOnSuccess || (write && !operation.body) || random() < 0.4)
        const badParam = badPath ? pick(random, operation.pathParams) : null
        let url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === badParam ? pick(random, badPathValues) : encodeURIComponent(goodPath[name] ?? 'x')))
        const mustBeBadQuery = write && !badPath && !operation.body
        url += queryString(random, operation, mustBeBadQuery || (rendersOnSuccess && !badPath))
        const request: InjectOptions = { method: operation.method as InjectOptions['method'], url }
        if (operation.body && (write || random() < 0.1)) {
          const { payload, contentType } = invalidBody(random, operation.body)
          request.payload = payload
          request.headers = { 'content-type': contentType }
        }
        const response = await t.app.inject(request)
        sent++
        const status = response.statusCode
        const label = `${request.method} ${url.slice(0, 160)} ${String(request.payload ?? '').slice(0, 120)} → ${status} ${response.body.slice(0, 200)}`
        if (status >= 200 && status < 300) {
          if (write) findings.push(`a write accepted malformed input: ${label}`)
          continue
        }
        if (status < 400 || status >= 500) {
          findings.push(`not a 4xx: ${label}`)
          continue
        }
        // The citizen's pages (signboard, report form, follow-up, the published rankings) answer an
        // unknown code or token, or rankings not published, with a page in Chinese (a malformed
        // request gets the envelope).
        if (/^\/[rcp]\//.test(operation.path) && String(response.headers['content-type']).startsWith('text/html')) continue
        let envelope: { error?: { code?: unknown; message?: unknown } } | undefined
        try {
          envelope = response.json()
        } catch {
          envelope = undefined
        }
        const code = envelope?.error?.code
        if (!isErrorCode(code) || typeof envelope?.error?.message !== 'string' || errorStatus[code] !== status) {
          findings.push(`not the error envelope (or its code has another status): ${label}`)
        }
      }
    }
    expect(sent).toBe(operations.length * casesPerRoute)
    expect(findings.join("\n")).toBe("")
    const exportAfter = (await t.app.inject({ method: 'GET', url: '/api/export' })).body
    expect(exportAfter === exportBefore).toBe(true)
  })
})
