import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { errorStatus, type ErrorCode } from '../kernel/error-codes.js'

/**
 * Errors the router raises before any route or hook runs (a path that is not valid percent
 * encoding, a path parameter over the router's length limit). Fastify would answer them in its
 * own shape, echoing the whole URL; here they get the envelope and a message of bounded length.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = shorten(request.url)
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const code = 'uri_too_long' satisfies ErrorCode
    void reply.status(errorStatus[code]).send({ error: { code, message: `A path parameter is too long (at most ${maxParamLength} characters): ${path}` } })
    return
  }
  const code = 'invalid_request' satisfies ErrorCode
  const message = error.code === 'FST_ERR_BAD_URL' ? `The path is not valid percent-encoded UTF-8: ${path}` : 'The request could not be routed'
  void reply.status(errorStatus[code]).send({ error: { code, message } })
}

/** find-my-way's limit, which Fastify keeps unless told otherwise. */
export const maxParamLength = 100

function shorten(url: string): string {
  return url.length > 120 ? `${url.slice(0, 100)}… (${url.length} characters)` : url
}
