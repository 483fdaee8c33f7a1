import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import { DomainError } from '../errors.js'
import { appendAudit, type AuditEntry } from './audit.repository.js'
import { recordedReads, routeAudits, type AuditObject, type BeforeState, type RouteAudit } from './audit-actions.js'
import { trimForAudit } from './audit-trim.js'

/** The change comment of a write (OSM changeset style), percent-encoded UTF-8. */
export const COMMENT_HEADER = 'x-change-comment'
export const MAX_COMMENT_CHARS = 500
/** Set by the export route when phone numbers come out unmasked. */
export const PERSONAL_DATA_HEADER = 'x-personal-data'

declare module 'fastify' {
  interface FastifyRequest {
    /** What the audit hook found before the route ran. */
    auditBefore?: BeforeState
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const routeUrls = new WeakMap<FastifyInstance, Set<string>>()

/** `METHOD route-url` of a request, e.g. `PATCH /api/zones/:id`. */
export function routeKey(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`
}

/** Every write route the app has that the action table does not name (a test lists them). */
export function unmappedWriteRoutes(app: FastifyInstance): string[] {
  return [...(routeUrls.get(app) ?? [])].filter((key) => !(key in routeAudits)).sort()
}

function recorded(request: FastifyRequest): boolean {
  if (!request.url.startsWith('/api/')) return false
  return !SAFE_METHODS.has(request.method) || recordedReads.has(routeKey(request))
}

/**
 * The change comment, decoded; null when none was sent. A malformed one (not percent-encoded
 * UTF-8, too long, sent twice, with control characters) is a 400 before the write.
 */
export function changeComment(request: FastifyRequest): string | null {
  const raw = request.headers[COMMENT_HEADER]
  if (raw === undefined) return null
  if (Array.isArray(raw)) throw new DomainError('invalid_comment', `${COMMENT_HEADER} may be sent once`, [{ field: COMMENT_HEADER, reason: 'sent twice' }])
  let comment: string
  try {
    comment = decodeURIComponent(raw)
  } catch {
    throw new DomainError('invalid_comment', `${COMMENT_HEADER} must be percent-encoded UTF-8 (encodeURIComponent)`, [
      { field: COMMENT_HEADER, reason: 'not percent-encoded UTF-8' },
    ])
  }
  comment = comment.trim()
  if ([...comment].some((char) => char !== '\n' && (char < ' ' || char === '\u007f'))) {
    throw new DomainError('invalid_comment', `${COMMENT_HEADER} may not hold control characters`, [{ field: COMMENT_HEADER, reason: 'control character' }])
  }
  const length = [...comment].length
  if (length > MAX_COMMENT_CHARS) {
    throw new DomainError('invalid_comment', `${COMMENT_HEADER} is ${length} characters; at most ${MAX_COMMENT_CHARS}`, [
      { field: COMMENT_HEADER, reason: `longer than ${MAX_COMMENT_CHARS} characters` },
    ])
  }
  return comment === '' ? null : comment
}

/**
 * Records every write under /api/ (and the exports of personal data and of the trail) as one
 * audit_event. Install after authentication: the actor is known (or known to be nobody) by then.
 *
 * The event is written in onSend, awaited, after the route's own transaction has committed and
 * before the answer leaves: a client that has its answer knows the trail has the event. An insert
 * that fails is logged at error level with the whole entry, and the answer still goes out as it
 * was — the write already happened, and answering 500 would tell the client it had not.
 */
export function installAuditTrail(app: FastifyInstance, db: Db, options: { record?: boolean } = {}): void {
  const routes = new Set<string>()
  routeUrls.set(app, routes)
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return
    for (const method of [route.method].flat()) if (!SAFE_METHODS.has(method)) routes.add(`${method} ${route.url}`)
  })
  if (options.record === false) return

  app.addHook('onRequest', async (request) => {
    if (recorded(request)) changeComment(request)
  })

  app.addHook('preHandler', async (request) => {
    if (!recorded(request)) return
    const before = routeAudits[routeKey(request)]?.before
    if (!before) return
    try {
      request.auditBefore = await before(db, request)
    } catch (error) {
      request.log.error({ err: error }, 'audit: could not read the state before the write')
    }
  })

  app.addHook('onSend', async (request, reply, payload) => {
    if (!recorded(request)) return payload
    const entry = auditEntry(request, reply, payload)
    try {
      await appendAudit(db, entry)
    } catch (error) {
      request.log.error({ err: error, audit: entry }, 'audit: the event could not be recorded')
    }
    return payload
  })
}

function auditEntry(request: FastifyRequest, reply: FastifyReply, payload: unknown): AuditEntry {
  const key = routeKey(request)
  const spec: RouteAudit | undefined = routeAudits[key]
  const status = reply.statusCode
  const answer = parseAnswer(reply, payload)
  const personalData = String(reply.getHeader(PERSONAL_DATA_HEADER) ?? '') === '1'
  const action = spec
    ? typeof spec.action === 'function' ? spec.action({ status, answer, request, personalData }) : spec.action
    : `request.${request.method.toLowerCase()}`
  const stripCode = (request.routeOptions.url ?? request.url).startsWith('/api/session')

  let object: AuditObject | undefined = request.auditBefore?.object
  if (!object && spec?.fromAnswer && status < 300 && answer && typeof answer === 'object') object = spec.fromAnswer(answer as Record<string, unknown>)
  if (!object && spec?.objectType) {
    const id = (request.params as Record<string, unknown> | undefined)?.id
    object = { type: spec.objectType, id: id === undefined ? null : String(id) }
  }

  const actor = request.actor
  const bodyLogin = key === 'POST /api/session' ? (request.body as { login?: unknown } | undefined)?.login : undefined
  const answerAccount = key === 'POST /api/session' && object?.type === 'account' ? object : undefined
  let comment: string | null
  try {
    comment = changeComment(request)
  } catch {
    comment = null // refused with invalid_comment: the event records the refusal without it
  }

  return {
    accountId: actor?.accountId ?? (answerAccount?.id === undefined || answerAccount.id === null ? null : Number(answerAccount.id)),
    login: actor?.login ?? (typeof bodyLogin === 'string' ? bodyLogin.slice(0, 64) : null),
    via: actor?.via ?? (answerAccount ? 'session' : null),
    address: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
    action,
    objectType: object?.type ?? null,
    objectId: object?.id ?? null,
    objectCode: object?.code ?? null,
    before: request.auditBefore ? trimForAudit(request.auditBefore.state, { stripCode }) : undefined,
    after: afterState(status, spec, answer, stripCode),
    outcome: status < 400 ? 'ok' : status < 500 ? 'refused' : 'failed',
    status,
    method: request.method,
    path: request.url,
    route: request.routeOptions.url ?? null,
    comment,
  }
}

/** A 2xx answer as the after state; a refusal keeps only its error code and message, which say why. */
function afterState(status: number, spec: RouteAudit | undefined, answer: unknown, stripCode: boolean): unknown {
  if (answer === undefined) return undefined
  if (status >= 300) {
    const error = (answer as { error?: { code?: unknown; message?: unknown } } | null)?.error
    return error ? { error: { code: error.code, message: error.message } } : undefined
  }
  return spec?.keepAfter === false ? undefined : trimForAudit(answer, { stripCode })
}

/** The answer as JSON, when it is JSON; a stream or a file is not read. */
function parseAnswer(reply: FastifyReply, payload: unknown): unknown {
  const type = String(reply.getHeader('content-type') ?? '')
  if (!type.includes('json') || type.includes('ndjson')) return undefined
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined
  if (text === undefined || text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
