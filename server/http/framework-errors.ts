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

/**
 * Requests Node's HTTP parser refuses before Fastify sees them: most often a URL with raw
 * non-ASCII bytes (`curl "…?category=占道经营"` sends them unencoded), or oversized headers.
 * Fastify's default answer is `{"error":"Bad Request","message":"Client Error"}`; this one is the
 * envelope, and says what to do.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const headersTooLarge = error.code === 'HPE_HEADER_OVERFLOW'
  const status = headersTooLarge ? 431 : 400
  const body = JSON.stringify({
    error: {
      code: 'invalid_request' satisfies ErrorCode,
      message: headersTooLarge
        ? 'The request headers are too large'
        : 'The request is not valid HTTP/1.1; characters outside ASCII in the URL must be percent-encoded (curl -G --data-urlencode "category=占道经营")',
    },
  })
  socket.end(
    `HTTP/1.1 ${status} ${headersTooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}
