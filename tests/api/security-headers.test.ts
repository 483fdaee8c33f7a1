import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { MOBILE_PAGE_SCRIPT } from '../../server/signboards/mobile-page.js'

/** A Content-Security-Policy header as directive → sources. */
function directives(header: string | string[] | number | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) map.set(name, values)
  }
  return map
}

describe('security headers', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => t?.close())

  it('sends the map app a policy MapLibre can work under, and nothing may frame it', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health', headers: { authorization: undefined } })
    expect(response.statusCode).toBe(200)
    const csp = directives(response.headers['content-security-policy'])
    expect(csp.get('default-src')).toEqual(["'self'"])
    expect(csp.get('script-src')).toEqual(["'self'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(csp.get('object-src')).toEqual(["'none'"])
    // MapLibre's worker is a blob: URL; its images (tiles, glyphs) data: and blob:.
    expect(csp.get('worker-src')).toContain('blob:')
    expect(csp.get('img-src')).toEqual(expect.arrayContaining(['data:', 'blob:']))
    // The two base maps the app offers (client/src/map/style.ts), fetched by MapLibre.
    expect(csp.get('connect-src')).toEqual(expect.arrayContaining(["'self'", 'https://tile.openstreetmap.org', 'https://t0.tianditu.gov.cn']))
    // No eval, and no inline script, anywhere in the policy.
    expect(String(response.headers['content-security-policy'])).not.toContain('unsafe-eval')
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'")
    expect(response.headers['x-frame-options']).toBe('DENY')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    // Served on plain http here: no HSTS.
    expect(response.headers['strict-transport-security']).toBeUndefined()
  })

  it('sends the same headers on API answers, errors included', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/zones/999999999' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(directives(response.headers['content-security-policy']).get('frame-ancestors')).toEqual(["'none'"])
  })

  it('lets the citizen page run its one script by hash and nothing else', async () => {
    const codes = await t.app.inject({ method: 'GET', url: '/api/zones?kind=street&limit=1' })
    const code = codes.json().features[0]?.properties.code
    expect(typeof code).toBe('string')
    const page = await t.app.inject({ method: 'GET', url: `/r/${encodeURIComponent(code)}`, headers: { authorization: undefined } })
    expect(page.statusCode).toBe(200)
    const csp = directives(page.headers['content-security-policy'])
    const scripts = [...page.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!)
    expect(scripts).toHaveLength(1)
    // The hash of the script as the browser sees it (CSP Level 3 §8.4: SHA-256 of the UTF-8 text, base64).
    const hash = `'sha256-${createHash('sha256').update(scripts[0]!, 'utf8').digest('base64')}'`
    expect(scripts[0]).toBe(MOBILE_PAGE_SCRIPT)
    expect(csp.get('script-src')).toEqual([hash])
    expect(csp.get('default-src')).toEqual(["'none'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(page.headers['x-frame-options']).toBe('DENY')
    // An unknown code: the not-found page carries the same policy.
    const missing = await t.app.inject({ method: 'GET', url: '/r/NO-SUCH-ZONE', headers: { authorization: undefined } })
    expect(missing.statusCode).toBe(404)
    expect(directives(missing.headers['content-security-policy']).get('default-src')).toEqual(["'none'"])
  })

  it('sends HSTS behind an HTTPS proxy (TRUST_PROXY=1) only', async () => {
    const app = await buildApp({ db: t.handle.db, trustProxy: true, rateLimits: 'off' })
    try {
      const response = await app.inject({ method: 'GET', url: '/api/health' })
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
    } finally {
      await app.close()
    }
  })
})

describe('JSON nesting limit', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  afterAll(async () => t?.close())

  const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)

  it('refuses a body nested 65 levels deep with 400 naming the nesting, and takes 64', async () => {
    const deep = await t.app.inject({ method: 'POST', url: '/api/resolve/batch', headers: { 'content-type': 'application/json' }, payload: `{"points":${nested(64)}}` })
    expect(deep.statusCode).toBe(400)
    expect(deep.json().error.code).toBe('invalid_request')
    expect(deep.json().error.message).toMatch(/nests deeper than 64 levels/)
    expect(deep.json().error.details).toEqual([{ field: 'body', reason: 'nested more than 64 levels deep' }])
    // 64 levels in all (the object and 63 arrays): past the depth check, refused by the schema instead.
    const ok = await t.app.inject({ method: 'POST', url: '/api/resolve/batch', headers: { 'content-type': 'application/json' }, payload: `{"points":${nested(63)}}` })
    expect(ok.statusCode).toBe(400)
    expect(ok.json().error.message).not.toMatch(/nests deeper/)
  })

  it('does not count brackets inside strings, escaped quotes included', async () => {
    const name = `"${'['.repeat(100)}\\"${'{'.repeat(100)}"`
    const response = await t.app.inject({ method: 'POST', url: '/api/resolve/batch', headers: { 'content-type': 'application/json' }, payload: `{"points":[],"x":${name}}` })
    expect(response.json().error?.message ?? '').not.toMatch(/nests deeper/)
  })

  it('refuses a body of 100,000 nested arrays without a 500', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/zones', headers: { 'content-type': 'application/json' }, payload: nested(100_000) })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.message).toMatch(/nests deeper than 64 levels .*\(at byte 64\)/)
  })
})
