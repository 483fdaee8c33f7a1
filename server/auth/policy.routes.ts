import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { errorResponses } from '../kernel/schemas.js'
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

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/security-policy',
    {
      config: { access: 'security.policy' },
      schema: { tags: ['accounts'], summary: 'The security policy: sessions, lockout, passwords, second factor', response: { 200: SecurityPolicyBody, ...errorResponses(401, 403) } },
    },
    async () => loadPolicy(app.db),
  )

  app.put(
    '/security-policy',
    {
      config: { access: 'security.policy' },
      schema: {
        tags: ['accounts'],
        summary: 'Set the security policy (every key); it applies to the next request',
        body: SecurityPolicyBody,
        response: { 200: SecurityPolicyBody, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      await app.db
        .updateTable('security_policy')
        .set({ policy: JSON.stringify(request.body), updated_at: sql<Date>`now()`, updated_by: request.actor!.accountId })
        .where('id', '=', 1)
        .execute()
      forgetCachedPolicy()
      return loadPolicy(app.db)
    },
  )
}

export default routes
