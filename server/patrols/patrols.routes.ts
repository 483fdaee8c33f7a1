import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** Patrols (巡查): recording, GPX upload, track credits per zone (docs/patrols.md) */
const routes: FastifyPluginAsyncTypebox = async () => {}

export default routes
