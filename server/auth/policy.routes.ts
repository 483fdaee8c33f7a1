import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { errorResponses } from '../kernel/schemas.js'
import { DomainError } from '../errors.js'
import type { Db } from '../db/database.js'
import { forgetCachedPolicy } from './authenticate.js'
import { loadPolicy } from './policy.js'

/** The policy document: every key, with the bounds a security administrator may set. */
export const SecurityPolicyBody = Type.Object(
  {
    sessionIdleMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'A session unused this long ends (default 30)' }),
    sessionAbsoluteHours: Type.Integer({ minimum: 1, maximum: 720, description: 'A session ends this long after sign-in, however active (default 12)' }),
    lockoutFailures: Type.Integer({ minimum: 1, maximum: 100, description: 'Failed sign-ins in a row that lock the account (default 5)' }),
    lockoutMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'How long a lock lasts (default 30)' }),
    passwordMinLength: Type.Integer({ minimum: 8, maximum: 200, description: 'Characters a password needs at least (default 12)' }),
    passwordMinClasses: Type.Integer({ minimum: 1, maximum: 4, description: 'Of lower-case, capitals, digits, others (default 3)' }),
    requireTwoFactorForAdministrators: Type.Boolean({ description: 'Administrators must enrol TOTP before they can work (default false)' }),
  },
  { additionalProperties: false },
)

/** What the routes answer: the policy and its version (sql/014). */
const SecurityPolicyView = Type.Intersect([
  SecurityPolicyBody,
  Type.Object({ version: Type.Integer({ minimum: 1, description: 'Raised by each PUT; send it back to be refused (409) when someone else changed the policy since' }) }),
])

/** The PUT body: every key, and optionally the version read (optimistic concurrency). */
const SecurityPolicyPut = Type.Object(
  { ...SecurityPolicyBody.properties, version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version read; a newer stored one → 409 version_conflict' })) },
  { additionalProperties: false },
)

async function policyView(db: Db) {
  const row = await db.selectFrom('security_policy').select('version').where('id', '=', 1).executeTakeFirst()
  return { ...(await loadPolicy(db)), version: row?.version ?? 1 }
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/security-policy',
    {
      config: { access: 'security.policy' },
      schema: { tags: ['accounts'], summary: 'The security policy: sessions, lockout, passwords, second factor', response: { 200: SecurityPolicyView, ...errorResponses(401, 403) } },
    },
    async () => policyView(app.db),
  )

  app.put(
    '/security-policy',
    {
      config: { access: 'security.policy' },
      schema: {
        tags: ['accounts'],
        summary: 'Set the security policy (every key); it applies to the next request',
        body: SecurityPolicyPut,
        response: { 200: SecurityPolicyView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const { version, ...policy } = request.body
      await app.db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('security_policy').select('version').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow()
        if (version !== undefined && version !== row.version) {
          throw new DomainError('version_conflict', `The security policy is at version ${row.version}, not ${version}`, {
            current_version: row.version,
            current: await policyView(tx),
          })
        }
        await tx
          .updateTable('security_policy')
          .set({ policy: JSON.stringify(policy), updated_at: sql<Date>`now()`, updated_by: request.actor!.accountId, version: sql<number>`version + 1` })
          .where('id', '=', 1)
          .execute()
      })
      forgetCachedPolicy()
      return policyView(app.db)
    },
  )
}

export default routes
