import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import { workLockOf } from '../db/work-lock.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route reads across many statements and takes the work lock's snapshot side itself
     * (a batch resolution): it is neither a writer nor a foreground request.
     */
    snapshotRead?: boolean
    /**
     * The route is long work that steps aside for foreground requests (an import): it does not
     * count as one itself, or it would wait for itself.
     */
    longWork?: boolean
  }
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const releases = new WeakMap<FastifyRequest, (() => void)[]>()

function release(request: FastifyRequest): void {
  for (const done of releases.get(request)?.splice(0) ?? []) done()
}

/**
 * On a single-connection database (db/work-lock.ts): every request that may write holds the
 * writer side of the work lock from its handler's start until it has answered, and every request
 * but a batch counts as foreground while it runs. A no-op on PostgreSQL.
 */
export function installWorkLock(app: FastifyInstance, db: Db): void {
  const lock = workLockOf(db)
  if (!lock) return
  const held = (request: FastifyRequest) => {
    let list = releases.get(request)
    if (!list) releases.set(request, (list = []))
    return list
  }
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config
    if (config?.snapshotRead || config?.longWork) return
    held(request).push(lock.enterForeground())
  })
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.config?.snapshotRead || !writeMethods.has(request.method)) return
    held(request).push(await lock.acquireWrite())
  })
  // The handler is done once its answer is being sent; the other two catch errors and aborts.
  app.addHook('onSend', async (request, _reply, payload) => {
    release(request)
    return payload
  })
  app.addHook('onResponse', async (request) => release(request))
  app.addHook('onRequestAbort', async (request) => release(request))
}
