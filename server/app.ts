import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import type { Db } from './db/database.js'
import { DEFAULT_BODY_LIMIT } from './kernel/body-limits.js'
import { errorStatus, type ErrorCode } from './kernel/error-codes.js'
import { installErrorHandler } from './http/error-handler.js'
import { unavailablePageHtml } from './http/unavailable-page.js'
import { SUPERVISION_HOTLINE } from './signboards/signboard-data.js'
import { databaseReady } from './db/readiness.js'
import { installWorkLock } from './http/work-lock-hooks.js'
import { answerWhileClosing } from './http/closing.js'
import { checkTextParameters, validatorCompiler } from './http/validators.js'
import { installStrictJsonParser } from './http/json-body.js'
import { rejectUnsafeText } from './http/text-input.js'
import { clientErrorHandler, frameworkErrors, maxParamLength } from './http/framework-errors.js'
import zonesRoutes from './zones/zones.routes.js'
import partiesRoutes from './parties/parties.routes.js'
import assignmentsRoutes from './assignments/assignments.routes.js'
import categoriesRoutes from './categories/categories.routes.js'
import calendarRoutes from './calendar/calendar.routes.js'
import transferRoutes from './transfer/transfer.routes.js'
import resolveRoutes from './resolve/resolve.routes.js'
import coverageRoutes from './coverage/coverage.routes.js'
import signboardsRoutes from './signboards/signboards.routes.js'
import citizenRoutes from './citizen/citizen.routes.js'
import sessionRoutes from './auth/session.routes.js'
import demoHintRoutes from './auth/demo-hint.routes.js'
import accountsRoutes from './auth/accounts.routes.js'
import policyRoutes from './auth/policy.routes.js'
import { installAuthentication } from './auth/authenticate.js'
import { installAuditTrail } from './audit/audit-hook.js'
import auditRoutes from './audit/audit.routes.js'
import notifyRoutes from './notify/notify.routes.js'
import open311Routes from './open311/open311.routes.js'
import casesRoutes from './cases/cases.routes.js'
import patrolsRoutes from './patrols/patrols.routes.js'
import rostersRoutes from './rosters/rosters.routes.js'
import assessmentRoutes from './assessment/assessment.routes.js'
import reportsRoutes from './reports/reports.routes.js'
import creditRoutes from './credit/credit.routes.js'
import { createLiveZones, type LiveZones } from './live/live-zones.js'
import { basemapOriginsFromEnv, installSecurityHeaders } from './http/security-headers.js'
import { installRateLimits, rateLimitsFromEnv, type RateLimits } from './http/rate-limits.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    config: Pick<Config, 'publicUrl'>
    /** The time now, as cases, the calendar and Open311 count it (AppOptions.clock). */
    clock: () => Date
    /** The zones, holders and routes this process answers from, kept current (server/live/live-zones.ts). */
    live: LiveZones
  }
}

export interface AppOptions {
  db: Db
  publicUrl?: string
  logger?: boolean | object
  /** Tests shorten these to see a stalled connection closed. */
  timeouts?: Partial<Timeouts>
  /** How long `/api/ready` waits for the database's answer (default 2 s). */
  readyTimeoutMs?: number
  /** Behind an HTTPS reverse proxy: believe X-Forwarded-* (TRUST_PROXY=1). */
  trustProxy?: boolean
  /** Record writes in the audit trail (default yes; only the hook's benchmark turns it off). */
  recordAudit?: boolean
  /** Flood limits (http/rate-limits.ts); default from the environment. */
  rateLimits?: RateLimits | 'off'
  /** The time now for cases and their deadlines (default the real clock; a test runs a week in a minute). */
  clock?: () => Date
  /** Shared with other apps of one process (tests); default one of its own, closed with the app. */
  live?: LiveZones
}

/**
 * How long one connection may hold the server. Headers come in one packet from any real client,
 * so 15 s is generous. A whole request may take 120 s: enough for the largest body (a 128 MiB
 * import) at about 9 Mbit/s, a slow office uplink, while a client trickling bytes is still cut off
 * in bounded time. A socket silent for 30 s is closed. Node checks the first two only every
 * `checkIntervalMs`, so the bound is the timeout plus that interval.
 */
export interface Timeouts {
  headersMs: number
  requestMs: number
  idleMs: number
  checkIntervalMs: number
}

export const defaultTimeouts: Timeouts = { headersMs: 15_000, requestMs: 120_000, idleMs: 30_000, checkIntervalMs: 1_000 }

