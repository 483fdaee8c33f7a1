import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { DomainError } from '../errors.js'
import type { Role } from '../kernel/permissions.js'
import { GpxError, parseGpx } from './gpx.js'
import { DEFAULT_PATROL_ACCURACY_M, importTrack, type NewFix, type PatrolRole } from './patrols.service.js'
import type { PatrolSettings } from './patrols.settings.js'

/**
 * A night's tracks (`npm run patrols -- FILE...`): GPX files of one walker (`--login`), or NDJSON
 * of fixes `{login|party_id, at, lon, lat, accuracy_m?}` of many, one patrol per walker per file.
 * Each file is imported and credited all or nothing, in one transaction; a problem names the file
 * and line.
 */

export class BatchError extends Error {
  constructor(readonly file: string, readonly line: number | null, message: string) {
    super(`${file}${line === null ? '' : `:${line}`}: ${message}`)
  }
}

export interface BatchResult {
  file: string
  patrols: { id: number; walker: string; fixes: number; distance_m: number; zones: number }[]
}

const roleOfGrant: Partial<Record<Role, PatrolRole>> = { chief: 'chief', grid_worker: 'grid_worker', leader: 'leader', department_handler: 'department' }

interface Walker { accountId: number | null; partyId: number | null; role: PatrolRole; name: string }

async function walkerBy(db: Db, file: string, line: number | null, key: { login?: string; partyId?: number }): Promise<Walker> {
  const { rows } = key.login !== undefined
    ? await sql<{ id: number; party_id: number | null; login: string }>`SELECT id, party_id, login FROM account WHERE login = ${key.login}`.execute(db)
    : await sql<{ id: number; party_id: number | null; login: string }>`SELECT id, party_id, login FROM account WHERE party_id = ${key.partyId!} ORDER BY id LIMIT 1`.execute(db)
  const account = rows[0]
  if (!account && key.login !== undefined) throw new BatchError(file, line, `no account has the login ${JSON.stringify(key.login)}`)
  if (!account) {
    const party = (await sql<{ id: number; name: string }>`SELECT id, name FROM party WHERE id = ${key.partyId!}`.execute(db)).rows[0]
    if (!party) throw new BatchError(file, line, `no party has the id ${key.partyId}`)
    return { accountId: null, partyId: party.id, role: 'other', name: party.name }
  }
  const grants = (await sql<{ role: Role }>`SELECT role FROM account_grant WHERE account_id = ${account.id} ORDER BY id`.execute(db)).rows
  const role = grants.map((g) => roleOfGrant[g.role]).find((r) => r !== undefined) ?? 'other'
  return { accountId: account.id, partyId: account.party_id, role, name: account.login }
}

function readNdjsonLine(file: string, line: number, text: string): { walker: { login?: string; partyId?: number }; fix: NewFix } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new BatchError(file, line, 'not a JSON object')
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BatchError(file, line, 'not a JSON object')
  const row = value as Record<string, unknown>
  const walker = typeof row.login === 'string' && row.login ? { login: row.login }
    : Number.isSafeInteger(row.party_id) && (row.party_id as number) > 0 ? { partyId: row.party_id as number } : null
  if (!walker) throw new BatchError(file, line, 'login (a string) or party_id (a whole number) is required')
  const at = typeof row.at === 'string' && /(Z|[+-]\d{2}:?\d{2})$/.test(row.at) ? new Date(row.at) : null
  if (!at || Number.isNaN(at.getTime())) throw new BatchError(file, line, 'at must be an ISO 8601 time with a zone')
  if (typeof row.lon !== 'number' || !Number.isFinite(row.lon) || Math.abs(row.lon) > 180) throw new BatchError(file, line, 'lon must be a number from -180 to 180')
  if (typeof row.lat !== 'number' || !Number.isFinite(row.lat) || Math.abs(row.lat) > 90) throw new BatchError(file, line, 'lat must be a number from -90 to 90')
  const accuracy = row.accuracy_m
  if (accuracy !== undefined && accuracy !== null && (typeof accuracy !== 'number' || !Number.isFinite(accuracy) || accuracy < 0 || accuracy > 100_000)) {
    throw new BatchError(file, line, 'accuracy_m must be a number of metres from 0 to 100000')
  }
  return { walker, fix: { at, lon: row.lon, lat: row.lat, accuracy_m: (accuracy as number | null | undefined) ?? null, segment: 0 } }
}

/** Imports one file; throws BatchError (nothing written) at the first problem. */
export async function importBatchFile(
  db: Db,
  file: string,
  content: string,
  options: { login?: string; accuracyM?: number },
  settings: PatrolSettings,
): Promise<BatchResult> {
  const accuracyM = options.accuracyM ?? DEFAULT_PATROL_ACCURACY_M
  const groups = new Map<string, { walker: Walker; fixes: NewFix[]; note: string | null }>()
  if (/\.gpx$/i.test(file) || content.trimStart().startsWith('<')) {
    if (!options.login) throw new BatchError(file, null, 'a GPX file names no walker: give --login')
    let tracks
    try {
      tracks = parseGpx(content)
    } catch (error) {
      if (error instanceof GpxError) throw new BatchError(file, error.line, `${error.element}: ${error.message}`)
      throw error
    }
    const walker = await walkerBy(db, file, null, { login: options.login })
    const fixes = tracks.flatMap((t) => t.points.map((p) => ({ at: p.at, lon: p.lon, lat: p.lat, accuracy_m: null, segment: p.segment })))
    groups.set(walker.name, { walker, fixes, note: tracks.find((t) => t.name)?.name ?? null })
  } else {
    const known = new Map<string, Walker>()
    const lines = content.split(/\r?\n/)
    for (let index = 0; index < lines.length; index++) {
      const text = lines[index]!.trim()
      if (!text) continue
      const { walker: key, fix } = readNdjsonLine(file, index + 1, text)
      const name = key.login !== undefined ? `login:${key.login}` : `party:${key.partyId}`
      let walker = known.get(name)
      if (!walker) {
        walker = await walkerBy(db, file, index + 1, key)
        known.set(name, walker)
      }
      const group = groups.get(name) ?? { walker, fixes: [], note: null }
      groups.set(name, group)
      group.fixes.push(fix)
    }
    if (groups.size === 0) throw new BatchError(file, null, 'holds no fix')
  }
  return db.transaction().execute(async (tx) => {
    const patrols: BatchResult['patrols'] = []
    for (const { walker, fixes, note } of groups.values()) {
      try {
        const { id, credits } = await importTrack(tx, { accountId: walker.accountId, partyId: walker.partyId, role: walker.role, source: 'batch', accuracyM, note, fixes }, settings)
        const { rows } = await sql<{ distance_m: number }>`SELECT distance_m FROM patrol WHERE id = ${id}`.execute(tx)
        patrols.push({ id, walker: walker.name, fixes: fixes.length, distance_m: Number(rows[0]!.distance_m), zones: credits.length })
      } catch (error) {
        if (error instanceof DomainError) throw new BatchError(file, null, `${walker.name}: ${error.message}`)
        throw error
      }
    }
    return { file, patrols }
  })
}
