/**
 * npm run restore -- FILE [--force]
 *
 * Restores a backup made by `npm run backup` into the database the server uses (DATABASE_URL,
 * or the embedded database in DATA_DIR). Refuses, naming both times, when that database changed
 * after the backup's latest change or has migrations the backup lacks; --force restores anyway.
 * PostgreSQL: pg_restore --clean in one transaction. Embedded: the backup is opened in a folder
 * beside DATA_DIR, then swapped in; the old folder is removed only once that worked.
 * Exit codes: docs/operations.md.
 */
import { parseArgs } from 'node:util'
import { exitCodes, restore } from './backup-core.js'
import { describeTarget, runCommand, targetFromEnvironment } from './backup-cli.js'

const usage = 'usage: npm run restore -- FILE [--force]'

async function main(): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean', default: false } } })
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    return exitCodes.usage
  }
  if (parsed.positionals.length !== 1) {
    console.error(usage)
    return exitCodes.usage
  }
  const target = targetFromEnvironment()
  const file = parsed.positionals[0]!
  const { meta } = await restore(target, file, { force: parsed.values.force })
  console.log(
    `restored ${file} (taken ${meta.takenAt}, latest change ${meta.latestChange ?? 'none'}, schema ${meta.schema.at(-1) ?? 'empty'}) ` +
      `into ${describeTarget(target)}`,
  )
  return exitCodes.ok
}

runCommand('restore', main)
