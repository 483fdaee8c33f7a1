import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'
import { parseCommand, run, UsageError } from '../../scripts/user.js'

/**
 * `npm run user` on a temporary embedded database (DATA_DIR), spawned as a user runs it; and a
 * production start (DEMO=0) on it with no account, which must say what to do.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'jz-user-cli-'))
const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', DEMO: '0', ADMIN_LOGIN: '', ADMIN_PASSWORD: '', ADMIN_TOKEN: '' }

function user(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], { env, input, encoding: 'utf8', timeout: 240_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
    })
  })
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('npm run user', () => {
  it('refuses bad arguments with exit 2 and a message naming them, before opening any database', () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['add', 'alice'], /needs --role/],
      [['add', 'alice', '--role', 'wizard'], /--role "wizard" is not a role/],
      [['add', 'Alice Smith', '--role', 'viewer'], /<login> "Alice Smith"/],
      [['grant', 'alice', '--role', 'planner', '--scope', '1', '--party', '2'], /--scope or --party/],
      [['token', 'alice'], /needs --name/],
      [['token', 'alice', '--name', 'x', '--permissions', 'zones.fly'], /"zones.fly" is not a permission/],
      [['add', 'alice', '--role', 'viewer', '--colour', 'red'], /colour/],
    ]
    // Two through the real entry point (exit code and stderr), the rest through its parser.
    for (const [args, message] of cases.slice(0, 2)) {
      const result = user(args)
      expect(result.status, args.join(' ')).toBe(2)
      expect(result.stderr, args.join(' ')).toMatch(message)
    }
    for (const [args, message] of cases) expect(() => parseCommand(args), args.join(' ')).toThrow(message)
  }, 300_000)

  it('a production start with no account prints what to do; while it runs, the CLI refuses the folder (exit 1)', async () => {
    const port = await freePort()
    const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" within 240 s:\n${output}`)), 240_000)
        const read = (chunk: Buffer) => {
          output += chunk.toString()
          if (/listening/i.test(output)) {
            clearTimeout(timer)
            resolve()
          }
        }
        server.stdout.on('data', read)
        server.stderr.on('data', read)
        server.on('exit', () => reject(new Error(`the server stopped:\n${output}`)))
      })
      expect(output).toContain('no account exists, so nobody can sign in: set ADMIN_LOGIN and ADMIN_PASSWORD (or ADMIN_TOKEN)')
      expect(output).toContain('npm run user -- add <login> --role administrator')
      const refused = user(['list'])
      expect(refused.status).toBe(1)
      expect(refused.stderr).toContain(`the data folder ${dataDir} is in use by another Jiezhang process`)
    } finally {
      server.kill('SIGTERM')
      await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)))
    }
  }, 400_000)

  it('adds an account with a password from stdin (exit 0), and refuses a scope no zone has (exit 2)', () => {
    const added = user(['add', 'alice', '--name', '张爱丽', '--password-stdin', '--role', 'administrator'], 'Alice-Password-2026\n')
    expect(added.stderr).toBe('')
    expect(added.status).toBe(0)
    expect(added.stdout).toContain('account "alice" created with the role administrator')
    expect(added.stdout).not.toContain('one-time password')
    const noZone = user(['grant', 'alice', '--role', 'planner', '--scope', '330105'])
    expect(noZone.status).toBe(2)
    expect(noZone.stderr).toContain('--scope no zone has this code')
  }, 500_000)

  // The rest runs the same commands in this process (a spawn opens the embedded database anew: tens of seconds each).
  describe('the commands, in process', () => {
    let handle: DatabaseHandle
    beforeAll(async () => {
      handle = await connectDatabase({ dataDir })
    }, 240_000)
    afterAll(async () => handle?.close())

    async function call(args: string[], input = ''): Promise<{ out: string; error?: string }> {
      const lines: string[] = []
      try {
        await run(parseCommand(args), handle, (line) => lines.push(line), () => input)
        return { out: lines.join('\n') }
      } catch (error) {
        if (!(error instanceof UsageError)) throw error
        return { out: lines.join('\n'), error: error.message }
      }
    }

    it('adds an account with a given password', async () => {
      expect((await call(['add', 'carol', '--name', '陈卡罗', '--password', 'Carol-Password-2026', '--role', 'planner'])).error).toBeUndefined()
    })

    it('refuses a weak password, a login taken, a scope the role needs, an unknown login', async () => {
      expect((await call(['add', 'bob', '--password', 'short', '--role', 'viewer'])).error).toContain('must be at least 12 characters')
      expect((await call(['add', 'carol', '--role', 'viewer'])).error).toContain('<login> "carol": an account with this login exists')
      expect((await call(['grant', 'carol', '--role', 'grid_worker'])).error).toContain('--scope')
      expect((await call(['reset', 'nobody'])).error).toContain('<login> "nobody": no account has this login')
    })

    it('keeps the duties separate, grants and revokes, lists, resets and issues tokens', async () => {
      expect((await call(['add', 'sam', '--role', 'system_admin'])).out).toMatch(/one-time password .*: Jz-9\S{16}/)
      expect((await call(['grant', 'sam', '--role', 'audit_admin'])).error).toContain('may not hold both system_admin and audit_admin')
      expect((await call(['grant', 'sam', '--role', 'viewer'])).error).toBeUndefined()
      expect((await call(['revoke', 'sam', '--role', 'viewer'])).error).toBeUndefined()
      expect((await call(['revoke', 'sam', '--role', 'viewer'])).error).toContain('has no grant of --role viewer')

      const list = (await call(['list'])).out
      expect(list).toMatch(/^carol\t陈卡罗\tplanner$/m)
      expect(list).toMatch(/^sam\tsam\tsystem_admin\t\(must change password\)$/m)

      const reset = await call(['reset', 'carol'])
      expect(reset.out).toMatch(/one-time password for "carol" .*: Jz-9\S{16}$/m)
      const account = await handle.db.selectFrom('account').select(['must_change_password']).where('login', '=', 'carol').executeTakeFirstOrThrow()
      expect(account.must_change_password).toBe(true)
      const token = await call(['token', 'carol', '--name', '12345热线', '--permissions', 'resolve,zones.read'])
      expect(token.out).toMatch(/^jz_[A-Za-z0-9_-]{43}$/m)
      const stored = await handle.db.selectFrom('api_token').select(['permissions', 'name']).executeTakeFirstOrThrow()
      expect(stored).toEqual({ permissions: ['resolve', 'zones.read'], name: '12345热线' })
      const audited = await handle.db.selectFrom('audit_event').select('action').where('via', '=', 'cli').execute()
      expect(audited.map((row) => row.action)).toEqual(expect.arrayContaining(['account.create', 'grant.create', 'grant.delete', 'account.password_reset', 'token.create']))
    })
  })
})
