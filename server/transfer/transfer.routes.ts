import type { FastifyPluginAsync } from 'fastify'

// Placeholder while the feature is being built in this change.
const routes: FastifyPluginAsync = async () => {}
export default routes
