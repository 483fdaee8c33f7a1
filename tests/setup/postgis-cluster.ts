import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { pgBinDir } from './backends.js'

export interface Cluster {
  /** A URL for the `postgres` superuser, database `postgres`. */
  adminUrl: string
  urlFor(database: string): string
  stop(): void
  /** The fault test's controls: stop the server (keeping its data), start it again on the same port, its processes. */
  stopServer(mode?: 'fast' | 'immediate'): void
  startServer(): void
  serverPids(): number[]
}

/**
 * A throwaway PostgreSQL + PostGIS cluster in a temporary folder, on a free port and a socket
 * folder of its own. PostgreSQL refuses to run as root, so when we are root it runs as `postgres`.
 */
export async function startCluster(): Promise<Cluster> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'jiezhang-pg-'))
  chmodSync(root, 0o777)
  const dataDir = path.join(root, 'data')
  const port = await freePort()
  const asRoot = process.getuid?.() === 0
  const run = (command: string, args: string[]) => {
    const binary = path.join(pgBinDir, command)
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args]
    const result = spawnSync(file, argv, { encoding: 'utf8', cwd: root })
    if (result.status !== 0) {
      throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`)
    }
  }
  if (asRoot) execFileSync('chown', ['postgres:postgres', root])
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8'])
  const startServer = () =>
    run('pg_ctl', [
      '-D', dataDir, '-l', path.join(root, 'server.log'), '-w', '-t', '60',
      '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ])
  startServer()
  const urlFor = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stopServer(mode = 'fast') {
      run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop'])
    },
    startServer,
    serverPids() {
      // The postmaster first, then its children (backends, checkpointer, …), as /proc lists them.
      const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
      const children = readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .filter((pid) => {
          try {
            // The parent's pid is the 4th field of /proc/PID/stat, after "(command)".
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
            return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster
          } catch {
            return false
          }
        })
        .map(Number)
      return [postmaster, ...children]
    },
    stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    },
  }
}

/** A free loopback port (the soak starts its server on one too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
