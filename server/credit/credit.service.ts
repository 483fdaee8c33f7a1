import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import type { Actor } from '../auth/actor.js'
import { assertGlobalScope, assertZonesInScopeLocked } from '../auth/scope.js'
import { failIfAny } from '../cases/cases.intake.js'
import { badRequest, DomainError, notFound, type ErrorDetail } from '../errors.js'
import { appendPoints } from './credit.ledger.js'
import { cardsOf, merchantOfFrontage, type CardView } from './credit.repository.js'
import { readTime } from './credit.rules.js'
import type { CardBody, InspectionBody, PointsBody, RevokeBody } from './credit.schemas.js'

/**
 * The writes of the credit record: a card by hand, its revocation, points by hand, an inspection.
 * Each is one transaction, checks the caller's credit.edit scope on the frontage inside it (the
 * zone's chain locked, server/auth/scope.ts), and writes nothing when any field is wrong.
 */

/** An inspection may be entered up to this long after the clock says now (phones' clocks drift). */
const CLOCK_SKEW_MS = 5 * 60_000

function readReason(value: string, field: string, details: ErrorDetail[]): string {
  const reason = value.trim()
  if (reason === '') details.push({ field, reason: 'must not be blank' })
  return reason
}

/** The frontage a write is about, with its current merchant; 400 naming the field when it is not one. */
async function frontageOf(tx: DbOrTx, zoneId: number, partyId: number | undefined): Promise<{ zoneId: number; code: string; partyId: number }> {
  const zone = await tx.selectFrom('zone').select(['id', 'kind', 'code']).where('id', '=', zoneId).executeTakeFirst()
  if (!zone) throw badRequest('invalid_field', `zone_id: no zone has the id ${zoneId}`, [{ field: 'zone_id', reason: 'no such zone' }])
  if (zone.kind !== 'frontage') {
    throw badRequest('invalid_field', `zone_id: zone ${zone.code} is a ${zone.kind}; credit records are kept for 门前三包 frontages`, [
      { field: 'zone_id', reason: 'is not a frontage' },
    ])
  }
  const merchant = await merchantOfFrontage(tx, zone.id)
  if (partyId === undefined) {
    if (merchant === null) throw badRequest('invalid_party', `party_id: frontage ${zone.code} has no merchant now; name the party`, [{ field: 'party_id', reason: 'is required: the frontage has no merchant' }])
    return { zoneId: zone.id, code: zone.code, partyId: merchant }
  }
  if (merchant !== partyId) {
    throw badRequest('invalid_party', `party_id: party ${partyId} is not the merchant of frontage ${zone.code} now`, [
      { field: 'party_id', reason: 'is not the frontage\'s current merchant' },
    ])
  }
  return { zoneId: zone.id, code: zone.code, partyId }
}

export async function giveCard(db: Db, actor: Actor, body: CardBody, now: Date = new Date()): Promise<CardView> {
  const details: ErrorDetail[] = []
  const reason = readReason(body.reason, 'reason', details)
  const expires = readTime(body.expires_at, 'expires_at', details)
  if (expires && expires.getTime() <= now.getTime()) details.push({ field: 'expires_at', reason: 'must be in the future' })
  failIfAny(details, 'card')
  return db.transaction().execute(async (tx) => {
    const frontage = await frontageOf(tx, body.zone_id, body.party_id)
    await assertZonesInScopeLocked(tx, actor, 'credit.edit', [frontage.zoneId])
    const { rows } = await sql<{ id: number }>`
      INSERT INTO credit_card (party_id, zone_id, zone_code, colour, reason, source, given_by, given_by_login, given_at, expires_at)
      VALUES (${frontage.partyId}, ${frontage.zoneId}, ${frontage.code}, ${body.colour}, ${reason}, 'hand', ${actor.accountId}, ${actor.login}, ${now}, ${expires})
      RETURNING id`.execute(tx)
    return (await cardsOf(tx, sql`k.id = ${rows[0]!.id}`, now))[0]!
  })
}

