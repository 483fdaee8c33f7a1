import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify'
import { DomainError } from '../errors.js'

/**
 * Flood limits, counted in this process's memory (@fastify/rate-limit's local store): two server
 * processes count separately and a restart forgets. They bound how fast one address (or one login)
 * can knock; locking an account after failed passwords is the security policy's business
 * (auth/policy.ts), and these limits sit above its threshold so that the lockout is still reached.
 */
export interface RateLimits {
  /** POST /api/session per client address, per minute. */
  sessionPerAddress: number
  /** POST /api/session per login named in the body (any address), per minute. */
  sessionPerLogin: number
  /** Public routes (the citizen pages /r/… and /c/…, /api/public/…, the rankings page /p/…), per client address, per minute. */
  publicPerAddress: number
  /** The window the counts above are per, in milliseconds (one minute; tests shorten nothing, they lower the counts). */
  windowMs: number
}

export const defaultRateLimits: RateLimits = { sessionPerAddress: 20, sessionPerLogin: 10, publicPerAddress: 120, windowMs: 60_000 }

const envNames: Record<Exclude<keyof RateLimits, 'windowMs'>, string> = {
  sessionPerAddress: 'RATE_LIMIT_SESSION_PER_ADDRESS',
  sessionPerLogin: 'RATE_LIMIT_SESSION_PER_LOGIN',
  publicPerAddress: 'RATE_LIMIT_PUBLIC_PER_ADDRESS',
}

/**
 * RATE_LIMIT_SESSION_PER_ADDRESS, RATE_LIMIT_SESSION_PER_LOGIN, RATE_LIMIT_PUBLIC_PER_ADDRESS:
 * requests per minute, a whole number from 1; `RATE_LIMITS=off` turns every limit off (a load test
 * from one address). A value that is not a count is an error naming the variable.
 */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimits | 'off' {
  const off = env.RATE_LIMITS?.trim().toLowerCase()
  if (off === 'off' || off === '0') return 'off'
  const limits = { ...defaultRateLimits }
  for (const [key, name] of Object.entries(envNames) as [keyof typeof envNames, string][]) {
    const value = env[name]?.trim()
    if (!value) continue
    const count = Number(value)
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(count) || count < 1) {
      throw new Error(`${name} must be a whole number of requests per minute, at least 1, got "${value.slice(0, 40)}"`)
    }
    limits[key] = count
  }
  return limits
}

/** Which limit a route gets, by its URL: the session route, the public pages; everything else none. */
export function limitOf(route: Pick<RouteOptions, 'url' | 'method'> & { config?: { access?: unknown } }): 'session' | 'public' | null {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  if (route.url === '/api/session' && methods.includes('POST')) return 'session'
  if (route.url.startsWith('/r/') || route.url.startsWith('/api/public/')) return 'public'
  // The public rankings page (server/reports/).
  if (route.url.startsWith('/p/')) return 'public'
  // The citizen's follow-up page (/c/{token}): public like the signboard's page.
  if (route.url.startsWith('/c/')) return 'public'
  return null
}

type Limiter = (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number; max?: number }>

/** Answers 429 `rate_limited` in the error envelope, with Retry-After in whole seconds. */
function refuse(reply: FastifyReply, ttlInSeconds: number, what: string, max: number): never {
  const seconds = Math.max(1, ttlInSeconds)
  void reply.header('retry-after', String(seconds))
  throw new DomainError('rate_limited', `Too many requests ${what} (at most ${max} a minute): retry after ${seconds} s`, { retry_after_s: seconds })
}

function hook(limiter: Limiter, what: string): onRequestAsyncHookHandler {
  return async function (request, reply) {
    const result = await limiter(request)
    if (!result.isAllowed && result.isExceeded) refuse(reply, result.ttlInSeconds ?? 60, what, result.max ?? 0)
  }
}

/** The login a POST /api/session names, lower-cased; a second-factor step (no login) counts by its challenge. */
function loginKey(request: FastifyRequest): string {
  const body = request.body as { login?: unknown; challenge?: unknown } | null | undefined
  if (typeof body?.login === 'string') return `login:${body.login.trim().toLowerCase()}`
  if (typeof body?.challenge === 'string') return `challenge:${body.challenge}`
  return 'login:'
}

/**
 * Adds the limits to routes by URL as they are declared (an onRoute hook: the routes files say
 * nothing about limits). Register before the routes.
 */
export async function installRateLimits(app: FastifyInstance, limits: RateLimits | 'off'): Promise<void> {
  if (limits === 'off') return
  await app.register(rateLimit, { global: false, timeWindow: limits.windowMs })
  const create = app.createRateLimit as unknown as (options: object) => Limiter
  const byAddress = (max: number, group: string) => create({ max, timeWindow: limits.windowMs, keyGenerator: (request: FastifyRequest) => `${group}:${request.ip}` })
  const sessionByAddress = hook(byAddress(limits.sessionPerAddress, 'session'), 'to sign in from this address')
  const sessionByLogin = hook(create({ max: limits.sessionPerLogin, timeWindow: limits.windowMs, keyGenerator: loginKey }), 'to sign in as this login')
  const publicByAddress = hook(byAddress(limits.publicPerAddress, 'public'), 'from this address')
  app.addHook('onRoute', (route) => {
    const limit = limitOf(route)
    if (!limit) return
    const add = (name: 'onRequest' | 'preValidation', handler: onRequestAsyncHookHandler) => {
      const existing = route[name]
      route[name] = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), handler] as never
    }
    if (limit === 'session') {
      add('onRequest', sessionByAddress)
      // The login is in the body: counted once it is parsed, before validation refuses a bad one.
      add('preValidation', sessionByLogin)
    } else {
      add('onRequest', publicByAddress)
    }
  })
}
