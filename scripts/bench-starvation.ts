/**
 * Starvation benchmark (`npm run bench:starvation`): does a single `/api/resolve` stay fast while
 * long work runs on the embedded database? Starts the real server (server/main.ts) on a fresh
 * embedded data folder with the demo, then, while each load runs, fires one resolve of a random
 * demo point every 50 ms (each on its own, not waiting for the previous one) and prints the median,
 * p95, p99 and max latency of those resolves against an idle baseline measured first in the same run.
 *
 * Loads, one after another: a dry-run import of the demo tiled BENCH_TILES times, a batch of
 * BENCH_BATCH points, and the same tiled import for real. Prints numbers only.
 * Knobs: BENCH_TILES (200), BENCH_BATCH (200000), BENCH_PROBE_MS (50), BENCH_IDLE_MS (3000),
 * BENCH_SEED (2017).
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { seededRandom } from './demo/streets.js'
import { readDemo, tiledDemo } from './bench/tiled-demo.js'

const tiles = Number(process.env.BENCH_TILES ?? 200)
const batchSize = Number(process.env.BENCH_BATCH ?? 200_000)
const probeMs = Number(process.env.BENCH_PROBE_MS ?? 50)
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 3000)
const seed = Number(process.env.BENCH_SEED ?? 2017)

const log = (message: string) => console.log(`[bench] ${message}`)

/** The server is started with this ADMIN_TOKEN (a fresh one each run) and every request sends it. */
const adminToken = randomBytes(24).toString('base64url')
const authorization = `Bearer ${adminToken}`

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

const demo = readDemo()
const bbox = (() => {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity]
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      west = Math.min(west, c[0] as number)
      east = Math.max(east, c[0] as number)
      south = Math.min(south, c[1] as number)
      north = Math.max(north, c[1] as number)
    } else if (Array.isArray(c)) c.forEach(walk)
  }
  for (const feature of demo.features) walk(feature.geometry.coordinates)
  return { west, south, east, north }
})()
const random = seededRandom(seed)
const demoPoint = () => ({ lon: bbox.west + random() * (bbox.east - bbox.west), lat: bbox.south + random() * (bbox.north - bbox.south) })

interface Summary {
  /** Answered from an import's standby (server/resolve/import-standby.ts). */
  fromStandby?: number
  count: number
  failed: number
  median: number
  p95: number
  p99: number
  max: number
}

function summarise(latencies: number[], failed: number): Summary {
  const sorted = [...latencies].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
  return { count: sorted.length, failed, median: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN }
}

const show = (s: Summary) =>
  `${s.count} resolves: median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms` +
  (s.failed ? `, ${s.failed} failed` : '') +
  (s.fromStandby ? `, ${s.fromStandby} from the import's standby` : '')

/** Fires one resolve every probeMs until `until` settles; returns the latencies. */
async function probeWhile(base: string, until: Promise<unknown> | number): Promise<Summary> {
  const latencies: number[] = []
  let failed = 0
  let fromStandby = 0
  const inFlight: Promise<void>[] = []
  let running = true
  const stop = typeof until === 'number' ? new Promise((resolve) => setTimeout(resolve, until)) : until
  void stop.finally(() => {
    running = false
  })
  while (running) {
    const p = demoPoint()
    const t0 = performance.now()
    inFlight.push(
      fetch(`${base}/api/resolve?lon=${p.lon}&lat=${p.lat}`, { headers: { authorization } })
        .then(async (response) => {
          await response.arrayBuffer()
          if (response.status !== 200) failed++
          else {
            latencies.push(performance.now() - t0)
            if (response.headers.get('x-answered-from') === 'import-standby') fromStandby++
          }
        })
        .catch(() => {
          failed++
        }),
    )
    await Promise.race([new Promise((resolve) => setTimeout(resolve, probeMs)), stop])
  }
  await Promise.all(inFlight)
  await stop
  return { ...summarise(latencies, failed), fromStandby }
}

async function timed(label: string, base: string, work: () => Promise<string>): Promise<void> {
  const t0 = performance.now()
  let outcome = ''
  const load = work().then((result) => {
    outcome = result
  })
  const summary = await probeWhile(base, load)
  log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s (${outcome}); during it ${show(summary)}`)
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jz-bench-starvation-'))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, DEMO: '1', PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break
      } catch {
        if (attempt > 3000) throw new Error('the server did not start within 300 s')
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    log(`server on ${base}, embedded data folder ${dataDir}`)

    const tiled = tiledDemo(tiles, demo)
    const importBody = new TextEncoder().encode(JSON.stringify(tiled))
    log(`import: the demo tiled ${tiles} times, ${tiled.features.length} features, ${(importBody.length / 1e6).toFixed(1)} MB`)
    const batchBody = new TextEncoder().encode(JSON.stringify({ points: Array.from({ length: batchSize }, (_, id) => ({ id, ...demoPoint() })) }))
    log(`batch: ${batchSize} points, ${(batchBody.length / 1e6).toFixed(1)} MB`)

    // Warm up, then the idle baseline.
    await probeWhile(base, 1000)
    log(`idle baseline: ${show(await probeWhile(base, idleMs))}`)

    // Each load on a connection of its own (node:http, no keep-alive pool shared with the probes).
    const post = (url: string, body: Uint8Array) =>
      new Promise<string>((resolve, reject) => {
        const t0 = performance.now()
        const request = httpRequest(`${base}${url}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length, authorization } }, (response) => {
          let bytes = 0
          response.on('data', (chunk: Buffer) => (bytes += chunk.length))
          response.on('end', () => resolve(`${response.statusCode}, ${(bytes / 1e6).toFixed(1)} MB answer`))
          response.on('error', reject)
        })
        request.on('error', (error) => reject(new Error(`${url} failed after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${error.message}`)))
        request.end(body)
      })
    await timed(`dry-run import of ${tiled.features.length} features`, base, () => post('/api/import?dry_run=1', importBody))
    await timed(`batch of ${batchSize} points`, base, () => post('/api/resolve/batch', batchBody))
    await timed(`import of ${tiled.features.length} features`, base, () => post('/api/import', importBody))
    log(`idle again: ${show(await probeWhile(base, idleMs))}`)
  } finally {
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
