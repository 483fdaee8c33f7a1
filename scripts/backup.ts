/**
 * npm run backup -- FILE
 *
 * Backs up the database the server uses — DATABASE_URL (pg_dump, custom format), or the embedded
 * database in DATA_DIR (default .data/pglite; PGlite's own dump, gzipped) — to FILE, and writes
 * FILE.json beside it with the schema version, the latest change and a checksum. The embedded
 * folder must not be open in a running server (its lock is taken). Exit codes: docs/operations.md.
 */
import { parseArgs } from 'node:util'
import { backup, exitCodes } from './backup-core.js'
import { describeTarget, runCommand, targetFromEnvironment } from './backup-cli.js'

const usage = 'usage: npm run backup -- FILE'

async function main(): Promise<number> {
  let positionals: string[]
  try {
    ;({ positionals } = parseArgs({ allowPositionals: true, options: {} }))
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    return exitCodes.usage
  }
  if (positionals.length !== 1) {
    console.error(usage)
    return exitCodes.usage
  }
  const target = targetFromEnvironment()
  const { meta, file } = await backup(target, positionals[0]!)
  console.log(
    `backed up ${describeTarget(target)} to ${file} (${meta.bytes} bytes; schema ${meta.schema.at(-1) ?? 'empty'}, ` +
      `latest change ${meta.latestChange ?? 'none'}); description in ${file}.json`,
  )
  return exitCodes.ok
}

runCommand('backup', main)
