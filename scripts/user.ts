/**
 * `npm run user -- <command>`: accounts from the command line, on the database the server uses
 * (DATABASE_URL, or the embedded one in DATA_DIR: refused while a server holds that folder).
 * docs/accounts.md describes the commands. Exit codes: 0 done, 2 a bad argument (the message
 * names it), 1 the database could not be opened or the command failed.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { ConfigError, loadConfig } from '../server/config.js'
import { connectDatabase, type DatabaseHandle } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { DomainError } from '../server/errors.js'
import { isPermission, isRole, roles, type Permission, type Role } from '../server/kernel/permissions.js'
import { accountIdByLogin, addGrant, checkSeparation, createAccount, createApiToken, endSessions, oneTimePassword, resolveGrant } from '../server/auth/accounts.js'
import { loadPolicy, passwordProblems } from '../server/auth/policy.js'
import { hashPassword, randomToken } from '../server/auth/secrets.js'
import { appendAudit } from '../server/audit/audit.repository.js'

export class UsageError extends Error {}

const usage = `usage: npm run user -- <command>
  add <login> [--name "display name"] [--password-stdin | --password P] --role R [--scope CODE | --party ID]
  reset <login>                      prints a one-time password; it must be changed at the next sign-in
  grant <login> --role R [--scope CODE | --party ID]
  revoke <login> --role R [--scope CODE | --party ID]
  token <login> --name N [--permissions a,b] [--expires ISO-TIME]   prints the token once
  list
roles: ${roles.join(', ')}`

const LOGIN = /^[a-z0-9][a-z0-9._-]{1,63}$/

interface Parsed {
  command: string
  login?: string
  values: Record<string, string | boolean | undefined>
}

export function parseCommand(argv: string[]): Parsed {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === 'help') throw new UsageError(usage)
  if (!['add', 'reset', 'grant', 'revoke', 'token', 'list'].includes(command)) throw new UsageError(`unknown command "${command}"\n${usage}`)
  let parsed
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        password: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        role: { type: 'string' },
        scope: { type: 'string' },
        party: { type: 'string' },
        permissions: { type: 'string' },
        expires: { type: 'string' },
      },
    })
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`)
  }
  const positionals = parsed.positionals
  if (command === 'list') {
    if (positionals.length) throw new UsageError(`list takes no login, got "${positionals[0]}"`)
    return { command, values: parsed.values }
  }
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one <login>${positionals.length ? `, got ${positionals.join(' ')}` : ''}`)
  const login = positionals[0]!.trim().toLowerCase()
  if (!LOGIN.test(login)) throw new UsageError(`<login> "${positionals[0]}" must be 2 to 64 lower-case letters, digits and ._-`)
  const values = parsed.values
  if (['add', 'grant', 'revoke'].includes(command)) {
    if (typeof values.role !== 'string') throw new UsageError(`${command} needs --role (one of ${roles.join(', ')})`)
    if (!isRole(values.role)) throw new UsageError(`--role "${values.role}" is not a role: one of ${roles.join(', ')}`)
    if (values.scope !== undefined && values.party !== undefined) throw new UsageError('give --scope or --party, not both')
    if (values.party !== undefined && !/^[1-9]\d{0,9}$/.test(values.party)) throw new UsageError(`--party "${values.party}" must be a party id`)
  }
  if (command === 'add' && values.password !== undefined && values['password-stdin']) throw new UsageError('give --password or --password-stdin, not both')
  if (command === 'token') {
    if (typeof values.name !== 'string' || !values.name.trim()) throw new UsageError('token needs --name (what the token is for)')
    for (const permission of (values.permissions ?? '').split(',').filter(Boolean)) {
      if (!isPermission(permission.trim())) throw new UsageError(`--permissions: "${permission}" is not a permission`)
    }
    if (values.expires !== undefined && !(Date.parse(values.expires) > Date.now())) throw new UsageError(`--expires "${values.expires}" must be an ISO 8601 time in the future`)
  }
  return { command, login, values }
}

/** A DomainError of the shared checks, as the CLI names it: the field becomes the option. */
function asUsage(error: unknown): never {
  if (error instanceof DomainError) {
    const details = Array.isArray(error.details) ? error.details : []
    const option = (field?: string) => (field?.endsWith('scope_code') ? '--scope' : field?.endsWith('scope_party_id') ? '--party' : field === 'password' ? '--password' : field)
    const named = details.map((detail) => `${option(detail.field) ?? ''} ${detail.reason}`.trim())
    throw new UsageError(`${error.message}${named.length ? ` (${named.join('; ')})` : ''}`)
  }
  throw error
}

