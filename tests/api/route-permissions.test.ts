import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { readFileSync } from 'node:fs'
import { allPermissions, isPermission, roleTable, type Permission } from '../../server/kernel/permissions.js'

/**
 * The route walk (issue 9): every operation of the OpenAPI description, plus the hidden health
 * routes, with its path parameters filled from the demo. Nobody reaches a route that needs an
 * account; a token without the permission gets 403 forbidden naming it; the administrator gets
 * neither. A route added without `config.access` is not refused to anonymous callers and fails here
 * unless it is written into `publicRoutes` below.
 */

/** The routes a citizen uses without an account (docs/permissions.md). */
const publicRoutes = new Set([
  'POST /api/session',
  'GET /api/session/demo',
  'GET /api/health',
  'GET /api/ready',
  'GET /api/public/resolve',
  'GET /r/{code}',
  'GET /r/{code}/report', 'GET /c/{token}',
  'GET /p/rankings',
  'GET /api/public/categories', 'POST /api/public/cases', 'GET /api/public/cases/{token}', 'POST /api/public/cases/{token}/photos', 'GET /api/public/cases/{token}/photos/{photo}', 'POST /api/public/cases/{token}/rating',
])

/** Routes any signed-in person may use on themselves. */
const sessionRoutes = new Set([
  'GET /api/session', 'DELETE /api/session', 'PUT /api/session/password', 'POST /api/session/totp', 'POST /api/session/totp/confirm',
  'GET /api/inbox', 'POST /api/inbox/{id}/read',
])

