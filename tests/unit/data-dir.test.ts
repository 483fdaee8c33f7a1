import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { adminHeaders, TEST_ADMIN_TOKEN } from '../helpers/auth.js'

const tsx = ['--import', 'tsx']
const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jz-datadir-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
    })
  })
}

/** Starts server/main.ts on the embedded database in `dataDir` and waits until it listens. */
async function startServer(dataDir: string, demo: boolean) {
  const port = await freePort()
  const child = spawn(process.execPath, [...tsx, 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: demo ? '1' : '0', ADMIN_TOKEN: TEST_ADMIN_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'))
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Server listening')) resolve()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then(() => reject(new Error(`server exited before listening:\n${output}`)))
  })
  return { child: child as ChildProcess, port, exited, output: () => output }
}

describe('the embedded data folder', () => {
  it('takes over a lock left by a process that is no longer alive', { timeout: 240_000 }, async () => {
    const dataDir = tempDir()
    // A pid far above any pid_max: no such process.
    writeFileSync(path.join(dataDir, 'jiezhang.lock'), '999999999\n')
    const server = await startServer(dataDir, false)
    const response = await fetch(`http://127.0.0.1:${server.port}/api/health`)
    expect(response.status).toBe(200)
  })

  it('refuses an import into the folder of a running server, naming the folder and the server, and writes nothing', { timeout: 240_000 }, async () => {
    const dataDir = tempDir()
    const server = await startServer(dataDir, false)
    const file = path.join(tempDir(), 'district.geojson')
    const square = [[[121.0, 31.0], [121.01, 31.0], [121.01, 31.01], [121.0, 31.01], [121.0, 31.0]]]
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { kind: 'district', code: '990101', name: '锁测试区' }, geometry: { type: 'Polygon', coordinates: square } }] }))
    const result = spawnSync(process.execPath, [...tsx, 'scripts/import.ts', file], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 180_000,
    })
    const output = `${result.stdout}${result.stderr}`
    expect(result.status).toBe(1)
    expect(output).toContain(dataDir)
    expect(output).toContain(String(server.child.pid))
    // The server still answers, and the district was not imported behind its back.
    const lookup = await fetch(`http://127.0.0.1:${server.port}/api/zones/by-code/district/990101`, { headers: adminHeaders })
    expect(lookup.status).toBe(404)
  })

  it('stops with exit 1 and names the folder when DATA_DIR lies inside a regular file (not writable, even as root)', () => {
    const file = path.join(tempDir(), 'a-file')
    writeFileSync(file, 'not a folder')
    const dataDir = path.join(file, 'pglite')
    const result = spawnSync(process.execPath, [...tsx, 'server/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: '1' },
      encoding: 'utf8',
      timeout: 180_000,
    })
    const output = `${result.stdout}${result.stderr}`
    expect(result.status).toBe(1)
    expect(output).toContain(`the data folder ${dataDir} (DATA_DIR) is not a writable folder`)
  })
})
