/**
 * npm run patrols -- FILE... [--login LOGIN] [--accuracy METRES]
 *
 * Imports a night's patrol tracks into the database the server uses (DATABASE_URL, or the
 * embedded PostGIS in DATA_DIR, default .data/pglite) and credits them to the zones
 * (docs/patrols.md): GPX files of one walker (--login), or NDJSON files of fixes
 * `{login|party_id, at, lon, lat, accuracy_m?}`, one patrol per walker per file. Each file is
 * all or nothing; a problem is printed as FILE:LINE: reason and the file is left out. Exit 1 when
 * any file was refused.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../server/config.js'
import { connectDatabase } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { BatchError, importBatchFile } from '../server/patrols/batch.js'
import { loadPatrolSettings } from '../server/patrols/patrols.settings.js'

const usage = 'usage: npm run patrols -- FILE... [--login LOGIN] [--accuracy METRES]'

async function main(): Promise<number> {
  let args
  try {
    args = parseArgs({ allowPositionals: true, options: { login: { type: 'string' }, accuracy: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } })
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    return 2
  }
  const { values, positionals } = args
  if (values.help || positionals.length === 0) {
    console.log(usage)
    return values.help ? 0 : 2
  }
  const accuracyM = values.accuracy === undefined ? undefined : Number(values.accuracy)
  if (accuracyM !== undefined && (!Number.isFinite(accuracyM) || accuracyM < 0 || accuracyM > 1000)) {
    console.error('--accuracy must be a number of metres from 0 to 1000')
    return 2
  }
  const settings = loadPatrolSettings()
  const config = loadConfig()
  const handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  let failed = 0
  try {
    await migrate(handle)
    for (const file of positionals) {
      let content: string
      try {
        content = readFileSync(file, 'utf8')
      } catch (error) {
        console.error(`${file}: cannot be read: ${error instanceof Error ? error.message : String(error)}`)
        failed++
        continue
      }
      try {
        const result = await importBatchFile(handle.db, file, content, { login: values.login, accuracyM }, settings)
        for (const p of result.patrols) {
          console.log(`${file}: patrol ${p.id} of ${p.walker}: ${p.fixes} fixes, ${Math.round(p.distance_m)} m, credited to ${p.zones} zones`)
        }
      } catch (error) {
        if (!(error instanceof BatchError)) throw error
        console.error(`${error.message}; nothing of this file was imported`)
        failed++
      }
    }
  } finally {
    await handle.close()
  }
  console.log(`${positionals.length - failed} of ${positionals.length} files imported into ${handle.describe}`)
  return failed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? error.message : String(error)
    console.error(`patrols failed: ${message}`)
    process.exit(1)
  },
)
