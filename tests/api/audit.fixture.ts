import { sql } from 'kysely'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import type { Db } from '../../server/db/database.js'

/** A point inside a zone, rounded to 4 decimals (about 10 m), for a tiny grid drawn there. */
export async function pointIn(db: Db, zoneId: number): Promise<[number, number]> {
  const { rows } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE id = ${zoneId}) AS s`.execute(db)
  return [Math.round(Number(rows[0]!.lon) * 1e4) / 1e4, Math.round(Number(rows[0]!.lat) * 1e4) / 1e4]
}

/** An API token of a demo account, made as `npm run user -- token` would. */
export async function tokenFor(db: Db, login: string): Promise<string> {
  const accountId = await accountIdByLogin(db, login)
  if (accountId === undefined) throw new Error(`no demo account ${login}`)
  const token = `audit-test-${login.replace(/\W/g, '-')}-${Math.random().toString(36).slice(2)}xxxxxxxx`
  await createApiToken(db, accountId, token, 'audit test')
  return token
}

