import type { FastifyError, FastifyInstance } from 'fastify'
import { DomainError } from '../errors.js'
import { errorStatus, type ErrorCode } from '../kernel/error-codes.js'
import { validationDetails, validationMessage } from './validation-details.js'

interface PostgresError {
  code?: string
  message: string
  constraint?: string
  detail?: string
}

/**
 * One place turns every failure into `{error: {code, message, details?}}`, each with the status of
 * its code (server/kernel/error-codes.ts): a domain error as thrown; schema and parse failures and
 * Fastify's own 4xx by their meaning; a database constraint the caller tripped; anything else is a
 * 500 that says nothing about internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
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
    const translated = translatePostgresError(error as PostgresError)
    if (translated) return reply.status(errorStatus[translated.code]).send({ error: translated })
    const storage = storageError(error as PostgresError)
    if (storage) {
      request.log.error({ err: error }, 'disk full')
      return reply.status(errorStatus[storage.code]).send({ error: storage })
    }
    request.log.error({ err: error }, 'unhandled error')
    return reply.status(errorStatus.internal).send({ error: { code: 'internal' satisfies ErrorCode, message: 'Internal server error' } })
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
