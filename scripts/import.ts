/**
 * npm run import -- FILE [--osm] [--include footway,service] [--parent CODE] [--dry-run]
 *
 * Imports a file in the import format (or, with --osm, an OpenStreetMap road file as streets)
 * into the database the server uses: DATABASE_URL, or the embedded PostGIS in DATA_DIR
 * (default .data/pglite). All or nothing: on any problem it prints each one as
 * `#index field: reason` and exits 1 without writing. Problems that need no database (the
 * format, duplicates within the file) are reported before the database is opened.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../server/config.js'
import { connectDatabase, type DatabaseHandle } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { DomainError } from '../server/errors.js'
import { parseFeatureCollection } from '../server/transfer/import-format.js'
import { importFeatureCollection, invalidImport } from '../server/transfer/import.service.js'
import { osmRoadsToStreets } from '../server/transfer/osm-roads.js'

const usage = 'usage: npm run import -- FILE [--osm] [--include footway,cycleway,steps,service] [--parent CODE] [--dry-run]'

async function main(): Promise<number> {
  let args
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        osm: { type: 'boolean', default: false },
        include: { type: 'string' },
        parent: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    return 2
  }
  const { values, positionals } = args
  if (values.help) {
    console.log(usage)
    return 0
  }
  if (positionals.length !== 1) {
    console.error(usage)
    return 2
  }
  if (!values.osm && (values.include || values.parent)) {
    console.error('--include and --parent apply to OSM road files only: add --osm')
    return 2
  }
  const file = positionals[0]!
  let document: unknown
  try {
    document = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    console.error(`cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }

  const config = loadConfig()
  let collection: unknown
  try {
    collection = values.osm
      ? osmRoadsToStreets(document, {
          include: values.include ? values.include.split(',').map((name) => name.trim()).filter(Boolean) : [],
          ...(values.parent ? { parent: values.parent } : {}),
        })
      : document
    // What can be found without the database is reported before opening it (seconds, for the embedded one).
    const { problems } = parseFeatureCollection(collection)
    if (problems.length) throw invalidImport(problems)
  } catch (error) {
    return reportProblems(file, error)
  }
  const handle: DatabaseHandle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrate(handle)
    const dryRun = values['dry-run']
    const { created } = await importFeatureCollection(handle.db, collection, { dryRun })
    console.log(
      `${dryRun ? 'dry run, nothing written; it would create' : `imported into ${handle.describe}:`} ` +
        `${created.zones} zones, ${created.parties} parties, ${created.assignments} assignments, ` +
        `${created.categories} categories, ${created.routes} category routes`,
    )
    return 0
  } catch (error) {
    return reportProblems(file, error)
  } finally {
    await handle.close()
  }
}

/** Prints a refused import as `#index field: reason` lines; anything else is not ours to explain. */
function reportProblems(file: string, error: unknown): number {
  if (!(error instanceof DomainError)) throw error
  console.error(`${file}: ${error.message}; nothing was imported`)
  for (const detail of Array.isArray(error.details) ? error.details : []) {
    const where = detail.index === undefined ? '' : `#${detail.index} `
    console.error(`  ${where}${detail.field ?? ''}: ${detail.reason}`)
  }
  return 1
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? error.message : String(error)
    console.error(`import failed: ${message}`)
    process.exit(1)
  },
)
