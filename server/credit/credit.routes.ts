import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** 门前三包 credit: merchants' records, red and yellow cards, points (docs/credit.md) */
const routes: FastifyPluginAsyncTypebox = async () => {}

export default routes
