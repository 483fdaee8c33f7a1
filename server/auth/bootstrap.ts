import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { Role } from '../kernel/permissions.js'
import { accountIdByLogin, addGrant, countAccounts, createAccount, createApiToken, type NewGrant } from './accounts.js'
import { defaultPolicy, passwordProblems } from './policy.js'
import { hashToken, randomToken } from './secrets.js'

/** The one password of every demo account: documented in the README, for the demo only. */
export const DEMO_PASSWORD = 'Demo-2026-jiezhang'

export interface BootstrapOptions {
  /** ADMIN_LOGIN / ADMIN_PASSWORD / ADMIN_TOKEN from the environment, when set. */
  adminLogin?: string
  adminPassword?: string
  adminToken?: string
  /** Whether the demo district is served (DEMO=1): then the demo accounts exist too. */
  demo: boolean
}

export class BootstrapError extends Error {}

/**
 * Makes sure somebody can get in. Runs at every start and changes nothing that is already there:
 * - ADMIN_LOGIN (default `admin` when only ADMIN_PASSWORD or ADMIN_TOKEN is set) is created as
 *   the bootstrap administrator if no account has that login, with ADMIN_PASSWORD; ADMIN_TOKEN is
 *   added to it as an API token with exactly that value if no token has that value yet.
 * - With no account at all and no ADMIN_*, and the demo on: an `admin` with a one-time password
 *   (printed once; it must be changed at the first sign-in).
 * - With the demo on, the demo accounts (below) if none exists yet.
 * Returns the lines to print.
 */
export async function bootstrapAccounts(db: Db, options: BootstrapOptions): Promise<string[]> {
  const lines: string[] = []
  const wantsAdmin = options.adminLogin !== undefined || options.adminPassword !== undefined || options.adminToken !== undefined
  if (wantsAdmin) {
    const login = options.adminLogin ?? 'admin'
    if (options.adminPassword !== undefined) {
      const problems = passwordProblems(options.adminPassword, defaultPolicy)
      if (problems.length) throw new BootstrapError(`ADMIN_PASSWORD ${problems.join('; ')}`)
    }
    if (options.adminToken !== undefined && !/^[A-Za-z0-9._~+/=-]{16,200}$/.test(options.adminToken)) {
      throw new BootstrapError('ADMIN_TOKEN must be 16 to 200 characters of letters, digits and ._~+/=-')
    }
    if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(login)) {
      throw new BootstrapError(`ADMIN_LOGIN must be 2 to 64 lower-case letters, digits and ._- starting with a letter or digit, got "${login}"`)
    }
    await db.transaction().execute(async (tx) => {
      let accountId = await accountIdByLogin(tx, login)
      if (accountId === undefined) {
        accountId = await createAccount(tx, { login, displayName: '初始管理员', password: options.adminPassword }, [{ role: 'administrator' }])
        lines.push(`administrator "${login}" created from ADMIN_LOGIN/ADMIN_PASSWORD/ADMIN_TOKEN`)
      }
      if (options.adminToken !== undefined) {
        const existing = await tx.selectFrom('api_token').select('id').where('token_hash', '=', hashToken(options.adminToken)).executeTakeFirst()
        if (!existing) {
          await createApiToken(tx, accountId, options.adminToken, 'ADMIN_TOKEN')
          lines.push(`API token from ADMIN_TOKEN added to "${login}"`)
        }
      }
    })
  } else if ((await countAccounts(db)) === 0 && options.demo) {
    const password = randomToken().slice(0, 20)
    await createAccount(db, { login: 'admin', displayName: '初始管理员', password, mustChangePassword: true }, [{ role: 'administrator' }])
    lines.push(`first run: administrator "admin" with the one-time password ${password} (it must be changed at the first sign-in)`)
  }
  if (options.demo) lines.push(...(await createDemoAccounts(db)))
  if ((await countAccounts(db)) === 0) {
    lines.push(
      'no account exists, so nobody can sign in: set ADMIN_LOGIN and ADMIN_PASSWORD (or ADMIN_TOKEN) and restart, ' +
        'or run `npm run user -- add <login> --role administrator`',
    )
  }
  return lines
}

