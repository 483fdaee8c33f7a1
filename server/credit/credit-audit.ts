import type { FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { routeAudits, type BeforeState } from '../audit/audit-actions.js'

/**
 * How the credit writes are named in the audit trail. Registered into the trail's route table
 * from here, when the credit routes load, so that the credit feature keeps its own entries (the
 * audit-trail test checks that every write route has one). The export of merchants' phones is
 * recorded by its route (credit.routes.ts), as export.personal when it holds any unmasked.
 */
async function cardBefore(db: Db, request: FastifyRequest): Promise<BeforeState | undefined> {
  const id = Number((request.params as { id?: unknown }).id)
  if (!Number.isSafeInteger(id)) return undefined
  const { rows } = await sql<Record<string, unknown> & { id: number; zone_code: string }>`SELECT * FROM credit_card WHERE id = ${id}`.execute(db)
  const card = rows[0]
  return card && { state: card, object: { type: 'credit_card', id: card.id, code: card.zone_code } }
}

const onFrontage = (answer: Record<string, unknown>) => ({ type: 'credit_merchant', id: answer.party_id as number, code: (answer.zone_code as string | undefined) ?? null })

Object.assign(routeAudits, {
  'POST /api/credit/cards': { action: 'credit.card_give', fromAnswer: (answer: Record<string, unknown>) => ({ type: 'credit_card', id: answer.id as number, code: answer.zone_code as string }) },
  'POST /api/credit/cards/:id/revoke': { action: 'credit.card_revoke', objectType: 'credit_card', before: cardBefore },
  'POST /api/credit/points': { action: 'credit.points', fromAnswer: onFrontage },
  'POST /api/credit/inspections': { action: 'credit.inspection', fromAnswer: onFrontage },
  'PUT /api/credit/rules': { action: 'credit.rules', objectType: 'credit_rules' },
  'POST /api/credit/evaluate': { action: 'credit.evaluate' },
})
