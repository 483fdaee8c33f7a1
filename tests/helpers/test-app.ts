import { inject } from 'vitest'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOptions } from '../../server/app.js'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'
import { adminHeaders } from './auth.js'
import { openPgliteTemplate, releasePgliteTemplate } from './pglite-reuse.js'

export type TestBackend = 'pglite' | 'postgres'

export interface TestApp {
  app: FastifyInstance
  handle: DatabaseHandle
  backend: TestBackend
  close(): Promise<void>
}

export function testBackend(): TestBackend {
  const backend = process.env.JZ_TEST_BACKEND
  if (backend !== 'pglite' && backend !== 'postgres') {
    throw new Error(`JZ_TEST_BACKEND must be pglite or postgres (set by the vitest project), got ${backend}`)
  }
  return backend
}

let databaseCounter = 0

/**
 * A freshly migrated database of this run's backend, copied from a template (with the demo
 * district, or empty), and the app built over it. Call once per test file (beforeAll).
 */
export async function createTestApp(options: { demo?: boolean; rateLimits?: AppOptions['rateLimits']; clock?: AppOptions['clock'] } = {}): Promise<TestApp> {
  const backend = testBackend()
  const template = options.demo === false ? 'empty' : 'demo'
  let handle: DatabaseHandle
  let release = async () => {}
  if (backend === 'pglite') {
    handle = await openPgliteTemplate(template)
    release = () => releasePgliteTemplate(handle)
  } else {
    const adminUrl = inject('postgresAdminUrl')
    const name = `jz_test_${process.pid}_${Date.now()}_${databaseCounter++}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name} TEMPLATE jz_template_${template}`)
    await admin.end()
    handle = await connectDatabase({ databaseUrl: adminUrl.replace(/\/postgres$/, `/${name}`) })
    release = async () => {
      await handle.close()
      const dropper = new pg.Client({ connectionString: adminUrl })
      await dropper.connect()
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await dropper.end()
    }
  }
  // Flood limits off unless a test asks (tests/api/rate-limits.test.ts): every inject comes from 127.0.0.1.
  const app = await buildApp({ db: handle.db, publicUrl: 'http://jiezhang.test', rateLimits: options.rateLimits ?? 'off', clock: options.clock })
  await app.ready()
  actAsAdministratorByDefault(app)
  return {
    app,
    handle,
    backend,
    async close() {
      await app.close()
      await release()
    },
  }
}

/**
 * Every `app.inject({...})` that brings no credentials of its own (no `authorization` or `cookie`
 * header, no `cookies`) acts as the bootstrap administrator. A header given as `undefined` means
 * "none": `headers: { authorization: undefined }` is a request from nobody.
 */
export function actAsAdministratorByDefault(app: FastifyInstance): void {
  const inject = app.inject.bind(app) as (options: object) => ReturnType<FastifyInstance['inject']>
  const withCredentials = (options: Record<string, unknown>) => {
    const headers = { ...((options.headers as Record<string, unknown> | undefined) ?? {}) }
    const names = Object.keys(headers).map((name) => name.toLowerCase())
    const brings = names.includes('authorization') || names.includes('cookie') || options.cookies !== undefined
    for (const [name, value] of Object.entries(headers)) if (value === undefined) delete headers[name]
    return { ...options, headers: brings ? headers : { ...adminHeaders, ...headers } }
  }
  app.inject = ((options?: string | Record<string, unknown>) => {
    if (options === undefined) throw new Error('tests call app.inject({...}) with options')
    return inject(withCredentials(typeof options === 'string' ? { url: options } : options))
  }) as FastifyInstance['inject']
}