interface DemoAccount {
  login: string
  displayName: string
  role: Role
  /** The code of the jurisdiction the grant covers; none: the whole city. */
  scopeCode?: string
  /** The chief's own zones: the current chief of this zone code. */
  chiefOf?: string
  /** The account is this zone's current chief (its party), its grant's scope unchanged: "my cases". */
  partyOf?: string
  /** A party scope on the party of this name (a department's handler), and the account is that party. */
  partyNamed?: string
}

/** One account per role, on the demo district (docs/demo.md; README lists them). */
export const demoAccounts: DemoAccount[] = [
  { login: 'planner', displayName: '天水街道规划员（演示）', role: 'planner', scopeCode: '330105003' },
  { login: 'planner.wulinmen', displayName: '武林门社区规划员（演示）', role: 'planner', scopeCode: '330105003001' },
  { login: 'dispatcher', displayName: '拱墅区调度员（演示）', role: 'dispatcher', scopeCode: '330105' },
  { login: 'chief', displayName: '街长（演示）', role: 'chief', chiefOf: '330105003J01' },
  { login: 'gridworker', displayName: '天水社区网格员（演示）', role: 'grid_worker', scopeCode: '330105003002', partyOf: '33010500300201' },
  { login: 'handler', displayName: '天水中队处置人员（演示）', role: 'department_handler', partyNamed: '拱墅区城管执法局天水中队' },
  { login: 'leader', displayName: '区领导（演示）', role: 'leader' },
  { login: 'viewer', displayName: '只读用户（演示）', role: 'viewer' },
  { login: 'sysadmin', displayName: '系统管理员（演示）', role: 'system_admin' },
  { login: 'auditor', displayName: '审计管理员（演示）', role: 'audit_admin' },
  { login: 'security', displayName: '安全管理员（演示）', role: 'security_admin' },
]

async function createDemoAccounts(db: Db): Promise<string[]> {
  const existing = await db.selectFrom('account').select('id').where('demo', '=', true).limit(1).executeTakeFirst()
  if (existing) return []
  const created: string[] = []
  await db.transaction().execute(async (tx) => {
    for (const account of demoAccounts) {
      if ((await accountIdByLogin(tx, account.login)) !== undefined) continue
      const grant: NewGrant = { role: account.role }
      let partyId: number | null = null
      if (account.scopeCode) {
        const zone = await tx.selectFrom('zone').select('id').where('code', '=', account.scopeCode).executeTakeFirst()
        if (!zone) continue
        grant.scopeZoneId = zone.id
      }
      if (account.partyNamed) {
        const party = await tx.selectFrom('party').select('id').where('name', '=', account.partyNamed).orderBy('id').executeTakeFirst()
        if (!party) continue
        partyId = party.id
        grant.scopePartyId = partyId
      }
      const chiefCode = account.chiefOf ?? account.partyOf
      if (chiefCode) {
        const holder = await tx
          .selectFrom('assignment')
          .innerJoin('zone', 'zone.id', 'assignment.zone_id')
          .select('assignment.party_id')
          .where('zone.code', '=', chiefCode)
          .where('assignment.duty', '=', 'chief')
          .where('assignment.valid_from', '<=', sql<Date>`now()`)
          .where((eb) => eb.or([eb('assignment.valid_to', 'is', null), eb('assignment.valid_to', '>', sql<Date>`now()`)]))
          .executeTakeFirst()
        if (!holder) continue
        partyId = holder.party_id
        if (account.chiefOf) grant.scopePartyId = partyId
      }
      const id = await createAccount(tx, { login: account.login, displayName: account.displayName, password: DEMO_PASSWORD, partyId, demo: true }, [])
      await addGrant(tx, id, grant)
      created.push(account.login)
    }
  })
  return created.length ? [`demo accounts created (password ${DEMO_PASSWORD}, for the demo only): ${created.join(', ')}`] : []
}
