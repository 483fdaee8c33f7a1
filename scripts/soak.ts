/**
 * npm run soak -- [--duration 600] [--rate 1000] [--backend pglite|postgres] [--connections 24]
 *
 * A bounded mixed load against a server this script starts itself: the embedded database with the
 * demo district in a temporary DATA_DIR, or a throwaway PostgreSQL + PostGIS cluster (stock
 * settings but for durability, as the API tests use) with the demo loaded. Of the requests per
 * second, 80 % resolve a random point of the demo, 15 % read a zone, 5 % write (read a zone, PATCH
 * its name with its version, assign it a chief). Prints requests, errors by status, p50/p99
 * latency per kind and the server's resident memory at the start, middle and end of the load.
 * Exit 0 when no request failed, 1 otherwise, 2 on bad arguments.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { freePort, startCluster, type Cluster } from '../tests/setup/postgis-cluster.js'

/** The server is started with this ADMIN_TOKEN (a fresh one each run); every request sends it. */
const adminToken = randomBytes(24).toString('base64url')
const authorization = `Bearer ${adminToken}`

const usage = 'usage: npm run soak -- [--duration SECONDS] [--rate REQUESTS_PER_SECOND] [--backend pglite|postgres] [--connections N]'

interface Options {
  durationS: number
  rate: number
  backend: 'pglite' | 'postgres'
  connections: number
}

function readOptions(): Options | string {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        duration: { type: 'string', default: '600' },
        rate: { type: 'string', default: '1000' },
        backend: { type: 'string', default: 'pglite' },
        connections: { type: 'string', default: '24' },
      },
    }))
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  const whole = (name: string, value: string, min: number) => (/^\d+$/.test(value) && Number(value) >= min ? Number(value) : `--${name} must be a whole number ≥ ${min}, got "${value}"`)
  const durationS = whole('duration', values.duration, 5)
  const rate = whole('rate', values.rate, 1)
  const connections = whole('connections', values.connections, 3)
  for (const value of [durationS, rate, connections]) if (typeof value === 'string') return value
  if (values.backend !== 'pglite' && values.backend !== 'postgres') return `--backend must be pglite or postgres, got "${values.backend}"`
  return { durationS: durationS as number, rate: rate as number, connections: connections as number, backend: values.backend }
}

/** Resident memory of a process in MiB, from /proc (Linux). */
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Math.round(Number(match[1]) / 1024) : NaN
}

async function waitForHealth(base: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}) before it answered`)
    try {
      if ((await fetch(`${base}/api/health`)).ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`the server did not answer /api/health within ${timeoutMs / 1000} s`)
}

interface Demo {
  zones: { id: number; name: string }[]
  points: [number, number][]
}

/** Zones to read and write, and points to resolve: inside the demo's grids, and around them. */
async function readDemo(base: string): Promise<Demo> {
  const collection = (await (await fetch(`${base}/api/zones?kind=grid`, { headers: { authorization } })).json()) as {
    features: { id: number; properties: { name: string }; geometry: { coordinates: unknown } }[]
  }
  const zones = collection.features.map((feature) => ({ id: feature.id, name: feature.properties.name }))
  if (zones.length < 3) throw new Error('the demo district has fewer than 3 grids')
  const coordinates = collection.features.flatMap((feature) => JSON.stringify(feature.geometry.coordinates).match(/-?\d+\.\d+,-?\d+\.\d+/g) ?? [])
  const pairs = coordinates.map((pair) => pair.split(',').map(Number) as [number, number])
  const lons = pairs.map(([lon]) => lon)
  const lats = pairs.map(([, lat]) => lat)
  const [west, east, south, north] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)]
  // A fixed seed: the same points every run (mulberry32).
  let state = 13
  const random = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const margin = 0.005
  const points = Array.from({ length: 5000 }, (): [number, number] => [
    +(west - margin + random() * (east - west + 2 * margin)).toFixed(6),
    +(south - margin + random() * (north - south + 2 * margin)).toFixed(6),
  ])
  return { zones, points }
}

type Kind = 'resolve' | 'zone read' | 'zone write'

function loadOf(kind: Kind, base: string, demo: Demo, options: { rate: number; connections: number; durationS: number }) {
  let counter = 0
  const next = () => counter++
  const requests: autocannon.Request[] =
    kind === 'resolve'
      ? [{ method: 'GET', setupRequest: (request) => ({ ...request, path: resolvePath(demo.points[next() % demo.points.length]!) }) }]
      : kind === 'zone read'
        ? [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/zones/${demo.zones[next() % demo.zones.length]!.id}` }) }]
        : writeSequence(demo)
  return autocannon({
    url: base,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.durationS,
    timeout: 10,
    headers: { authorization },
    requests,
  })
}

const resolvePath = ([lon, lat]: [number, number]) => `/api/resolve?lon=${lon}&lat=${lat}`

/**
 * Each connection keeps to one zone of its own (so a 409 is a real fault, not two writers racing):
 * read it for its version, rename it (back and forth), assign it a chief.
 */
