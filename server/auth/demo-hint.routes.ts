import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { nullable } from '../kernel/schemas.js'
import { DEMO_PASSWORD } from './bootstrap.js'

export const DemoHint = Type.Object({
  demo: Type.Boolean({ description: 'Whether demo accounts exist (the demo district is loaded)' }),
  password: nullable(Type.String({ description: 'The documented password of the demo accounts, when there are any' })),
  accounts: Type.Array(Type.Object({ login: Type.String(), display_name: Type.String() })),
})
export type DemoHint = Static<typeof DemoHint>

/**
 * What the sign-in page shows as its demo hint: the demo accounts (README, "for the demo only")
 * and their one documented password — only when demo accounts exist, so a production sign-in
 * page shows nothing.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/session/demo',
    {
      config: { access: 'public' },
      schema: { tags: ['session'], summary: 'The demo accounts for the sign-in page, when the demo is loaded', response: { 200: DemoHint } },
    },
    async () => {
      const accounts = await app.db
        .selectFrom('account')
        .select(['login', 'display_name'])
        .where('demo', '=', true)
        .where('disabled', '=', false)
        .orderBy('id')
        .execute()
      return { demo: accounts.length > 0, password: accounts.length > 0 ? DEMO_PASSWORD : null, accounts }
    },
  )
}

export default routes
