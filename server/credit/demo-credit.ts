import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { appendPoints } from './credit.ledger.js'
import { merchantOfFrontage } from './credit.repository.js'

/**
 * The demo's 门前三包 credit records (data/demo/credit.json): a merchant with a yellow card, one
 * with a points history of inspections and points by hand. Dated days before loading, so they come
 * before the rules' start and no rule counts them. Loaded once: a second call finds them.
 */
export const DEMO_CREDIT_FILE = fileURLToPath(new URL('../../data/demo/credit.json', import.meta.url))
const DEMO_LOGIN = 'demo'
const DAY_MS = 86_400_000

type Entry = { frontage: string; days_ago: number } & (
  | { kind: 'inspection'; passed: boolean; findings?: string; points?: number }
  | { kind: 'points'; delta: number; reason: string }
  | { kind: 'card'; colour: 'yellow' | 'red'; reason: string; expires_in_days?: number }
)

export async function loadDemoCredit(db: Db, now: Date = new Date()): Promise<number> {
  const { entries } = JSON.parse(await readFile(DEMO_CREDIT_FILE, 'utf8')) as { entries: Entry[] }
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM credit_inspection WHERE inspector_login = ${DEMO_LOGIN})::int
           + (SELECT count(*) FROM credit_card WHERE given_by_login = ${DEMO_LOGIN})::int
           + (SELECT count(*) FROM credit_points WHERE by_login = ${DEMO_LOGIN})::int AS n`.execute(tx)
    if (rows[0]!.n > 0) return 0
    let loaded = 0
    for (const entry of [...entries].sort((a, b) => b.days_ago - a.days_ago)) {
      const zone = await tx.selectFrom('zone').select(['id', 'code']).where('kind', '=', 'frontage').where('code', '=', entry.frontage).executeTakeFirst()
      const partyId = zone ? await merchantOfFrontage(tx, zone.id) : null
      if (!zone || partyId === null) continue
      const at = new Date(now.getTime() - entry.days_ago * DAY_MS)
      const by = { byAccountId: null, byLogin: DEMO_LOGIN }
      if (entry.kind === 'inspection') {
        const inserted = await sql<{ id: number }>`
          INSERT INTO credit_inspection (party_id, zone_id, zone_code, at, passed, findings, inspector_login, inspector_name)
          VALUES (${partyId}, ${zone.id}, ${zone.code}, ${at}, ${entry.passed}, ${entry.findings ?? null}, ${DEMO_LOGIN}, '天水街道城管中队（演示）')
          RETURNING id`.execute(tx)
        if (entry.points !== undefined) {
          await appendPoints(tx, {
            partyId, zoneId: zone.id, zoneCode: zone.code, delta: entry.points, source: 'inspection', inspectionId: inserted.rows[0]!.id, at, ...by,
            reason: `检查${entry.passed ? '合格' : '不合格'}${entry.findings ? `：${entry.findings}` : ''}`,
          })
        }
      } else if (entry.kind === 'points') {
        await appendPoints(tx, { partyId, zoneId: zone.id, zoneCode: zone.code, delta: entry.delta, reason: entry.reason, source: 'hand', at, ...by })
      } else {
        const expires = entry.expires_in_days === undefined ? null : new Date(now.getTime() + entry.expires_in_days * DAY_MS)
        await sql`
          INSERT INTO credit_card (party_id, zone_id, zone_code, colour, reason, source, given_by_login, given_at, expires_at)
          VALUES (${partyId}, ${zone.id}, ${zone.code}, ${entry.colour}, ${entry.reason}, 'hand', ${DEMO_LOGIN}, ${at}, ${expires})`.execute(tx)
      }
      loaded++
    }
    return loaded
  })
}
