import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import { badRequest, DomainError, notFound } from '../errors.js'
import { isJurisdictionKind, isZoneKind, type ZoneKind } from '../kernel/zone-kinds.js'
import type { PutSignboardSettingBody } from './rosters.schemas.js'
import type { ScopeCheck } from './staff.service.js'

/** The switches of staff_on_signboard (sql/016): whether a city prints the shown staff on its signboards. */

interface SettingRow {
  id: number
  jurisdiction_id: number | null
  j_kind: ZoneKind | null
  j_code: string | null
  j_name: string | null
  zone_kind: string | null
  shown: boolean
  version: number
}

const view = (row: SettingRow) => ({
  id: row.id,
  jurisdiction: row.jurisdiction_id === null ? null : { id: row.jurisdiction_id, kind: row.j_kind!, code: row.j_code!, name: row.j_name! },
  zone_kind: row.zone_kind,
  shown: row.shown,
  version: row.version,
})

const select = sql`SELECT s.id, s.jurisdiction_id, z.kind AS j_kind, z.code AS j_code, z.name AS j_name, s.zone_kind, s.shown, s.version
  FROM staff_on_signboard s LEFT JOIN zone z ON z.id = s.jurisdiction_id`

export async function listSignboardSettings(db: DbOrTx) {
  const { rows } = await sql<SettingRow>`${select} ORDER BY s.jurisdiction_id NULLS FIRST, s.zone_kind NULLS FIRST`.execute(db)
  return rows.map(view)
}

/** The jurisdiction a switch is of, checked (a district, sub-district or community), or null for the whole city. */
export async function settingJurisdiction(db: DbOrTx, body: PutSignboardSettingBody): Promise<number | null> {
  if (body.zone_kind !== undefined && body.zone_kind !== null && !isZoneKind(body.zone_kind)) {
    throw badRequest('unknown_kind', `zone_kind: "${body.zone_kind}" is not a zone kind`, [{ field: 'zone_kind', reason: 'is not a zone kind' }])
  }
  if (body.jurisdiction_id === undefined || body.jurisdiction_id === null) return null
  const zone = await db.selectFrom('zone').select(['id', 'kind', 'code']).where('id', '=', body.jurisdiction_id).executeTakeFirst()
  if (!zone) throw notFound(`Zone ${body.jurisdiction_id}`)
  if (!isJurisdictionKind(zone.kind)) {
    throw new DomainError('invalid_parent', `jurisdiction_id: zone ${zone.code} is a ${zone.kind}, not a district, sub-district or community`, [
      { field: 'jurisdiction_id', reason: 'must be a jurisdiction (district, sub-district or community)' },
    ])
  }
  return zone.id
}

export async function putSignboardSetting(db: Db, jurisdictionId: number | null, body: PutSignboardSettingBody, options: ScopeCheck) {
  const zoneKind = body.zone_kind ?? null
  return db.transaction().execute(async (tx) => {
    await options.checkScope(tx)
    const { rows } = await sql<{ id: number; version: number }>`
      SELECT id, version FROM staff_on_signboard
      WHERE coalesce(jurisdiction_id, 0) = ${jurisdictionId ?? 0} AND coalesce(zone_kind, '') = ${zoneKind ?? ''} FOR UPDATE`.execute(tx)
    const row = rows[0]
    let id: number
    if (row) {
      if (body.version !== row.version) {
        throw new DomainError('version_conflict', `This switch is at version ${row.version}${body.version === undefined ? '; send it as version' : `, not ${body.version}`}`, {
          current_version: row.version,
        })
      }
      await sql`UPDATE staff_on_signboard SET shown = ${body.shown}, version = version + 1, updated_at = now() WHERE id = ${row.id}`.execute(tx)
      id = row.id
    } else {
      const inserted = await sql<{ id: number }>`
        INSERT INTO staff_on_signboard (jurisdiction_id, zone_kind, shown) VALUES (${jurisdictionId}, ${zoneKind}, ${body.shown}) RETURNING id`.execute(tx)
      id = inserted.rows[0]!.id
    }
    const { rows: written } = await sql<SettingRow>`${select} WHERE s.id = ${id}`.execute(tx)
    return { created: !row, setting: view(written[0]!) }
  })
}
