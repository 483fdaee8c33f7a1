import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DomainError, type ErrorDetail } from '../errors.js'

/**
 * Characters no stored text may hold: C0 controls other than tab, line feed and carriage return,
 * DEL, C1 controls, and the non-characters U+FFFE and U+FFFF. NUL makes PostgreSQL refuse the
 * query (a 500 on both backends) and the rest are not XML 1.0 `Char`s, so a name holding one
 * would make its signboard invalid SVG. Refused with 400 naming the field, rather than silently
 * stripped: the caller learns that what they sent is not what would be stored.
 */
// eslint-disable-next-line no-control-regex
const forbiddenCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why `text` may not be stored, or null when it may. Lone surrogates cannot be written as UTF-8. */
export function textProblem(text: string): string | null {
  const match = forbiddenCharacter.exec(text)
  if (match) {
    const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
    return `must not contain control character U+${code} (at position ${match.index})`
  }
  if (loneSurrogate.test(text)) return 'must not contain a lone UTF-16 surrogate'
  return null
}

const maxReported = 20

/** Every string (and object key) in `value` that may not be stored, as details naming its field. */
export function unsafeTextDetails(value: unknown, field: string, details: ErrorDetail[] = []): ErrorDetail[] {
  walkText([[value, field]], details, Infinity)
  return details
}

/** Values checked between two pauses for the event loop when walking a large body. */
const WALK_SLICE = 20_000

/**
 * The same walk, pausing for the event loop every few thousand values: a 30 MB import holds a
 * million values, a second of work that other requests must not wait behind.
 */
export async function unsafeTextDetailsPaced(value: unknown, field: string, details: ErrorDetail[] = []): Promise<ErrorDetail[]> {
  const stack: [unknown, string][] = [[value, field]]
  while (walkText(stack, details, WALK_SLICE)) await new Promise((resolve) => setImmediate(resolve))
  return details
}

/** Walks at most `budget` values off `stack`; true when some are left. */
function walkText(stack: [unknown, string][], details: ErrorDetail[], budget: number): boolean {
  // An explicit stack: a deeply nested body must not overflow the call stack.
  for (let walked = 0; stack.length > 0 && details.length < maxReported; walked++) {
    if (walked >= budget) return true
    const [item, path] = stack.pop()!
    if (typeof item === 'string') {
      const reason = textProblem(item)
      if (reason) details.push({ field: path, reason })
    } else if (Array.isArray(item)) {
      for (let index = item.length - 1; index >= 0; index--) stack.push([item[index], `${path}.${index}`])
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const reason = textProblem(key)
        if (reason) details.push({ field: path, reason: `has a key that ${reason}` })
        stack.push([child, `${path}.${key}`])
      }
    }
  }
  return false
}

/**
 * Checks the path parameters, query string and body of every request before its schema does, so
 * no route can store or query with such text.
 */
export function rejectUnsafeText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const details = unsafeTextDetails(request.params, 'params')
    unsafeTextDetails(request.query, 'querystring', details)
    await unsafeTextDetailsPaced(request.body, 'body', details)
    if (details.length > 0) {
      const first = details[0]!
      throw new DomainError('invalid_text', `Invalid text: ${first.field} ${first.reason}`, details)
    }
  })
}
