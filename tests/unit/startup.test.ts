import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'

/** Starts the real server entry point and returns how it ended. */
function startServer(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
    })
  })
}

describe('starting the server', () => {
  it('stops with a message naming the variable and a non-zero exit when PORT is unusable', () => {
    const { status, output } = startServer({ PORT: 'eighty' })
    expect(status).toBe(1)
    expect(output).toContain('configuration error: PORT must be a whole number')
  })

  it('stops with a clear message and a non-zero exit when the database cannot be reached', async () => {
    const port = await closedPort()
    const { status, output } = startServer({ DATABASE_URL: `postgres://nobody@127.0.0.1:${port}/jiezhang` })
    expect(status).toBe(1)
    expect(output).toMatch(/could not start: .*ECONNREFUSED/)
    // The start-up log shows that the variable was set, never its value.
    expect(output).toContain('DATABASE_URL=(set)')
  })
})
