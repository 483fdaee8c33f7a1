import { readFileSync } from 'node:fs'
import { inject } from 'vitest'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app.js'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'

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
export async function createTestApp(options: { demo?: boolean } = {}): Promise<TestApp> {
  const backend = testBackend()
  const template = options.demo === false ? 'empty' : 'demo'
  let handle: DatabaseHandle
  let dropDatabase = async () => {}
  if (backend === 'pglite') {
    const dump = readFileSync(inject('pgliteTemplates')[template])
    handle = await connectDatabase({ loadDataDir: new Blob([dump]) })
  } else {
    const adminUrl = inject('postgresAdminUrl')
    const name = `jz_test_${process.pid}_${Date.now()}_${databaseCounter++}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name} TEMPLATE jz_template_${template}`)
    await admin.end()
    handle = await connectDatabase({ databaseUrl: adminUrl.replace(/\/postgres$/, `/${name}`) })
    dropDatabase = async () => {
      const dropper = new pg.Client({ connectionString: adminUrl })
      await dropper.connect()
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await dropper.end()
    }
  }
  const app = await buildApp({ db: handle.db, publicUrl: 'http://jiezhang.test' })
  await app.ready()
  return {
    app,
    handle,
    backend,
    async close() {
      await app.close()
      await handle.close()
      await dropDatabase()
    },
  }
}
