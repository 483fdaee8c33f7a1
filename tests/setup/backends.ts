import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Where each backend's run leaves a mark, so that .ci/run can prove both ran. */
export const resultsDir = path.resolve('.test-results/backends')

export function markBackendRan(backend: string, detail: string): void {
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(path.join(resultsDir, backend), `${new Date().toISOString()} ${detail}\n`)
}

export const pgBinDir = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin'

/** Whether the PostgreSQL server and PostGIS packages are installed on this machine. */
export function postgisServerAvailable(): boolean {
  return existsSync(path.join(pgBinDir, 'initdb')) && existsSync('/usr/share/postgresql/15/extension/postgis.control')
}
