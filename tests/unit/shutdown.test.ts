import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { adminHeaders, TEST_ADMIN_TOKEN } from '../helpers/auth.js'

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'jz-shutdown-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** 200,000 points spread over the demo's extent, in a seeded order (a linear congruential walk). */
function batchBody(): string {
  const points = []
  let state = 2017
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
  for (let id = 0; id < 200_000; id++) points.push({ id, lon: 120.1521 + next() * 0.0147, lat: 30.2656 + next() * 0.0108 })
  return JSON.stringify({ points })
}

describe('shutting down on SIGTERM', () => {
  it('answers the batch resolution in flight with 200, then exits 0 and releases the data folder', { timeout: 300_000 }, async () => {
    const port = await freePort()
    const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, DEMO: '1', PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: TEST_ADMIN_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)))

    const base = `http://127.0.0.1:${port}`
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break
      } catch {
        if (attempt > 2400) throw new Error(`the server did not start:\n${output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(existsSync(path.join(dataDir, 'jiezhang.lock'))).toBe(true)

    const body = batchBody()
    let answered = false
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const call = request(`${base}/api/resolve/batch`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...adminHeaders } }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          answered = true
          resolve({ status: res.statusCode ?? 0, body: text })
        })
      })
      call.on('error', reject)
      // SIGTERM once the whole body is sent, while the server is still resolving.
      call.end(body, () => {
        setTimeout(() => {
          expect(answered).toBe(false)
          server.kill('SIGTERM')
        }, 500)
      })
    })

    const answer = await response
    expect(answer.status).toBe(200)
    const { results } = JSON.parse(answer.body) as { results: { id: number; status: string }[] }
    expect(results).toHaveLength(200_000)
    expect(results[199_999]!.id).toBe(199_999)
    expect(await exited).toBe(0)
    expect(output).toContain('SIGTERM: no new connections')
    expect(output).toContain('[jiezhang] stopped')
    expect(existsSync(path.join(dataDir, 'jiezhang.lock'))).toBe(false)
  })
})
