import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** Rankings and reports (排行榜, 通报): ranked tables, Excel export, the monthly PDF, the public page (docs/assessment.md) */
const routes: FastifyPluginAsyncTypebox = async () => {}

export default routes