function writeSequence(demo: Demo): autocannon.Request[] {
  let connection = 0
  interface Context {
    zone?: { id: number; name: string }
    version?: number
    turn?: number
  }
  return [
    {
      method: 'GET',
      setupRequest: (request, context: Context) => {
        context.zone ??= demo.zones[connection++ % demo.zones.length]!
        return { ...request, path: `/api/zones/${context.zone.id}` }
      },
      onResponse: (status, body, context: Context) => {
        if (status === 200) context.version = (JSON.parse(body) as { properties: { version: number } }).properties.version
      },
    },
    {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization },
      setupRequest: (request, context: Context) => {
        context.turn = (context.turn ?? 0) + 1
        const name = context.turn % 2 ? `${context.zone!.name}·` : context.zone!.name
        return { ...request, path: `/api/zones/${context.zone!.id}`, body: JSON.stringify({ version: context.version ?? 1, name }) }
      },
    },
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      setupRequest: (request, context: Context) => ({
        ...request,
        path: `/api/zones/${context.zone!.id}/assignments`,
        body: JSON.stringify({ duty: 'chief', party: { name: `巡查员${(context.turn ?? 0) % 5}`, phone: '13800000053' } }),
      }),
    },
  ]
}

function summary(kind: Kind, result: autocannon.Result): string {
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([status, { count }]) => `${status}×${count}`)
    .join(' ')
  return (
    `  ${kind.padEnd(10)} ${String(result.requests.total).padStart(8)} requests  ${(result.requests.total / result.duration).toFixed(1).padStart(7)}/s  ` +
    `p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  max ${result.latency.max} ms  ` +
    `non-2xx ${result.non2xx}  errors ${result.errors}  timeouts ${result.timeouts}  [${statuses}]`
  )
}

async function main(): Promise<number> {
  const options = readOptions()
  if (typeof options === 'string') {
    console.error(`${options}\n${usage}`)
    return 2
  }
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  let cluster: Cluster | undefined
  let dataDir: string | undefined
  // RATE_LIMITS=off: the load comes from one address, as no real client's does.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEMO: '1', ADMIN_TOKEN: adminToken, RATE_LIMITS: 'off' }
  delete env.DATABASE_URL
  if (options.backend === 'postgres') {
    cluster = await startCluster()
    const admin = new pg.Client({ connectionString: cluster.adminUrl })
    await admin.connect()
    await admin.query('CREATE DATABASE jiezhang_soak')
    await admin.end()
    env.DATABASE_URL = cluster.urlFor('jiezhang_soak')
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'jiezhang-soak-'))
    env.DATA_DIR = dataDir
  }
  // Node itself with tsx as a loader: one process, so its memory is the server's.
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let serverErrors = ''
  server.stderr!.on('data', (chunk: Buffer) => (serverErrors = (serverErrors + chunk.toString('utf8')).slice(-4000)))
  try {
    await waitForHealth(base, server, 300_000)
    const demo = await readDemo(base)
    const pid = server.pid!
    const memory: { at: string; rssMiB: number }[] = [{ at: 'start', rssMiB: rssMiB(pid) }]
    console.log(
      `soak: ${options.durationS} s at ${options.rate} requests/s against ${options.backend === 'postgres' ? 'PostgreSQL (throwaway cluster)' : 'the embedded database'} ` +
        `with the demo (${demo.zones.length} grids), ${options.connections} connections, on ${os.cpus().length} cores`,
    )
    let peak = memory[0]!.rssMiB
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 1000)
    const middle = setTimeout(() => memory.push({ at: 'middle', rssMiB: rssMiB(pid) }), (options.durationS * 1000) / 2)
    const share = (fraction: number) => Math.max(1, Math.round(options.rate * fraction))
    const connections = (fraction: number) => Math.max(1, Math.round(options.connections * fraction))
    const kinds: [Kind, number][] = [
      ['resolve', 0.8],
      ['zone read', 0.15],
      // A write is three requests (read, rename, assign).
      ['zone write', 0.05],
    ]
    const results = await Promise.all(
      kinds.map(([kind, fraction]) => loadOf(kind, base, demo, { rate: share(fraction), connections: connections(fraction), durationS: options.durationS })),
    )
    clearInterval(sampler)
    clearTimeout(middle)
    memory.push({ at: 'end', rssMiB: rssMiB(pid) })
    console.log('results:')
    kinds.forEach(([kind], index) => console.log(summary(kind, results[index]!)))
    const total = results.reduce((sum, result) => sum + result.requests.total, 0)
    const failed = results.reduce((sum, result) => sum + result.non2xx + result.errors + result.timeouts, 0)
    console.log(`  total      ${total} requests in ${options.durationS} s (${(total / options.durationS).toFixed(1)}/s), ${failed} failed`)
    console.log(`server memory (RSS): ${memory.map(({ at, rssMiB: mib }) => `${at} ${mib} MiB`).join(' → ')}, peak ${peak} MiB`)
    return failed === 0 ? 0 : 1
  } catch (error) {
    console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}\n${serverErrors}`)
    return 1
  } finally {
    server.kill('SIGTERM')
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)))
    cluster?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)
