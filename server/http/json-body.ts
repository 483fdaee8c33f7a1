import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DomainError } from '../errors.js'

type Done = (error: Error | null, body?: unknown) => void

/**
 * A JSON body parser that reads the bytes as UTF-8 and nothing else (RFC 8259 §8.1): a charset
 * other than utf-8 is refused with 415, and bytes that are not UTF-8 with 400, instead of being
 * read as UTF-8 with U+FFFD in their place and stored. The route's body limit still applies:
 * Fastify counts the bytes before the parser sees them.
 */
export function strictJsonParser(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  return (request: FastifyRequest, body: Buffer, done: Done): void => {
    const charset = charsetOf(request.headers['content-type'])
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      done(new DomainError('unsupported_media_type', `Charset ${JSON.stringify(charset.slice(0, 40))} is not accepted: send the JSON body as UTF-8`))
      return
    }
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body)
    } catch {
      done(new DomainError('invalid_request', `The body is not valid UTF-8 (${invalidUtf8Offset(body)})`))
      return
    }
    parseJson(request, text, done)
  }
}

/** Replaces Fastify's application/json parser, which decodes any bytes leniently. */
export function installStrictJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser(app))
}

function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')
  return match ? match[1]!.toLowerCase() : null
}

/** Where the first byte that is not UTF-8 is, for the message. */
function invalidUtf8Offset(body: Buffer): string {
  let low = 0
  let high = body.length
  // The longest prefix that decodes (a sequence split at its end waits, in stream mode) ends at the fault.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, middle), { stream: true })
      low = middle
    } catch {
      high = middle - 1
    }
  }
  return `at byte ${low}`
}
