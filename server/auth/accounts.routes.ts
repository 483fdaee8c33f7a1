import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { DomainError, notFound } from '../errors.js'
import { type Permission } from '../kernel/permissions.js'
import { errorResponses, IdParams } from '../kernel/schemas.js'
import { isInstantInRange, parseInstant } from '../kernel/time.js'
import { addGrant, checkSeparation, createApiToken, endSessions, resolveGrant, type NewGrant } from './accounts.js'
import {
  AccountPatchBody, AccountView, AccountGrant, GrantBody, GrantParams, NewAccountBody, NewToken, NewTokenBody, TokenView,
} from './accounts.schemas.js'
import type { Actor } from './actor.js'
import { loadPolicy, passwordProblems } from './policy.js'
import { hashPassword, randomToken } from './secrets.js'
import { weakPassword } from './session.routes.js'
import { Type } from 'typebox'
import type { Static } from 'typebox'

type GrantOut = Static<typeof AccountGrant>

const iso = (value: Date | null) => (value ? value.toISOString() : null)
const granter = (actor: Actor) => ({ accountId: actor.accountId, isAdministrator: actor.grants.some((grant) => grant.role === 'administrator') })

/** Accounts, their grants and API tokens (users.manage): docs/accounts.md. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/accounts',
    {
      config: { access: 'users.manage' },
      schema: { tags: ['accounts'], summary: 'Every account with its grants', response: { 200: Type.Object({ accounts: Type.Array(AccountView) }), ...errorResponses(401, 403) } },
    },
    async () => ({ accounts: await accountViews(app.db) }),
  )

  app.post(
    '/accounts',
    {
      config: { access: 'users.manage' },
      schema: {
        tags: ['accounts'],
        summary: 'Create an account with its grants (all or nothing)',
        body: NewAccountBody,
        response: { 201: AccountView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body
      const problems = passwordProblems(body.password, await loadPolicy(app.db))
      if (problems.length) throw weakPassword('password', problems)
      const hash = await hashPassword(body.password)
      const id = await app.db.transaction().execute(async (tx) => {
        if (await tx.selectFrom('account').select('id').where('login', '=', body.login).executeTakeFirst()) {
          throw new DomainError('duplicate', `An account with the login ${body.login} exists`, { field: 'login' })
        }
        if (body.party_id != null) await checkParty(tx, body.party_id)
        const grants: NewGrant[] = []
        for (const [index, grant] of (body.grants ?? []).entries()) grants.push(await resolveGrant(tx, grant, `grants[${index}].`))
        const { id } = await tx
          .insertInto('account')
          .values({ login: body.login, display_name: body.display_name.trim(), password_hash: hash, party_id: body.party_id ?? null })
          .returning('id')
          .executeTakeFirstOrThrow()
        await checkSeparation(tx, id, grants.map((grant) => grant.role), granter(request.actor!))
        for (const grant of grants) await addGrant(tx, id, grant, request.actor!.accountId)
        return id
      })
      return reply.status(201).send(await accountView(app.db, id))
    },
  )

  app.patch(
    '/accounts/:id',
    {
      config: { access: 'users.manage' },
      schema: {
        tags: ['accounts'],
        summary: 'Rename, disable or enable, reset the password (it must be changed at the next sign-in), clear the second factor',
        params: IdParams,
        body: AccountPatchBody,
        response: { 200: AccountView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params
      const body = request.body
      let hash: string | undefined
      if (body.password !== undefined) {
        const problems = passwordProblems(body.password, await loadPolicy(app.db))
        if (problems.length) throw weakPassword('password', problems)
        hash = await hashPassword(body.password)
      }
      if (body.disabled === true && id === request.actor!.accountId) {
        throw new DomainError('invalid_request', 'You cannot disable your own account', [{ field: 'disabled', reason: 'not your own account' }])
      }
      await app.db.transaction().execute(async (tx) => {
        const account = await tx.selectFrom('account').select(['id', 'version']).where('id', '=', id).forUpdate().executeTakeFirst()
        if (!account) throw notFound(`Account ${id}`)
        if (body.version !== undefined && body.version !== account.version) {
          throw new DomainError('version_conflict', `The account is at version ${account.version}, not ${body.version}`, {
            current_version: account.version,
            current: await accountView(tx, id),
          })
        }
        await tx
          .updateTable('account')
          .set({
            ...(body.display_name !== undefined ? { display_name: body.display_name.trim() } : {}),
            ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
            ...(hash !== undefined
              ? { password_hash: hash, must_change_password: true, password_changed_at: sql<Date>`now()`, failed_logins: 0, locked_until: null }
              : {}),
            ...(body.totp_enabled === false ? { totp_enabled: false, totp_secret: null, totp_last_step: null } : {}),
            version: sql<number>`version + 1`,
          })
          .where('id', '=', id)
          .execute()
        if (hash !== undefined || body.disabled === true) await endSessions(tx, id)
      })
      return accountView(app.db, id)
    },
  )

  app.post(
    '/accounts/:id/grants',
    {
      config: { access: 'users.manage' },
      schema: {
        tags: ['accounts'],
        summary: 'Grant a role within a scope',
        params: IdParams,
        body: GrantBody,
        response: { 201: AccountGrant, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const grantId = await app.db.transaction().execute(async (tx) => {
        const account = await tx.selectFrom('account').select('id').where('id', '=', id).forUpdate().executeTakeFirst()
        if (!account) throw notFound(`Account ${id}`)
        const grant = await resolveGrant(tx, request.body)
        await checkSeparation(tx, id, [grant.role], granter(request.actor!))
        const row = await tx
          .insertInto('account_grant')
          .values({ account_id: id, role: grant.role, scope_zone_id: grant.scopeZoneId ?? null, scope_party_id: grant.scopePartyId ?? null, granted_by: request.actor!.accountId })
          .onConflict((conflict) => conflict.doNothing())
          .returning('id')
          .executeTakeFirst()
        if (!row) throw new DomainError('duplicate', `The account already has ${grant.role} in that scope`, { role: grant.role })
        return row.id
      })
      const view = await accountView(app.db, id)
      return reply.status(201).send(view.grants.find((grant) => grant.id === grantId)!)
    },
  )

  app.delete(
    '/accounts/:id/grants/:grant',
    {
      config: { access: 'users.manage' },
      schema: { tags: ['accounts'], summary: 'Revoke a grant', params: GrantParams, response: { 204: { type: 'null', description: 'Revoked' }, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const deleted = await app.db
        .deleteFrom('account_grant')
        .where('id', '=', request.params.grant)
        .where('account_id', '=', request.params.id)
        .executeTakeFirst()
      if (Number(deleted.numDeletedRows) === 0) throw notFound(`Grant ${request.params.grant} of account ${request.params.id}`)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/accounts/:id/tokens',
    {
      config: { access: 'users.manage' },
      schema: {
        tags: ['accounts'],
        summary: 'Issue an API token for the account (shown once), optionally limited to some permissions and expiring',
        params: IdParams,
        body: NewTokenBody,
        response: { 201: NewToken, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      let expiresAt: Date | null = null
      if (request.body.expires_at !== undefined) {
        expiresAt = parseInstant(request.body.expires_at)
        if (!expiresAt || !isInstantInRange(expiresAt)) {
          throw new DomainError('invalid_time', 'expires_at is not an ISO 8601 time', [{ field: 'expires_at', reason: 'must be an ISO 8601 time' }])
        }
        if (expiresAt.getTime() <= Date.now()) {
          throw new DomainError('invalid_time', 'expires_at is in the past', [{ field: 'expires_at', reason: 'must be in the future' }])
        }
      }
      if (!(await app.db.selectFrom('account').select('id').where('id', '=', id).executeTakeFirst())) throw notFound(`Account ${id}`)
      const token = randomToken('jz_')
      const name = request.body.name.trim()
      const tokenId = await createApiToken(app.db, id, token, name, { permissions: (request.body.permissions as Permission[] | undefined) ?? null, expiresAt })
      return reply.status(201).send({ id: tokenId, name, token })
    },
  )

  app.get(
    '/accounts/:id/tokens',
    {
      config: { access: 'users.manage' },
      schema: { tags: ['accounts'], summary: 'The API tokens of the account (never the secret)', params: IdParams, response: { 200: Type.Object({ tokens: Type.Array(TokenView) }), ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      const { id } = request.params
      if (!(await app.db.selectFrom('account').select('id').where('id', '=', id).executeTakeFirst())) throw notFound(`Account ${id}`)
      const rows = await app.db
        .selectFrom('api_token')
        .select(['id', 'name', 'permissions', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'])
        .where('account_id', '=', id)
        .orderBy('id')
        .execute()
      return {
        tokens: rows.map((row) => ({
          ...row,
          created_at: row.created_at.toISOString(),
          expires_at: iso(row.expires_at),
          last_used_at: iso(row.last_used_at),
          revoked_at: iso(row.revoked_at),
        })),
      }
    },
  )

  app.delete(
    '/tokens/:id',
    {
      config: { access: 'users.manage' },
      schema: { tags: ['accounts'], summary: 'Revoke an API token: it is refused from the next request on', params: IdParams, response: { 204: { type: 'null', description: 'Revoked' }, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const row = await app.db.selectFrom('api_token').select(['id', 'revoked_at']).where('id', '=', request.params.id).executeTakeFirst()
      if (!row) throw notFound(`Token ${request.params.id}`)
      if (!row.revoked_at) await app.db.updateTable('api_token').set({ revoked_at: sql<Date>`now()` }).where('id', '=', row.id).execute()
      return reply.status(204).send(null)
    },
  )
}

export default routes

async function checkParty(db: DbOrTx, partyId: number): Promise<void> {
  if (!(await db.selectFrom('party').select('id').where('id', '=', partyId).executeTakeFirst())) {
    throw new DomainError('invalid_request', `No party has the id ${partyId}`, [{ field: 'party_id', reason: 'no party has this id' }])
  }
}

async function accountViews(db: DbOrTx, onlyId?: number): Promise<AccountView[]> {
  let query = db
    .selectFrom('account')
    .select(['id', 'login', 'display_name', 'party_id', 'disabled', 'locked_until', 'totp_enabled', 'must_change_password', 'demo', 'created_at', 'version'])
    .orderBy('login')
  if (onlyId !== undefined) query = query.where('id', '=', onlyId)
  const accounts = await query.execute()
  let grantQuery = db
    .selectFrom('account_grant')
    .leftJoin('zone', 'zone.id', 'account_grant.scope_zone_id')
    .leftJoin('party', 'party.id', 'account_grant.scope_party_id')
    .select([
      'account_grant.id', 'account_grant.account_id', 'account_grant.role', 'account_grant.scope_zone_id', 'account_grant.scope_party_id',
      'zone.kind as zone_kind', 'zone.code as zone_code', 'zone.name as zone_name', 'party.type as party_type', 'party.name as party_name',
    ])
    .orderBy('account_grant.id')
  if (onlyId !== undefined) grantQuery = grantQuery.where('account_grant.account_id', '=', onlyId)
  const grants = await grantQuery.execute()
  const byAccount = new Map<number, GrantOut[]>()
  for (const grant of grants) {
    const scope: GrantOut['scope'] =
      grant.scope_zone_id !== null
        ? { kind: 'jurisdiction', zone: { id: grant.scope_zone_id, kind: grant.zone_kind!, code: grant.zone_code!, name: grant.zone_name! } }
        : grant.scope_party_id !== null
          ? { kind: 'party', party: { id: grant.scope_party_id, type: grant.party_type!, name: grant.party_name! } }
          : { kind: 'all' }
    const list = byAccount.get(grant.account_id) ?? []
    list.push({ id: grant.id, role: grant.role as GrantOut['role'], scope })
    byAccount.set(grant.account_id, list)
  }
  return accounts.map((account) => ({
    ...account,
    locked_until: account.locked_until && account.locked_until.getTime() > Date.now() ? account.locked_until.toISOString() : null,
    created_at: account.created_at.toISOString(),
    grants: byAccount.get(account.id) ?? [],
  }))
}

async function accountView(db: DbOrTx | Db, id: number): Promise<AccountView> {
  const [view] = await accountViews(db, id)
  if (!view) throw notFound(`Account ${id}`)
  return view
}
