import type { FastifyInstance } from 'fastify'
import type { ErrorCode } from '../kernel/error-codes.js'

/**
 * Once the server is shutting down (SIGTERM → app.close()), a request that still arrives on a
 * kept-alive connection gets 503 `shutting_down` in the project's envelope, with Retry-After and
 * `Connection: close`, so that a load balancer or client retries elsewhere. Fastify's own
 * answer (return503OnClosing) is a body of another shape; it is turned off in app.ts. Requests
 * already in flight finish.
 */
export function answerWhileClosing(app: FastifyInstance): void {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return
    return reply
      .status(503)
      .header('retry-after', '5')
      .header('connection', 'close')
      .send({ error: { code: 'shutting_down' satisfies ErrorCode, message: 'The server is shutting down; send the request again in a few seconds' } })
  })
}
