import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { badRequest, DomainError, type ErrorDetail } from '../errors.js'
import type { AssessmentUnit } from '../assessment/types.js'
import { indicatorKeys, isIndicatorKey, type IndicatorKey } from './indicators.js'

/**
 * What a district publishes on the public page /p/rankings (sql/021): on or off, the unit kinds
 * ranked there (never people: their names and scores are personal data), the indicator they are
 * ranked by and the indicators shown. One row, with an optimistic version.
 */
export const publicUnits = ['grid', 'street', 'community', 'subdistrict', 'department'] as const satisfies readonly AssessmentUnit[]
export type PublicUnit = (typeof publicUnits)[number]

export interface Publication {
  enabled: boolean
  units: PublicUnit[]
  sort: IndicatorKey
  indicators: IndicatorKey[]
  title_name: string | null
  version: number
  updated_at: string
}

interface PublicationRow {
  enabled: boolean
  units: string[]
  sort: string
  indicators: string[]
  title_name: string | null
  version: number
  updated_at: Date | string
}

function view(row: PublicationRow): Publication {
  return {
    enabled: row.enabled,
    units: row.units.filter((unit): unit is PublicUnit => (publicUnits as readonly string[]).includes(unit)),
    sort: isIndicatorKey(row.sort) ? row.sort : 'score',
    indicators: row.indicators.filter(isIndicatorKey),
    title_name: row.title_name,
    version: row.version,
    updated_at: new Date(row.updated_at).toISOString(),
  }
}

export async function loadPublication(db: DbOrTx, options: { forUpdate?: boolean } = {}): Promise<Publication> {
  const lock = options.forUpdate ? sql`FOR UPDATE` : sql``
  const { rows } = await sql<PublicationRow>`
    SELECT enabled, units, sort, indicators, title_name, version, updated_at FROM assessment_publication WHERE id = 1 ${lock}`.execute(db)
  // sql/021 inserts the row; a database restored without it reads as the page turned off.
  return rows[0] ? view(rows[0]) : { enabled: false, units: ['grid'], sort: 'score', indicators: ['score'], title_name: null, version: 0, updated_at: new Date(0).toISOString() }
}

export interface PublicationChange {
  version: number
  enabled?: boolean
  units?: string[]
  sort?: string
  indicators?: string[]
  title_name?: string | null
}

/** The change checked field by field: every problem names its field, and nothing is written unless all are right. */
export function readPublicationChange(body: PublicationChange): { enabled?: boolean; units?: PublicUnit[]; sort?: IndicatorKey; indicators?: IndicatorKey[]; title_name?: string | null } {
  const details: ErrorDetail[] = []
  const change: ReturnType<typeof readPublicationChange> = {}
  if (body.enabled !== undefined) change.enabled = body.enabled
  if (body.units !== undefined) {
    body.units.forEach((unit, index) => {
      if (!(publicUnits as readonly string[]).includes(unit)) {
        details.push({ field: `units[${index}]`, reason: unit === 'person' ? 'people are not ranked in public (personal data)' : `must be one of ${publicUnits.join(', ')}` })
      }
    })
    if (body.units.length === 0) details.push({ field: 'units', reason: 'name at least one unit kind' })
    if (new Set(body.units).size !== body.units.length) details.push({ field: 'units', reason: 'names a unit kind twice' })
    change.units = body.units as PublicUnit[]
  }
  if (body.sort !== undefined) {
    if (!isIndicatorKey(body.sort)) details.push({ field: 'sort', reason: `must be one of ${indicatorKeys.join(', ')}` })
    change.sort = body.sort as IndicatorKey
  }
  if (body.indicators !== undefined) {
    body.indicators.forEach((key, index) => {
      if (!isIndicatorKey(key)) details.push({ field: `indicators[${index}]`, reason: `must be one of ${indicatorKeys.join(', ')}` })
    })
    if (body.indicators.length === 0) details.push({ field: 'indicators', reason: 'name at least one indicator' })
    if (new Set(body.indicators).size !== body.indicators.length) details.push({ field: 'indicators', reason: 'names an indicator twice' })
    change.indicators = body.indicators as IndicatorKey[]
  }
  if (body.title_name !== undefined) {
    const name = body.title_name === null ? null : body.title_name.trim()
    if (name !== null && (name.length === 0 || name.length > 60)) details.push({ field: 'title_name', reason: 'must be 1 to 60 characters, or null' })
    change.title_name = name
  }
  if (details.length > 0) {
    throw badRequest('invalid_field', `Invalid publication setting: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`, details)
  }
  return change
}

/** Writes the change in one transaction, refusing (409) a version other than the stored one. */
export async function updatePublication(db: Db, body: PublicationChange): Promise<Publication> {
  const change = readPublicationChange(body)
  return db.transaction().execute(async (tx) => {
    const current = await loadPublication(tx, { forUpdate: true })
    if (current.version !== body.version) {
      throw new DomainError('version_conflict', `The publication setting is at version ${current.version}, not ${body.version}`, { current_version: current.version, current })
    }
    const next = { ...current, ...change }
    await sql`
      UPDATE assessment_publication SET enabled = ${next.enabled}, units = ${next.units}::text[], sort = ${next.sort},
        indicators = ${next.indicators}::text[], title_name = ${next.title_name}, updated_at = now(), version = version + 1
      WHERE id = 1`.execute(tx)
    return loadPublication(tx)
  })
}
