import { Type, type Static } from 'typebox'
import { zoneKinds } from '../kernel/zone-kinds.js'
import { literals as literalsOf } from '../kernel/schemas.js'
import { batchKinds } from './batch.js'
import { orientations, paperSizes } from './paper.js'
import { signboardFormats } from './render.js'
import { signboardKinds } from './signboard-data.js'

export type { Orientation, PaperSize } from './paper.js'
export type { SignboardKind } from './signboard-data.js'

/** Inputs and responses of the signboard API, for validation and the OpenAPI page. */
const literals = literalsOf

export const MIN_DPI = 36
export const MAX_DPI = 600

const paperQuery = {
  paper: Type.Optional(literals([...paperSizes, ...paperSizes.map((size) => size.toLowerCase() as Lowercase<typeof size>)], 'ISO paper size; default A3')),
  orientation: Type.Optional(literals(orientations, 'default landscape')),
}

export const SignboardParams = Type.Object({
  file: Type.String({ description: `The zone code and the format: \`{code}.pdf\`, \`{code}.svg\` or \`{code}.png\``, minLength: 5 }),
})

export type SignboardParams = Static<typeof SignboardParams>

export const SignboardQuery = Type.Object({
  ...paperQuery,
  dpi: Type.Optional(Type.Integer({ minimum: MIN_DPI, maximum: MAX_DPI, description: 'PNG resolution; default 150' })),
  kind: Type.Optional(literals(signboardKinds, 'which zone, where kinds share the code')),
})

export type SignboardQuery = Static<typeof SignboardQuery>

/** A signboard file or a finished batch: the body is the file itself, not JSON. */
export const SignboardFile = Type.Unsafe<never>({ type: 'string', format: 'binary', description: 'PDF, SVG, PNG or zip' })
/** The mobile page a QR code opens, or the page saying the zone is gone. */
export const MobilePage = Type.Unsafe<never>({ type: 'string', description: 'HTML page' })

export const DutyKindParams = Type.Object({ kind: literals(zoneKinds) })
export type DutyKindParams = Static<typeof DutyKindParams>
export const DutyText = Type.Object({ kind: literals(zoneKinds), text: Type.String() })
export type DutyText = Static<typeof DutyText>
export const DutyTextList = Type.Array(DutyText)
export const DutyTextBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) })
export type DutyTextBody = Static<typeof DutyTextBody>

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
export type BatchBody = Static<typeof BatchBody>

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

/** A batch of signboards rendering on the server. */
export type Job = Static<typeof Job>

export const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
export type JobParams = Static<typeof JobParams>
export const MobileParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) })
export type MobileParams = Static<typeof MobileParams>
export const MobileQuery = Type.Object({ kind: Type.Optional(literals(signboardKinds)) })
export type MobileQuery = Static<typeof MobileQuery>