export async function revokeCard(db: Db, actor: Actor, id: number, body: RevokeBody, now: Date = new Date()): Promise<CardView> {
  const details: ErrorDetail[] = []
  const reason = readReason(body.reason, 'reason', details)
  failIfAny(details, 'revocation')
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ id: number; zone_id: number | null; zone_code: string; version: number; revoked_at: Date | null }>`
      SELECT id, zone_id, zone_code, version, revoked_at FROM credit_card WHERE id = ${id} FOR UPDATE`.execute(tx)
    const card = rows[0]
    if (!card) throw notFound(`Card ${id}`)
    if (card.zone_id === null) await assertGlobalScope(tx, actor, 'credit.edit', `card ${id} (its frontage ${card.zone_code} is gone)`)
    else await assertZonesInScopeLocked(tx, actor, 'credit.edit', [card.zone_id])
    if (card.version !== body.version) {
      throw new DomainError('version_conflict', `Card ${id} was changed by someone else: you sent version ${body.version}, it is at version ${card.version}`, {
        current_version: card.version,
      })
    }
    if (card.revoked_at !== null) throw new DomainError('already_ended', `Card ${id} was revoked already`)
    await sql`
      UPDATE credit_card SET revoked_at = ${now}, revoked_reason = ${reason}, revoked_by = ${actor.accountId}, revoked_by_login = ${actor.login},
             version = version + 1
      WHERE id = ${id}`.execute(tx)
    return (await cardsOf(tx, sql`k.id = ${id}`, now))[0]!
  })
}

export async function addPoints(db: Db, actor: Actor, body: PointsBody) {
  const details: ErrorDetail[] = []
  const reason = readReason(body.reason, 'reason', details)
  if (body.delta === 0) details.push({ field: 'delta', reason: 'must not be 0' })
  failIfAny(details, 'points')
  return db.transaction().execute(async (tx) => {
    const frontage = await frontageOf(tx, body.zone_id, body.party_id)
    await assertZonesInScopeLocked(tx, actor, 'credit.edit', [frontage.zoneId])
    const entry = await appendPoints(tx, {
      partyId: frontage.partyId, zoneId: frontage.zoneId, zoneCode: frontage.code, delta: body.delta, reason, source: 'hand',
      byAccountId: actor.accountId, byLogin: actor.login,
    })
    return { id: entry.id, party_id: frontage.partyId, zone_code: frontage.code, delta: body.delta, balance_after: entry.balance_after, reason, source: 'hand' }
  })
}

export async function recordInspection(db: Db, actor: Actor, body: InspectionBody, now: Date = new Date()) {
  const details: ErrorDetail[] = []
  const at = readTime(body.at, 'at', details) ?? now
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) details.push({ field: 'at', reason: 'must not be in the future' })
  if (at.getTime() < Date.UTC(2000, 0, 1)) details.push({ field: 'at', reason: 'must be after 2000-01-01' })
  const findings = body.findings?.trim() || null
  if (!body.passed && findings === null) details.push({ field: 'findings', reason: 'are required when the inspection failed' })
  if (body.points === 0) details.push({ field: 'points', reason: 'must not be 0' })
  failIfAny(details, 'inspection')
  return db.transaction().execute(async (tx) => {
    const frontage = await frontageOf(tx, body.zone_id, body.party_id)
    await assertZonesInScopeLocked(tx, actor, 'credit.edit', [frontage.zoneId])
    const { rows } = await sql<{ id: number }>`
      INSERT INTO credit_inspection (party_id, zone_id, zone_code, at, passed, findings, inspector_account_id, inspector_login, inspector_name)
      VALUES (${frontage.partyId}, ${frontage.zoneId}, ${frontage.code}, ${at}, ${body.passed}, ${findings}, ${actor.accountId}, ${actor.login}, ${actor.displayName})
      RETURNING id`.execute(tx)
    const id = rows[0]!.id
    let points: { id: number; delta: number; balance_after: number } | null = null
    if (body.points !== undefined) {
      const entry = await appendPoints(tx, {
        partyId: frontage.partyId, zoneId: frontage.zoneId, zoneCode: frontage.code, delta: body.points,
        reason: `检查${body.passed ? '合格' : '不合格'}${findings ? `：${findings}` : ''}`, source: 'inspection', inspectionId: id,
        byAccountId: actor.accountId, byLogin: actor.login,
      })
      points = { id: entry.id, delta: body.points, balance_after: entry.balance_after }
    }
    return {
      id, party_id: frontage.partyId, zone_id: frontage.zoneId, zone_code: frontage.code, at: at.toISOString(), passed: body.passed, findings,
      inspector: actor.login, inspector_name: actor.displayName, points,
    }
  })
}
