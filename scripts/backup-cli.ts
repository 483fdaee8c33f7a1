/** What `npm run backup` and `npm run restore` share: the target from the environment, the exit. */
import { ConfigError, loadConfig } from '../server/config.js'
import { BackupError, exitCodes, type Target } from './backup-core.js'

/** DATABASE_URL: that PostgreSQL database; unset: the embedded database in DATA_DIR. */
export function targetFromEnvironment(): Target {
  const config = loadConfig()
  return config.databaseUrl ? { backend: 'postgres', databaseUrl: config.databaseUrl } : { backend: 'pglite', dataDir: config.dataDir }
}

export function describeTarget(target: Target): string {
  if (target.backend === 'pglite') return `the embedded database in ${target.dataDir}`
  const url = new URL(target.databaseUrl)
  url.password = url.password ? '***' : ''
  return `PostgreSQL ${url.toString()}`
}

/** Runs a command's main and exits with its code; a refusal prints its message, not a stack. */
export function runCommand(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof BackupError) {
        console.error(`${name}: ${error.message}`)
        process.exit(error.exitCode)
      }
      const message = error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? error.message : String(error)
      console.error(`${name} failed: ${message}`)
      process.exit(error instanceof ConfigError ? exitCodes.usage : exitCodes.failed)
    },
  )
}
