import { Type } from 'typebox'
import { zoneKinds } from '../db/database.js'
import { batchKinds } from './batch.js'
import { orientations, paperSizes } from './paper.js'
import { signboardFormats } from './render.js'
import { signboardKinds } from './signboard-data.js'

/** Inputs and responses of the signboard API, for validation and the OpenAPI page. */
const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) })

export const ErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
})

export const MIN_DPI = 36
export const MAX_DPI = 600

const paperQuery = {
  paper: Type.Optional(literals([...paperSizes, ...paperSizes.map((size) => size.toLowerCase() as Lowercase<typeof size>)], 'ISO paper size; default A3')),
  orientation: Type.Optional(literals(orientations, 'default landscape')),
}

export const SignboardParams = Type.Object({
  file: Type.String({ description: `The zone code and the format: \`{code}.pdf\`, \`{code}.svg\` or \`{code}.png\``, minLength: 5 }),
})

export const SignboardQuery = Type.Object({
  ...paperQuery,
  dpi: Type.Optional(Type.Integer({ minimum: MIN_DPI, maximum: MAX_DPI, description: 'PNG resolution; default 150' })),
  kind: Type.Optional(literals(signboardKinds, 'which zone, where kinds share the code')),
})

export const DutyKindParams = Type.Object({ kind: literals(zoneKinds) })
export const DutyText = Type.Object({ kind: literals(zoneKinds), text: Type.String() })
export const DutyTextBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) })

export const BatchBody = Type.Object(
  {
    zone: Type.String({ minLength: 1, maxLength: 64, description: 'A sub-district (or community, district) code, or one street or grid' }),
    kind: Type.Optional(literals(batchKinds, 'default street')),
    format: Type.Optional(literals(['pdf', 'zip'] as const, 'one multi-page PDF (default) or a zip of files')),
    file_format: Type.Optional(literals(signboardFormats, 'files inside a zip; default pdf')),
    ...paperQuery,
    dpi: Type.Optional(Type.Integer({ minimum: MIN_DPI, maximum: 300 })),
  },
  { additionalProperties: false },
)

export const Job = Type.Object({
  id: Type.String(),
  status: literals(['running', 'done', 'failed'] as const),
  done: Type.Integer(),
  total: Type.Integer(),
  current: Type.Union([Type.String(), Type.Null()], { description: 'The zone being rendered' }),
  error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  file: Type.Union([Type.String(), Type.Null()], { description: 'Where to download the result once done' }),
})

export const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
export const MobileParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) })
export const MobileQuery = Type.Object({ kind: Type.Optional(literals(signboardKinds)) })
