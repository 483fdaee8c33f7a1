import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** Assessment (考核): indicators per period and unit, the district's rules (docs/assessment.md) */
const routes: FastifyPluginAsyncTypebox = async () => {}

export default routes
