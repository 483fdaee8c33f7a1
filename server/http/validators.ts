import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify'
import type { ValidationIssue } from './validation-details.js'

/**
 * Query strings, path parameters and headers arrive as text, so their numbers and booleans are
 * coerced; a JSON body already has types, and text where a number belongs is the caller's mistake
 * (DESIGN section 8), so bodies are validated as sent.
 */
function makeAjv(coerceTypes: false | 'array'): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: true, strict: false })
  // ajv-formats is CommonJS: its function is the default export's default under NodeNext.
  formats.default(ajv)
  return ajv
}

const asSent = makeAjv(false)
const fromText = makeAjv('array')

interface PropertySchema {
  type?: unknown
  maximum?: number
}

const decimalInteger = /^-?\d+$/
const nonDecimalNumber = /^[-+]?0[xXbBoO]/
const int4Max = 2_147_483_647

/**
 * Ajv's coercion reads text as JavaScript does: `0x10` is 16, `1e3` an integer, ` 5` a number, and
 * a key sent twice is an array it would take one item of (or a route's own reader the last). Before coercing, each top-level property
 * of a query string or path is checked as text: given once unless it is a list, an integer in
 * decimal digits within int4, a number in decimal notation.
 */
export function textProblems(schema: { properties?: Record<string, PropertySchema> }, data: unknown): ValidationIssue[] {
  if (data === null || typeof data !== 'object' || !schema.properties) return []
  const issues: ValidationIssue[] = []
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = (data as Record<string, unknown>)[name]
    const instancePath = `/${name}`
    if (Array.isArray(value) && property.type !== 'array') {
      issues.push({ instancePath, keyword: 'type', message: `must be given once (was given ${value.length} times)` })
      continue
    }
    if (typeof value !== 'string') continue
    if (property.type === 'integer' && !decimalInteger.test(value)) {
      issues.push({ instancePath, keyword: 'type', message: 'must be an integer in decimal digits' })
    } else if (property.type === 'integer' && property.maximum === undefined && Math.abs(Number(value)) > int4Max) {
      issues.push({ instancePath, keyword: 'maximum', message: `must be <= ${int4Max}` })
    } else if (property.type === 'number' && (value.trim() !== value || nonDecimalNumber.test(value))) {
      // Other text that is not a number ("abc", "NaN") is left to the schema or the route's reader.
      issues.push({ instancePath, keyword: 'type', message: 'must be a number in decimal notation' })
    }
  }
  return issues
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? asSent : fromText).compile(schema as object) as ValidateFunction

/**
 * Applies `textProblems` to the path parameters and query string of every route with a schema for
 * them, as a hook rather than in the compiler so that routes with a validator of their own
 * (resolution) are checked too. A failure is a schema failure: 400 `invalid_request` naming the field.
 */
export function checkTextParameters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema
    for (const [context, part, data] of [
      ['params', schema?.params, request.params],
      ['querystring', schema?.querystring, request.query],
    ] as const) {
      const issues = part ? textProblems(part as { properties?: Record<string, PropertySchema> }, data) : []
      if (issues.length > 0) throw Object.assign(new Error('invalid parameter'), { statusCode: 400, validation: issues, validationContext: context })
    }
  })
}