/**
 * Builds the HTTP application in layers: infrastructure (database, config, errors, OpenAPI), then
 * the domain routes. Tests call this with `app.inject()`; main.ts adds the client and listens.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const timeouts = { ...defaultTimeouts, ...options.timeouts }
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    connectionTimeout: timeouts.idleMs,
    requestTimeout: timeouts.requestMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkIntervalMs },
    routerOptions: { maxParamLength },
    frameworkErrors,
    clientErrorHandler,
    // server/http/closing.ts answers in the project's envelope instead.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>()
  answerWhileClosing(app)
  app.setValidatorCompiler(validatorCompiler)
  installStrictJsonParser(app)
  rejectUnsafeText(app)
  checkTextParameters(app)

  // Every body is JSON; Fastify's built-in text/plain parser would hand a JSON route a string that
  // fails as "body must be object" instead of saying the content type is wrong.
  app.removeContentTypeParser('text/plain')

  app.decorate('db', options.db)
  app.decorate('config', { publicUrl: options.publicUrl ?? 'http://localhost:8080' })
  app.decorate('clock', options.clock ?? (() => new Date()))
  const live = options.live ?? createLiveZones(options.db)
  app.decorate('live', live)
  if (!options.live) app.addHook('onClose', () => live.close())
  installErrorHandler(app, { htmlErrorPage: { pathPrefixes: ['/r/', '/c/', '/p/'], html: unavailablePageHtml(SUPERVISION_HOTLINE) } })
  installWorkLock(app, options.db)
  await installAuthentication(app, options.db)
  installAuditTrail(app, options.db, { record: options.recordAudit ?? true })
  await installSecurityHeaders(app, { https: options.trustProxy ?? false, basemapOrigins: basemapOriginsFromEnv() })
  await installRateLimits(app, options.rateLimits ?? rateLimitsFromEnv())

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Jiezhang 街长 API',
        description: 'Zoning, resolution and coverage for the street-chief system (街长制).',
        version: '0.1.0',
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  await app.register(sessionRoutes, { prefix: '/api' })
  await app.register(demoHintRoutes, { prefix: '/api' })
  await app.register(accountsRoutes, { prefix: '/api' })
  await app.register(policyRoutes, { prefix: '/api' })
  await app.register(zonesRoutes, { prefix: '/api' })
  await app.register(partiesRoutes, { prefix: '/api' })
  await app.register(assignmentsRoutes, { prefix: '/api' })
  await app.register(categoriesRoutes, { prefix: '/api' })
  await app.register(calendarRoutes, { prefix: '/api' })
  await app.register(transferRoutes, { prefix: '/api' })
  await app.register(resolveRoutes, { prefix: '/api' })
  await app.register(coverageRoutes, { prefix: '/api' })
  await app.register(auditRoutes, { prefix: '/api' })
  await app.register(notifyRoutes, { prefix: '/api' })
  await app.register(open311Routes, { prefix: '/open311/v2' })
  await app.register(casesRoutes, { prefix: '/api' })
  await app.register(patrolsRoutes, { prefix: '/api' })
  await app.register(rostersRoutes, { prefix: '/api' })
  await app.register(assessmentRoutes, { prefix: '/api' })
  // Reports also serve the public rankings page (/p/…) when a district publishes it.
  await app.register(reportsRoutes)
  await app.register(creditRoutes, { prefix: '/api' })
  await app.register(signboardsRoutes)
  await app.register(citizenRoutes)

  // Liveness: the process is up and serving. It does not touch the database, so a supervisor
  // does not restart a healthy server while PostgreSQL is away (it would not come back any faster).
  app.get('/api/health', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ ok: true }))
  // Readiness: whether requests that need the database can be served now. A load balancer sends
  // traffic by it; the answer comes within the timeout even when the database is frozen.
  const readyTimeoutMs = options.readyTimeoutMs ?? 2_000
  app.get('/api/ready', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const readiness = await databaseReady(options.db, readyTimeoutMs)
    if (readiness.ready) return { status: 'ready' }
    request.log.warn({ err: readiness.error }, `not ready: ${readiness.reason}`)
    return reply
      .status(errorStatus.database_unavailable)
      .header('retry-after', '30')
      .send({ error: { code: 'database_unavailable' satisfies ErrorCode, message: `Not ready: ${readiness.reason}` } })
  })
  return app
}