async function mustFind(handle: DatabaseHandle, login: string): Promise<number> {
  const id = await accountIdByLogin(handle.db, login)
  if (id === undefined) throw new UsageError(`<login> "${login}": no account has this login (npm run user -- list)`)
  return id
}

const audit = (handle: DatabaseHandle, action: string, login: string, accountId: number | null, after?: unknown) =>
  appendAudit(handle.db, { via: 'cli', login: process.env.USER ?? null, action, objectType: 'account', objectId: accountId, objectCode: login, after, outcome: 'ok' })

export async function run(parsed: Parsed, handle: DatabaseHandle, out: (line: string) => void, readStdin: () => string): Promise<void> {
  const db = handle.db
  const { command, values } = parsed
  const login = parsed.login!
  const grantOf = async (role: Role) =>
    resolveGrant(db, { role, scope_code: (values.scope as string | undefined) ?? null, scope_party_id: values.party ? Number(values.party) : null }).catch(asUsage)

  switch (command) {
    case 'list': {
      const accounts = await db.selectFrom('account').select(['id', 'login', 'display_name', 'disabled', 'locked_until', 'must_change_password', 'totp_enabled', 'demo']).orderBy('login').execute()
      const grants = await db
        .selectFrom('account_grant')
        .leftJoin('zone', 'zone.id', 'account_grant.scope_zone_id')
        .select(['account_grant.account_id', 'account_grant.role', 'zone.code', 'account_grant.scope_party_id'])
        .orderBy('account_grant.id')
        .execute()
      for (const account of accounts) {
        const held = grants
          .filter((grant) => grant.account_id === account.id)
          .map((grant) => `${grant.role}${grant.code ? `@${grant.code}` : grant.scope_party_id ? `@party:${grant.scope_party_id}` : ''}`)
        const flags = [
          account.disabled && 'disabled',
          account.locked_until && account.locked_until.getTime() > Date.now() && `locked until ${account.locked_until.toISOString()}`,
          account.must_change_password && 'must change password',
          account.totp_enabled && 'totp',
          account.demo && 'demo',
        ].filter(Boolean)
        out(`${account.login}\t${account.display_name}\t${held.join(',') || '-'}${flags.length ? `\t(${flags.join(', ')})` : ''}`)
      }
      if (!accounts.length) out('no accounts')
      return
    }
    case 'add': {
      if ((await accountIdByLogin(db, login)) !== undefined) throw new UsageError(`<login> "${login}": an account with this login exists`)
      const grant = await grantOf(values.role as Role)
      let password = values['password-stdin'] ? readStdin().replace(/\r?\n$/, '') : (values.password as string | undefined)
      const oneTime = password === undefined
      if (oneTime) password = oneTimePassword()
      const problems = passwordProblems(password!, await loadPolicy(db))
      if (problems.length) throw new UsageError(`the password ${problems.join('; ')}`)
      const name = typeof values.name === 'string' && values.name.trim() ? values.name.trim() : login
      if ([...name].length > 100) throw new UsageError('--name must be at most 100 characters')
      const id = await db.transaction().execute(async (tx) => {
        const id = await createAccount(tx, { login, displayName: name, password, mustChangePassword: oneTime }, [])
        await checkSeparation(tx, id, [grant.role], null).catch(asUsage)
        await addGrant(tx, id, grant)
        return id
      })
      await audit(handle, 'account.create', login, id, { role: grant.role, scope: values.scope ?? values.party ?? null })
      out(`account "${login}" created with the role ${grant.role}${values.scope ? ` in ${values.scope}` : ''}`)
      if (oneTime) out(`one-time password (shown once; it must be changed at the first sign-in): ${password}`)
      return
    }
    case 'reset': {
      const id = await mustFind(handle, login)
      const password = oneTimePassword()
      const hash = await hashPassword(password)
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('account')
          .set({ password_hash: hash, must_change_password: true, failed_logins: 0, locked_until: null, password_changed_at: sql<Date>`now()`, version: sql<number>`version + 1` })
          .where('id', '=', id)
          .execute()
        await endSessions(tx, id)
      })
      await audit(handle, 'account.password_reset', login, id)
      out(`one-time password for "${login}" (shown once; it must be changed at the next sign-in): ${password}`)
      return
    }
    case 'grant': {
      const id = await mustFind(handle, login)
      const grant = await grantOf(values.role as Role)
      await db.transaction().execute(async (tx) => {
        await checkSeparation(tx, id, [grant.role], null).catch(asUsage)
        await addGrant(tx, id, grant)
      })
      await audit(handle, 'grant.create', login, id, { role: grant.role, scope: values.scope ?? values.party ?? null })
      out(`"${login}" has the role ${grant.role}${values.scope ? ` in ${values.scope}` : values.party ? ` for party ${values.party}` : ''}`)
      return
    }
    case 'revoke': {
      const id = await mustFind(handle, login)
      const grant = await grantOf(values.role as Role)
      let query = db.deleteFrom('account_grant').where('account_id', '=', id).where('role', '=', grant.role)
      query = grant.scopeZoneId ? query.where('scope_zone_id', '=', grant.scopeZoneId) : query.where('scope_zone_id', 'is', null)
      query = grant.scopePartyId ? query.where('scope_party_id', '=', grant.scopePartyId) : query.where('scope_party_id', 'is', null)
      const result = await query.executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) throw new UsageError(`"${login}" has no grant of --role ${grant.role}${values.scope ? ` with --scope ${values.scope}` : ''}`)
      await audit(handle, 'grant.delete', login, id, { role: grant.role, scope: values.scope ?? values.party ?? null })
      out(`"${login}" no longer has the role ${grant.role}${values.scope ? ` in ${values.scope}` : ''}`)
      return
    }
    case 'token': {
      const id = await mustFind(handle, login)
      const permissions = (values.permissions as string | undefined)?.split(',').map((p) => p.trim()).filter(Boolean) as Permission[] | undefined
      const token = randomToken('jz_')
      const tokenId = await createApiToken(db, id, token, (values.name as string).trim(), {
        permissions: permissions?.length ? permissions : null,
        expiresAt: values.expires ? new Date(values.expires as string) : null,
      })
      await audit(handle, 'token.create', login, id, { token_id: tokenId, permissions: permissions ?? null })
      out(`API token ${tokenId} for "${login}" (shown once; send it as "Authorization: Bearer <token>"):`)
      out(token)
      return
    }
  }
}

async function main(): Promise<number> {
  let parsed: Parsed
  try {
    parsed = parseCommand(process.argv.slice(2))
  } catch (error) {
    console.error(`user: ${(error as Error).message}`)
    return 2
  }
  let handle: DatabaseHandle
  try {
    const config = loadConfig()
    handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: config.databaseTimeouts })
    await migrate(handle)
  } catch (error) {
    const message = error instanceof ConfigError ? `configuration error: ${error.message}` : (error as Error).message
    console.error(`user: cannot open the database: ${message}`)
    return error instanceof ConfigError ? 2 : 1
  }
  try {
    await run(parsed, handle, (line) => console.log(line), () => readFileSync(0, 'utf8'))
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`user: ${error.message}`)
      return 2
    }
    console.error(`user failed: ${(error as Error).message}`)
    return 1
  } finally {
    await handle.close()
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  main().then((code) => process.exit(code))
}