interface Operation {
  method: string
  path: string
  url: string
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

describe('every route declares who may use it', () => {
  let t: TestApp
  let operations: Operation[]
  const tokens = { none: 'jz-walk-token-no-permissions-000001', viewer: 'jz-walk-token-demo-viewer-0000000001' }

  async function fingerprint(): Promise<string> {
    const { rows } = await sql<{ counts: string }>`
      SELECT concat_ws(',',
        (SELECT count(*) || ':' || coalesce(max(version), 0) FROM zone),
        (SELECT count(*) || ':' || coalesce(max(version), 0) FROM party),
        (SELECT count(*) || ':' || count(valid_to) FROM assignment),
        (SELECT count(*) FROM category), (SELECT count(*) FROM category_route),
        (SELECT string_agg(md5(text), '' ORDER BY kind) FROM duty_text),
        (SELECT count(*) FROM account_session), (SELECT count(*) FROM api_token WHERE revoked_at IS NULL)) AS counts`.execute(t.handle.db)
    return rows[0]!.counts
  }

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    const admin = await db.selectFrom('account_grant').select('account_id').where('role', '=', 'administrator').executeTakeFirstOrThrow()
    await createApiToken(db, admin.account_id, tokens.none, 'walk: no permissions', { permissions: [] })
    await createApiToken(db, (await accountIdByLogin(db, 'viewer'))!, tokens.viewer, 'walk: viewer')

    const zone = await db.selectFrom('zone').select(['id', 'code']).where('kind', '=', 'street').orderBy('id').executeTakeFirstOrThrow()
    const party = await db.selectFrom('party').select('id').orderBy('id').executeTakeFirstOrThrow()
    const assignment = await db.selectFrom('assignment').select('id').orderBy('id').executeTakeFirstOrThrow()
    const category = await db.selectFrom('category').select('id').orderBy('id').executeTakeFirstOrThrow()
    // Account routes act on the demo viewer and a throwaway token, never on the administrator the
    // walk signs in as (revoking its grant or token would turn the rest of the walk into 403s).
    const viewer = (await accountIdByLogin(db, 'viewer'))!
    const viewerGrant = await db.selectFrom('account_grant').select('id').where('account_id', '=', viewer).executeTakeFirstOrThrow()
    const throwaway = await createApiToken(db, viewer, 'jz-walk-token-throwaway-00000000001', 'walk: throwaway')
    const fill = (path: string): string =>
      path
        .replace(/^\/api\/zones\/\{id\}/, `/api/zones/${zone.id}`)
        .replace(/^\/api\/parties\/\{id\}/, `/api/parties/${party.id}`)
        .replace(/^\/api\/assignments\/\{id\}/, `/api/assignments/${assignment.id}`)
        .replace(/^\/api\/accounts\/\{id\}/, `/api/accounts/${viewer}`)
        .replace('{grant}', String(viewerGrant.id))
        .replace(/^\/api\/tokens\/\{id\}/, `/api/tokens/${throwaway}`)
        .replace('{kind}', 'street')
        .replace('{code}', zone.code)
        .replace('{category}', String(category.id))
        .replace('{file}', `street-${zone.code}.svg`)
        .replace(/\{[^}]+\}/g, '1')
    const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> }
    const hidden = [{ method: 'GET', path: '/api/health' }, { method: 'GET', path: '/api/ready' }]
    operations = [
      ...Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path }))),
      ...hidden,
    ].map((operation) => ({ ...operation, url: fill(operation.path) }))
  })
  afterAll(async () => t?.close())

  const call = (operation: Operation, authorization: string | undefined) =>
    t.app.inject({
      method: operation.method as 'GET',
      url: operation.method === 'GET' && operation.path === '/api/resolve' ? `${operation.url}?lon=120.16&lat=30.28` : operation.url,
      headers: { authorization, ...(writeMethods.has(operation.method) ? { 'content-type': 'application/json' } : {}) },
      ...(writeMethods.has(operation.method) && operation.method !== 'DELETE' ? { payload: '{}' } : {}),
    })

  it('walks more than the routes main had when the walk was written', () => {
    expect(operations.length).toBeGreaterThanOrEqual(39)
    for (const route of publicRoutes) if (route !== 'GET /api/public/resolve') expect(operations.map((o) => `${o.method} ${o.path}`)).toContain(route)
  })

  it('refuses every non-public route to a caller without credentials, and nothing is written', async () => {
    const before = await fingerprint()
    const wrong: string[] = []
    for (const operation of operations) {
      const key = `${operation.method} ${operation.path}`
      const response = await call(operation, undefined)
      if (publicRoutes.has(key)) {
        if (response.statusCode === 401 && operation.method !== 'POST') wrong.push(`${key}: public, got 401`)
      } else if (response.statusCode !== 401 || response.json().error?.code !== 'unauthenticated') {
        wrong.push(`${key}: ${response.statusCode} ${response.body.slice(0, 120)}`)
      }
    }
    expect(wrong).toEqual([])
    expect(await fingerprint()).toBe(before)
  })

  it('answers 403 forbidden, naming a known permission, to a token without it; a session route needs none', async () => {
    const before = await fingerprint()
    const wrong: string[] = []
    for (const operation of operations) {
      const key = `${operation.method} ${operation.path}`
      if (publicRoutes.has(key)) continue
      const response = await call(operation, `Bearer ${tokens.none}`)
      const error = response.statusCode === 403 ? response.json().error : undefined
      if (sessionRoutes.has(key)) {
        if (response.statusCode === 401 || error?.code === 'forbidden') wrong.push(`${key}: session route, got ${response.statusCode}`)
      } else if (error?.code !== 'forbidden' || !isPermission(String(error.details?.permission))) {
        wrong.push(`${key}: ${response.statusCode} ${response.body.slice(0, 120)}`)
      }
    }
    expect(wrong).toEqual([])
    expect(await fingerprint()).toBe(before)
  })

  it('answers 403 forbidden to the demo viewer on exactly the routes whose permission the viewer role lacks', async () => {
    const viewerHas = new Set<string>(roleTable.viewer.permissions)
    const before = await fingerprint()
    const wrong: string[] = []
    let refused = 0
    for (const operation of operations) {
      const key = `${operation.method} ${operation.path}`
      if (publicRoutes.has(key) || sessionRoutes.has(key)) continue
      const declared = (await call(operation, `Bearer ${tokens.none}`)).json().error.details.permission as Permission
      const response = await call(operation, `Bearer ${tokens.viewer}`)
      const code = response.statusCode === 403 ? response.json().error.code : undefined
      if (viewerHas.has(declared)) {
        if (response.statusCode === 401 || code === 'forbidden') wrong.push(`${key} (${declared}): viewer refused ${response.statusCode}`)
      } else if (code !== 'forbidden') {
        wrong.push(`${key} (${declared}): viewer got ${response.statusCode}`)
      } else refused++
    }
    expect(wrong).toEqual([])
    // The writes of zones, parties, assignments, categories, import, signboards at least.
    expect(refused).toBeGreaterThanOrEqual(15)
    expect(await fingerprint()).toBe(before)
  })

  it('lets the bootstrap administrator through every route (no 401, no 403)', async () => {
    const wrong: string[] = []
    // Writes last among the rest, and ending the session never: the administrator's token must survive the walk.
    const ordered = [...operations].sort((a, b) => Number(writeMethods.has(a.method)) - Number(writeMethods.has(b.method)))
    for (const operation of ordered) {
      const response = await t.app.inject({
        method: operation.method as 'GET',
        url: operation.path === '/api/resolve' && operation.method === 'GET' ? `${operation.url}?lon=120.16&lat=30.28` : operation.url,
        ...(writeMethods.has(operation.method) && operation.method !== 'DELETE' ? { headers: { 'content-type': 'application/json' }, payload: '{}' } : {}),
      })
      if (response.statusCode === 401 || response.statusCode === 403) wrong.push(`${operation.method} ${operation.path}: ${response.statusCode} ${response.body.slice(0, 160)}`)
    }
    expect(wrong).toEqual([])
  })
})

describe('docs/permissions.md', () => {
  it('lists every role and every permission of the table, with the permissions of each role', () => {
    const doc = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8')
    const roles = Object.keys(roleTable) as (keyof typeof roleTable)[]
    const header = doc.split('\n').find((line) => line.startsWith('| permission |'))!
    const columns = header.split('|').map((cell) => cell.trim().replace(/`/g, '')).slice(3, -1)
    expect(columns).toEqual(roles)
    for (const permission of allPermissions) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${permission}\` |`))
      expect(row, permission).toBeDefined()
      const marks = row!.split('|').map((cell) => cell.trim()).slice(3, -1)
      expect(marks, permission).toEqual(roles.map((role) => ((roleTable[role].permissions as readonly string[]).includes(permission) ? '✓' : '')))
    }
    for (const role of roles) expect(doc).toContain(`| \`${role}\` | ${roleTable[role].label.zh}`)
  })
})
