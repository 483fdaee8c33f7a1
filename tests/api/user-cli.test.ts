import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'
import { parseCommand, run, UsageError } from '../../scripts/user.js'
import { testBackend } from '../helpers/test-app.js'

/**
 * `npm run user` on this run's backend, over a copy of the demo database: on PostgreSQL each
 * command is the real script, spawned with DATABASE_URL as an operator runs it; on the embedded
 * database (where a spawn opens PGlite anew, tens of seconds) two commands are spawned with
 * DATA_DIR and the rest go through the script's own run() in this process, with main()'s exit
 * codes (0 done, 2 a bad argument, 1 a failure). tests/unit/user-cli.test.ts covers the embedded
 * database's own cases (a folder held by a running server, a production start with no account).
 */
const backend = testBackend()
const baseEnv = { ...process.env, DEMO: '0', ADMIN_LOGIN: '', ADMIN_PASSWORD: '', ADMIN_TOKEN: '' }
let env: NodeJS.ProcessEnv
let handle: DatabaseHandle | undefined
let dataDir: string | undefined
let dropDatabase = async () => {}

interface Result {
  status: number | null
  stdout: string
  stderr: string
}

function spawnUser(args: string[], input = ''): Result {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], { env, input, encoding: 'utf8', timeout: 240_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** One command: spawned on PostgreSQL, in process on the embedded database (see above). */
async function user(args: string[], input = ''): Promise<Result> {
  if (backend === 'postgres') return spawnUser(args, input)
  const out: string[] = []
  try {
    await run(parseCommand(args), handle!, (line) => out.push(line), () => input)
    return { status: 0, stdout: out.map((line) => `${line}\n`).join(''), stderr: '' }
  } catch (error) {
    const usage = error instanceof UsageError
    return { status: usage ? 2 : 1, stdout: out.map((line) => `${line}\n`).join(''), stderr: `user: ${(error as Error).message}\n` }
  }
}

/** Rows of every table the CLI writes: a refused command must leave each count as it was. */
async function counts(): Promise<Record<string, number>> {
  const db = handle!.db
  const count = async (table: 'account' | 'account_grant' | 'api_token' | 'audit_event' | 'account_session') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return {
    account: await count('account'),
    account_grant: await count('account_grant'),
    api_token: await count('api_token'),
    audit_event: await count('audit_event'),
    account_session: await count('account_session'),
  }
}

beforeAll(async () => {
  if (backend === 'postgres') {
    const adminUrl = inject('postgresAdminUrl')
    const name = `jz_user_cli_${process.pid}_${Date.now()}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name} TEMPLATE jz_template_demo`)
    await admin.end()
    const url = adminUrl.replace(/\/postgres$/, `/${name}`)
    env = { ...baseEnv, DATABASE_URL: url, DATA_DIR: '' }
    handle = await connectDatabase({ databaseUrl: url })
    dropDatabase = async () => {
      const dropper = new pg.Client({ connectionString: adminUrl })
      await dropper.connect()
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await dropper.end()
    }
  } else {
    // The demo template, unpacked into a folder of its own for the spawned CLI.
    dataDir = mkdtempSync(path.join(tmpdir(), 'jz-user-cli-api-'))
    const seeded = await connectDatabase({ dataDir, loadDataDir: new Blob([readFileSync(inject('pgliteTemplates').demo)]) })
    await seeded.close()
    env = { ...baseEnv, DATABASE_URL: '', DATA_DIR: dataDir }
  }
}, 240_000)

