import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import { workLockOf } from '../db/work-lock.js'
import { readPointQuery } from '../resolve/resolve.input.js'
import { toPublicResolution } from '../resolve/resolve.service.js'
import { maskPhonesIn } from '../kernel/phone-mask.js'
import { grantsWith } from '../auth/actor.js'
import { rememberResolver, resolveFromStandby, standbyOf, trustedResolver } from '../resolve/import-standby.js'

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
const RESOLVE_URL = '/api/resolve'
/** Says which answers came from the standby of an import (resolve/import-standby.ts), for tests and the benchmark. */
export const ANSWERED_FROM_HEADER = 'x-answered-from'
const fromStandby = new WeakSet<FastifyRequest>()
const releases = new WeakMap<FastifyRequest, (() => void)[]>()

function release(request: FastifyRequest): void {
  for (const done of releases.get(request)?.splice(0) ?? []) done()
}

/**
 * A socket silent for the idle timeout (app.ts, 30 s) is closed, and a long import or batch says
 * nothing until it answers: on a busy machine a 200,000-point batch or a 30,000-zone import ran
 * past 30 s and lost its connection. While such a request runs its socket has no idle timeout;
 * the request timeout still bounds it, and the idle timeout is back once it has answered.
 */
function keepLongWorkOpen(app: FastifyInstance, request: FastifyRequest): void {
  const socket = request.raw.socket as (typeof request.raw.socket | undefined)
  if (typeof socket?.setTimeout !== 'function') return
  socket.setTimeout(0)
  held(request).push(() => socket.setTimeout(app.server.timeout))
}

function held(request: FastifyRequest): (() => void)[] {
  let list = releases.get(request)
  if (!list) releases.set(request, (list = []))
  return list
}

/**
 * On a single-connection database (db/work-lock.ts): every request that may write holds the
 * writer side of the work lock from its handler's start until it has answered, and every request
 * but a batch counts as foreground while it runs; neither on PostgreSQL. On both, long work keeps
 * its connection open while it runs (keepLongWorkOpen).
 */
export function installWorkLock(app: FastifyInstance, db: Db): void {
  const lock = workLockOf(db)
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config
    if (config?.snapshotRead || config?.longWork) keepLongWorkOpen(app, request)
    else if (lock) held(request).push(lock.enterForeground())
    // While an import holds the embedded database, a plain resolution is answered from the state
    // before it; this hook runs before authentication, which would wait for the database.
    if (!lock || request.method !== 'GET' || request.routeOptions.url !== RESOLVE_URL) return
    const pending = standbyOf(db)
    const query = request.query as Record<string, unknown> | undefined
    if (!pending || query?.category !== undefined || query?.at !== undefined) return
    const standby = await pending
    if (!standby) return
    const actor = trustedResolver(db, request, standby)
    if (!actor) return
    request.actor = actor
    const answer = toPublicResolution(await resolveFromStandby(standby, readPointQuery(query)))
    fromStandby.add(request)
    // Private phones are masked here, from the standby: the route's masking hook asks the database.
    // Whether a scoped dispatcher may see one needs the zone tree too, so only a city-wide
    // parties.contact sees them unmasked while an import runs; everyone else sees them masked.
    const cityWide = grantsWith(actor, 'parties.contact').some((grant) => grant.scope.kind === 'all')
    const { body, personal } = maskPhonesIn(answer, cityWide ? new Set<string>() : standby.privatePhones, cityWide ? standby.privatePhones : new Set<string>())
    if (personal) void reply.header('x-personal-data', '1')
    // Sent as text, so that no serialisation hook of the route runs (they would wait for the database).
    return reply.header(ANSWERED_FROM_HEADER, 'import-standby').type('application/json; charset=utf-8').send(JSON.stringify(body))
  })
  if (lock) {
    // Whom the database accepted for a resolution, so that a standby may answer them (import-standby.ts).
    app.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.url === RESOLVE_URL && reply.statusCode === 200 && request.actor && !fromStandby.has(request)) {
        rememberResolver(db, request, request.actor)
      }
    })
  }
  if (lock) {
    app.addHook('preHandler', async (request) => {
      if (request.routeOptions.config?.snapshotRead || !writeMethods.has(request.method)) return
      held(request).push(await lock.acquireWrite())
    })
  }
  // The handler is done once its answer is being sent; the other two catch errors and aborts.
  app.addHook('onSend', async (request, _reply, payload) => {
    release(request)
    return payload
  })
  app.addHook('onResponse', async (request) => release(request))
  app.addHook('onRequestAbort', async (request) => release(request))
}
