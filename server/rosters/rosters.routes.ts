import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** Duties and rosters (五定, 下沉六员): staff, shifts and required patrol frequencies per zone (docs/rosters.md) */
const routes: FastifyPluginAsyncTypebox = async () => {}

export default routes
