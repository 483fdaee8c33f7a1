import type { FastifyError, FastifyInstance } from 'fastify'
import { DomainError } from '../errors.js'
import { validationDetails, validationMessage } from './validation-details.js'

interface PostgresError {
  code?: string
  message: string
  constraint?: string
  detail?: string
}

/**
 * One place turns every failure into `{error: {code, message, details?}}`: a typed domain error
 * keeps its status; schema and parse failures are 400; a database constraint the caller tripped is
 * a 4xx; anything else is a 500 that says nothing about internals.
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
      return reply.status(400).send({
        error: { code: 'invalid_request', message: validationMessage(details), details },
      })
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const message =
        fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `Content type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted: send the body as JSON (application/json)`
          : fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? `Request body is too large: at most ${formatBytes(request.routeOptions.bodyLimit ?? 0)} on ${request.method} ${request.routeOptions.url ?? request.url}`
            : fastifyError.message
      return reply.status(fastifyError.statusCode).send({ error: { code: codeForFastifyError(fastifyError), message } })
    }
    const translated = translatePostgresError(error as PostgresError)
    if (translated) return reply.status(translated.status).send({ error: translated.body })
    request.log.error({ err: error }, 'unhandled error')
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal server error' } })
  })

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url}` } }),
  )
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`
}

function codeForFastifyError(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large'
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'empty_body'
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type'
    default:
      return error.statusCode === 400 ? 'invalid_request' : 'request_error'
  }
}

/** Constraint violations reach here only where a repository did not check first. */
function translatePostgresError(error: PostgresError): { status: number; body: object } | null {
  switch (error.code) {
    case '23505':
      return { status: 409, body: { code: 'duplicate', message: `Already exists (${error.constraint ?? 'unique'})` } }
    case '23503':
      return {
        status: 409,
        body: { code: 'in_use', message: `Refers to or is referred to by another record (${error.constraint ?? 'foreign key'})` },
      }
    case '23514':
      return { status: 400, body: { code: 'constraint', message: `Violates a rule of the data (${error.constraint ?? 'check'})` } }
    case '22P02':
    case '22023':
    case '22003':
      return { status: 400, body: { code: 'invalid_value', message: 'A value has the wrong type or is out of range' } }
    default:
      return null
  }
}