afterAll(async () => {
  await handle?.close()
  await dropDatabase()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe(`npm run user on ${backend === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : 'the embedded database (DATA_DIR)'}`, () => {
  it('through the real entry point: adds an account (exit 0), and refuses a scope no zone has (exit 2) writing nothing', async () => {
    const added = spawnUser(['add', 'cli.alice', '--name', '张爱丽', '--password-stdin', '--role', 'planner', '--scope', '330105003'], 'Alice-Password-2026\n')
    expect(added.stderr).toBe('')
    expect(added.status).toBe(0)
    expect(added.stdout).toBe('account "cli.alice" created with the role planner in 330105003\n')
    const refused = spawnUser(['add', 'cli.bob', '--role', 'planner', '--scope', '999999999'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain('--scope no zone has this code')
    expect(refused.stdout).toBe('')
    // The embedded database: the rest runs in this process, on the same folder.
    if (backend === 'pglite') handle = await connectDatabase({ dataDir })
    const db = handle!.db
    expect(await db.selectFrom('account').select('login').where('login', 'in', ['cli.alice', 'cli.bob']).execute()).toEqual([{ login: 'cli.alice' }])
    const grants = await db
      .selectFrom('account_grant')
      .innerJoin('account', 'account.id', 'account_grant.account_id')
      .innerJoin('zone', 'zone.id', 'account_grant.scope_zone_id')
      .select(['account_grant.role', 'zone.code'])
      .where('account.login', '=', 'cli.alice')
      .execute()
    expect(grants).toEqual([{ role: 'planner', code: '330105003' }])
  }, 600_000)

  it('add, reset, grant, revoke, token and list do what they say, and each is audited as the CLI', async () => {
    const db = handle!.db
    const added = await user(['add', 'cli.sam', '--name', '孙系统', '--role', 'system_admin'])
    expect(added.status).toBe(0)
    expect(added.stdout).toMatch(/^account "cli\.sam" created with the role system_admin\none-time password \(shown once; it must be changed at the first sign-in\): Jz-9\S{16}\n$/)

    const reset = await user(['reset', 'cli.alice'])
    expect(reset.status).toBe(0)
    expect(reset.stdout).toMatch(/^one-time password for "cli\.alice" \(shown once; it must be changed at the next sign-in\): Jz-9\S{16}\n$/)
    expect((await db.selectFrom('account').select('must_change_password').where('login', '=', 'cli.alice').executeTakeFirstOrThrow()).must_change_password).toBe(true)

    expect((await user(['grant', 'cli.alice', '--role', 'viewer'])).status).toBe(0)
    const revoked = await user(['revoke', 'cli.alice', '--role', 'planner', '--scope', '330105003'])
    expect(revoked.status).toBe(0)
    expect(revoked.stdout).toBe('"cli.alice" no longer has the role planner in 330105003\n')

    const token = await user(['token', 'cli.alice', '--name', '12345热线', '--permissions', 'resolve,zones.read'])
    expect(token.status).toBe(0)
    const lines = token.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^API token \d+ for "cli\.alice"/)
    expect(lines[1]).toMatch(/^jz_[A-Za-z0-9_-]{43}$/)
    const stored = await db
      .selectFrom('api_token')
      .innerJoin('account', 'account.id', 'api_token.account_id')
      .select(['api_token.name', 'api_token.permissions', 'api_token.token_hash'])
      .where('account.login', '=', 'cli.alice')
      .execute()
    expect(stored.map(({ name, permissions }) => ({ name, permissions }))).toEqual([{ name: '12345热线', permissions: ['resolve', 'zones.read'] }])
    // Only a hash of the token is kept.
    expect(JSON.stringify(stored)).not.toContain(lines[1]!)

    const list = await user(['list'])
    expect(list.status).toBe(0)
    expect(list.stdout).toMatch(/^cli\.alice\t张爱丽\tviewer\t\(must change password\)$/m)
    expect(list.stdout).toMatch(/^cli\.sam\t孙系统\tsystem_admin\t\(must change password\)$/m)
    // The demo accounts are there too, with their scopes.
    expect(list.stdout).toMatch(/^planner\t天水街道规划员（演示）\tplanner@330105003\t\(demo\)$/m)

    const audited = await db.selectFrom('audit_event').select(['action', 'object_code']).where('via', '=', 'cli').orderBy('id').execute()
    expect(audited).toEqual([
      { action: 'account.create', object_code: 'cli.alice' },
      { action: 'account.create', object_code: 'cli.sam' },
      { action: 'account.password_reset', object_code: 'cli.alice' },
      { action: 'grant.create', object_code: 'cli.alice' },
      { action: 'grant.delete', object_code: 'cli.alice' },
      { action: 'token.create', object_code: 'cli.alice' },
    ])
  }, 600_000)

  it('bad input: exit 2, a message naming the argument, and nothing written', async () => {
    const cases: [string[], RegExp][] = [
      [['add', 'cli.alice', '--role', 'viewer'], /<login> "cli\.alice": an account with this login exists/],
      [['add', 'cli.carol', '--password', 'short', '--role', 'viewer'], /password must be at least 12 characters/],
      [['add', 'cli.carol', '--role', 'grid_worker'], /--scope/],
      [['add', 'cli.carol', '--role', 'planner', '--scope', '999999999'], /--scope no zone has this code/],
      [['add', 'cli.carol', '--role', 'wizard'], /--role "wizard" is not a role/],
      [['grant', 'cli.sam', '--role', 'audit_admin'], /may not hold both system_admin and audit_admin/],
      [['grant', 'nobody.here', '--role', 'viewer'], /<login> "nobody\.here": no account has this login/],
      [['revoke', 'cli.alice', '--role', 'planner', '--scope', '330105003'], /has no grant of --role planner with --scope 330105003/],
      [['reset', 'nobody.here'], /<login> "nobody\.here": no account has this login/],
      [['token', 'cli.alice', '--name', 'x', '--permissions', 'zones.fly'], /--permissions: "zones\.fly" is not a permission/],
      [['token', 'cli.alice', '--name', 'x', '--expires', '2001-01-01T00:00:00Z'], /--expires "2001-01-01T00:00:00Z" must be an ISO 8601 time in the future/],
      [['token', 'cli.alice'], /token needs --name/],
      [['list', 'cli.alice'], /list takes no login/],
    ]
    const before = await counts()
    for (const [args, message] of cases) {
      const result = await user(args)
      expect(result.status, args.join(' ')).toBe(2)
      expect(result.stderr, args.join(' ')).toMatch(message)
      expect(result.stdout, args.join(' ')).toBe('')
    }
    expect(await counts()).toEqual(before)
    // The refused add left no half-made account behind.
    expect(await handle!.db.selectFrom('account').select('login').where('login', '=', 'cli.carol').execute()).toEqual([])
  }, 900_000)
})
