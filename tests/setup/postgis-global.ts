import type { TestProject } from 'vitest/node'
import { connectDatabase } from '../../server/db/connect.js'
import { migrate } from '../../server/db/migrate.js'
import { loadDemo } from '../../server/transfer/demo.js'
import { bootstrapTestAccounts } from '../helpers/auth.js'
import { markBackendRan, postgisServerAvailable } from './backends.js'
import { startCluster } from './postgis-cluster.js'
import pg from 'pg'

/**
 * Starts a throwaway PostgreSQL + PostGIS cluster for this run, with two template databases
 * (migrated empty, and with the demo district); each test file copies one. With no server
 * installed this fails: the suite must run on both backends (.ci/run installs the packages).
 */
export default async function setup(project: TestProject) {
  if (!postgisServerAvailable()) {
    throw new Error(
      'PostgreSQL 15 + PostGIS are not installed, so the API tests cannot run on a real server. ' +
        'Install them with: apt-get install -y postgresql-15-postgis-3',
    )
  }
  const cluster = await startCluster()
  try {
    const admin = new pg.Client({ connectionString: cluster.adminUrl })
    await admin.connect()
    await admin.query('CREATE DATABASE jz_template_empty')
    let handle = await connectDatabase({ databaseUrl: cluster.urlFor('jz_template_empty') })
    await migrate(handle)
    await bootstrapTestAccounts(handle.db, false)
    await handle.close()
    await admin.query('CREATE DATABASE jz_template_demo TEMPLATE jz_template_empty')
    handle = await connectDatabase({ databaseUrl: cluster.urlFor('jz_template_demo') })
    await loadDemo(handle.db)
    await bootstrapTestAccounts(handle.db, true)
    await handle.close()
    await admin.end()
  } catch (error) {
    cluster.stop()
    throw error
  }
  project.provide('postgresAdminUrl', cluster.adminUrl)
  return () => {
    cluster.stop()
    markBackendRan('postgres', 'PostgreSQL + PostGIS API tests ran')
  }
}
