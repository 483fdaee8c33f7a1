import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../errors.js'
import { isDatabaseTimeout, isDatabaseUnavailable } from '../db/postgres-pool.js'
import { errorStatus, type ErrorCode } from '../kernel/error-codes.js'
import { validationDetails, validationMessage } from './validation-details.js'

interface PostgresError {
  code?: string
  message: string
  constraint?: string
  detail?: string
}

export interface ErrorHandlerOptions {
  /**
   * Pages people open on a phone (the signboard's QR code `/r/…`, the citizen's follow-up link
   * `/c/…`): a server error on a GET under one of `pathPrefixes` answers this HTML, with the
   * error's status, instead of the JSON envelope.
   */
  htmlErrorPage?: { pathPrefixes: readonly string[]; html: string }
}

/** Seconds a client should wait before retrying while the database is away. */
const retryAfterSeconds = 30

/**
 * One place turns every failure into `{error: {code, message, details?}}`, each with the status of
 * its code (server/kernel/error-codes.ts): a domain error as thrown; schema and parse failures and
 * Fastify's own 4xx by their meaning; a database that cannot be reached or did not answer in time
 * (503, with Retry-After); a database constraint the caller tripped; anything else is a 500 that
 * says nothing about internals.
 */
export function installErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  const sendServerError = (request: FastifyRequest, reply: FastifyReply, status: number, body: { code: ErrorCode; message: string }) => {
    const page = options.htmlErrorPage
    if (page && request.method === 'GET' && page.pathPrefixes.some((prefix) => request.url.startsWith(prefix))) {
      return reply.status(status).header('content-type', 'text/html; charset=utf-8').send(page.html)
    }
    return reply.status(status).send({ error: body })
  }

  app.setErrorHandler((error: FastifyError | DomainError | PostgresError, request, reply) => {
    if (error instanceof DomainError) {
      return reply.status(error.status).send({
        error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
      })
    }
    const fastifyError = error as FastifyError
    if (fastifyError.validation) {
      const details = validationDetails(fastifyError.validation, fastifyError.validationContext)
      return reply.status(errorStatus.invalid_request).send({
        error: { code: 'invalid_request' satisfies ErrorCode, message: validationMessage(details), details },
      })
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const message =
        fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `Content type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted: send the body as JSON (application/json)`
          : fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? `Request body is too large: at most ${formatBytes(request.routeOptions.bodyLimit ?? 0)} on ${request.method} ${request.routeOptions.url ?? request.url}`
            : fastifyError.message
      const code = codeForFastifyError(fastifyError)
      return reply.status(errorStatus[code]).send({ error: { code, message } })
    }
    const database = databaseError(error)
    if (database) {
      request.log.warn({ err: error }, database.code)
      void reply.header('retry-after', String(retryAfterSeconds))
      return sendServerError(request, reply, errorStatus[database.code], database)
    }
    const translated = translatePostgresError(error as PostgresError)
    if (translated) return reply.status(errorStatus[translated.code]).send({ error: translated })
    const storage = storageError(error as PostgresError)
    if (storage) {
      request.log.error({ err: error }, 'disk full')
      return sendServerError(request, reply, errorStatus[storage.code], storage)
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendServerError(request, reply, errorStatus.internal, { code: 'internal', message: 'Internal server error' })
  })

  app.setNotFoundHandler((request, reply) =>
    reply.status(errorStatus.not_found).send({ error: { code: 'not_found' satisfies ErrorCode, message: `No route for ${request.method} ${request.url}` } }),
  )
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`
}

/**
 * Fastify's own 4xx (body parsing, content type, size). A 4xx without a code of its own here is a
 * request Fastify could not read (bad JSON, bad content length, a bad URL), so `invalid_request`.
 */
function codeForFastifyError(error: FastifyError): ErrorCode {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large'
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'empty_body'
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type'
    default:
      return error.statusCode === 404 ? 'not_found' : 'invalid_request'
  }
}

/**
 * The database is away (stopped, restarting, frozen, unreachable) or cut a statement off by its
 * own timeouts. Neither is the caller's fault nor a bug, and either may pass: 503.
 */
function databaseError(error: unknown): { code: ErrorCode; message: string } | null {
  if (isDatabaseUnavailable(error)) {
    return { code: 'database_unavailable', message: 'The database is not available at the moment (it cannot be reached or did not answer); nothing was written. Try again later' }
  }
  if (isDatabaseTimeout(error)) {
    const lock = (error as { code?: string }).code === '55P03'
    return {
      code: 'database_timeout',
      message: lock
        ? 'The record is held by another write for too long (lock timeout); nothing was written. Try again'
        : 'The database did not finish in time (statement timeout); nothing was written. Try again later',
    }
  }
  return null
}

/** Constraint violations reach here only where a repository did not check first. */
function translatePostgresError(error: PostgresError): { code: ErrorCode; message: string } | null {
  switch (error.code) {
    case '23505':
      return { code: 'duplicate', message: `Already exists (${error.constraint ?? 'unique'})` }
    case '23503':
      return { code: 'in_use', message: `Refers to or is referred to by another record (${error.constraint ?? 'foreign key'})` }
    case '23514':
      return { code: 'constraint', message: `Violates a rule of the data (${error.constraint ?? 'check'})` }
    // invalid_datetime_format, datetime_field_overflow: a time the parsers let through.
    case '22007':
    case '22008':
      return { code: 'invalid_time', message: 'A time is not valid or out of range' }
    case '22P02':
    case '22023':
    case '22003':
      return { code: 'invalid_value', message: 'A value has the wrong type or is out of range' }
    default:
      return null
  }
}

/**
 * A full disk, whether the server's own (Node's ENOSPC) or the database's (SQLSTATE 53100
 * disk_full): not the caller's fault, and not a bug either, so 507 and a message an operator can act on.
 */
function storageError(error: { code?: string }): { code: ErrorCode; message: string } | null {
  if (error.code !== 'ENOSPC' && error.code !== '53100') return null
  return { code: 'insufficient_storage', message: 'The server has no disk space left; nothing was written. Try again once space is freed' }
}
