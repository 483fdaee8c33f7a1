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
    const depth = nestingTooDeep(body, MAX_JSON_DEPTH)
    if (depth !== null) {
      done(new DomainError('invalid_request', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (at byte ${depth}): flatten it`, [{ field: 'body', reason: `nested more than ${MAX_JSON_DEPTH} levels deep` }]))
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

/**
 * How deep arrays and objects may nest in a JSON body. The deepest body the API takes is GeoJSON:
 * a FeatureCollection's MultiPolygon coordinates are 7 levels down (collection, features,
 * feature, geometry, coordinates, polygon, ring, position: 8 with the body's own object); 64 leaves
 * room and stops a body built to make a parser or a recursive walker work on thousands of levels.
 */
export const MAX_JSON_DEPTH = 64

/**
 * Where a body first nests deeper than `max` (its byte offset), or null. One pass over the bytes,
 * before they are decoded or parsed; brackets inside strings do not count. UTF-8 continuation
 * bytes are never `"`, `\\`, brackets or braces, so the bytes can be read as they are.
 */
export function nestingTooDeep(body: Uint8Array, max: number): number | null {
  let depth = 0
  let inString = false
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!
    if (inString) {
      if (byte === 0x5c) i++
      else if (byte === 0x22) inString = false
    } else if (byte === 0x22) inString = true
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return i
    } else if (byte === 0x5d || byte === 0x7d) depth--
  }
  return null
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
