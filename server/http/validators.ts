import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

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

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? asSent : fromText).compile(schema as object) as ValidateFunction
