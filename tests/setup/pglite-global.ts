import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { connectDatabase } from '../../server/db/connect.js'
import { migrate } from '../../server/db/migrate.js'
import { loadDemo } from '../../server/transfer/demo.js'
import { markBackendRan } from './backends.js'
import { bootstrapTestAccounts } from '../helpers/auth.js'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplates: { empty: string; demo: string }
    postgresAdminUrl: string
  }
}

/**
 * Creating an embedded PostGIS takes seconds, so it is done once per run: a migrated empty
 * database and one with the demo district are dumped, and each test file loads a dump.
 */
export default async function setup(project: TestProject) {
  const dir = path.resolve('.test-data')
  mkdirSync(dir, { recursive: true })
  const handle = await connectDatabase({})
  try {
    await migrate(handle)
    await bootstrapTestAccounts(handle.db, false)
    const empty = path.join(dir, 'pglite-empty.tar')
    writeFileSync(empty, Buffer.from(await (await dumpOf(handle)).arrayBuffer()))
    await loadDemo(handle.db)
    await bootstrapTestAccounts(handle.db, true)
    const demo = path.join(dir, 'pglite-demo.tar')
    writeFileSync(demo, Buffer.from(await (await dumpOf(handle)).arrayBuffer()))
    project.provide('pgliteTemplates', { empty, demo })
  } finally {
    await handle.close()
  }
  return () => markBackendRan('pglite', 'embedded PostGIS (PGlite) API tests ran')
}

async function dumpOf(handle: Awaited<ReturnType<typeof connectDatabase>>): Promise<Blob> {
  if (!handle.dumpDataDir) throw new Error('not an embedded database')
  return handle.dumpDataDir()
}
