import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { appendAudit } from '../audit/audit.repository.js'
import type { Actor } from '../auth/actor.js'
import { assertGlobalScope, assertZoneReadable, hasGlobalScope, contactableParties, installPhoneMasking, zonesInScope, zonesInScopeSql } from '../auth/scope.js'
import { subtreeOf } from '../db/zone-tree.js'
import { DomainError } from '../errors.js'
import { errorResponses } from '../kernel/schemas.js'
import './credit-audit.js'
import './credit-jobs.js'
import { evaluateCredit } from './credit.evaluate.js'
import { merchantsCsv } from './credit-export.js'
import { listMerchants, merchantOfFrontage, merchantRecord, zoneByCode, zonesOfRecord } from './credit.repository.js'
import { currentRuleSet, writeRuleSet } from './credit.rules.js'
import {
  CardBody, CardParams, EvaluateBody, InspectionBody, ListQuery, OpenObject, PartyParams, PointsBody, RevokeBody, RulesBody, ZoneParams,
} from './credit.schemas.js'
import { addPoints, giveCard, recordInspection, revokeCard } from './credit.service.js'

const errors = errorResponses(400, 403, 404, 409, 422)
const tags = ['credit']

/** 门前三包 credit: merchants' records, red and yellow cards, points (docs/credit.md) */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Merchants' phones: private ones masked unless parties.contact in scope, as everywhere.
  installPhoneMasking(app)

  /** A merchant's record is readable when one zone it touches lies in the caller's credit.read scope. */
  const assertRecordReadable = async (actor: Actor, partyId: number) => {
    if (hasGlobalScope(actor, 'credit.read')) return
    const zones = await zonesOfRecord(app.db, partyId)
    if ((await zonesInScope(app.db, actor, 'credit.read', zones)).size > 0) return
    throw new DomainError('out_of_scope', `Merchant ${partyId}: none of their frontages lies inside your credit.read scope`, { permission: 'credit.read', party_id: partyId })
  }

  app.get(
    '/credit/merchants',
    { config: { access: 'credit.read' }, schema: { tags, summary: 'Merchants of frontages in your scope, with cards in force, points and recent cases', querystring: ListQuery, response: { 200: OpenObject, ...errors } } },
    async (request) => {
      const query = request.query
      const zoneId = query.zone === undefined ? null : await zoneByCode(app.db, query.zone)
      return listMerchants(app.db, {
        zoneId, scope: zonesInScopeSql(request.actor!, 'credit.read'), card: query.card, sort: query.sort, limit: query.limit ?? 100, offset: query.offset ?? 0,
      })
    },
  )

  app.get(
    '/credit/merchants/:partyId',
    { config: { access: 'credit.read' }, schema: { tags, summary: "A merchant's record: frontages, cases on their strips, inspections, cards, points", params: PartyParams, response: { 200: OpenObject, ...errors } } },
    async (request) => {
      const record = await merchantRecord(app.db, request.params.partyId)
      await assertRecordReadable(request.actor!, request.params.partyId)
      return record
    },
  )

  app.get(
    '/credit/frontages/:zoneId',
    { config: { access: 'credit.read' }, schema: { tags, summary: "A frontage's current merchant and their record (the zone panel's section)", params: ZoneParams, response: { 200: OpenObject, ...errors } } },
    async (request) => {
      const zone = await app.db.selectFrom('zone').select(['id', 'kind', 'code', 'name']).where('id', '=', request.params.zoneId).executeTakeFirst()
      if (!zone) throw new DomainError('not_found', `Zone ${request.params.zoneId} not found`)
      await assertZoneReadable(app.db, request.actor!, 'credit.read', zone.id)
      const partyId = zone.kind === 'frontage' ? await merchantOfFrontage(app.db, zone.id) : null
      return { zone, merchant: partyId === null ? null : await merchantRecord(app.db, partyId) }
    },
  )

  app.post(
    '/credit/cards',
    { config: { access: 'credit.edit' }, schema: { tags, summary: 'Give a red or yellow card by hand (reason required)', body: CardBody, response: { 201: OpenObject, ...errors } } },
    async (request, reply) => reply.status(201).send(await giveCard(app.db, request.actor!, request.body)),
  )

  app.post(
    '/credit/cards/:id/revoke',
    { config: { access: 'credit.edit' }, schema: { tags, summary: 'Revoke a card (reason and the version read)', params: CardParams, body: RevokeBody, response: { 200: OpenObject, ...errors } } },
    async (request) => revokeCard(app.db, request.actor!, request.params.id, request.body),
  )

  app.post(
    '/credit/points',
    { config: { access: 'credit.edit' }, schema: { tags, summary: "Add or deduct points on a merchant's ledger (reason required)", body: PointsBody, response: { 201: OpenObject, ...errors } } },
    async (request, reply) => reply.status(201).send(await addPoints(app.db, request.actor!, request.body)),
  )

  app.post(
    '/credit/inspections',
    { config: { access: 'credit.edit' }, schema: { tags, summary: 'Record an inspection of a frontage (findings required when failed)', body: InspectionBody, response: { 201: OpenObject, ...errors } } },
    async (request, reply) => reply.status(201).send(await recordInspection(app.db, request.actor!, request.body)),
  )

  app.get(
    '/credit/rules',
    { config: { access: 'credit.read' }, schema: { tags, summary: 'The credit rules in force (their version, for a change)', response: { 200: OpenObject, ...errors } } },
    async () => currentRuleSet(app.db),
  )

  app.put(
    '/credit/rules',
    { config: { access: 'credit.edit' }, schema: { tags, summary: 'Replace the credit rules (a new version; scope all; the version read)', body: RulesBody, response: { 200: OpenObject, ...errors } } },
    async (request) => {
      const actor = request.actor!
      await assertGlobalScope(app.db, actor, 'credit.edit', 'The credit rules')
      await app.db.transaction().execute((tx) => writeRuleSet(tx, actor, request.body))
      return currentRuleSet(app.db)
    },
  )

  app.post(
    '/credit/evaluate',
    { config: { access: 'credit.edit' }, schema: { tags, summary: 'Evaluate the rules now, on the frontages in your scope (idempotent)', body: EvaluateBody, response: { 200: OpenObject, ...errors } } },
    async (request) => {
      const actor = request.actor!
      const scope = zonesInScopeSql(actor, 'credit.edit')
      let zones = scope
      if (request.body.zone !== undefined) {
        const zoneId = await zoneByCode(app.db, request.body.zone)
        await assertZoneReadable(app.db, actor, 'credit.edit', zoneId)
        const under = sql`(WITH RECURSIVE ${subtreeOf('below', zoneId)} SELECT id FROM below)`
        zones = scope === null ? under : sql`(SELECT id FROM ${under} AS u(id) WHERE id IN ${scope})`
      }
      const fired = await evaluateCredit(app.db, { zones })
      return { fired: fired.length, firings: fired }
    },
  )

  app.get(
    '/credit/export.csv',
    { config: { access: 'credit.read' }, schema: { tags, summary: 'The merchants list as CSV (UTF-8 with BOM); phones masked unless parties.contact (recorded)', querystring: ListQuery } },
    async (request, reply) => {
      const actor = request.actor!
      const query = request.query
      const zoneId = query.zone === undefined ? null : await zoneByCode(app.db, query.zone)
      const { merchants } = await listMerchants(app.db, {
        zoneId, scope: zonesInScopeSql(actor, 'credit.read'), card: query.card, sort: query.sort, limit: query.limit ?? 100_000, offset: query.offset ?? 0,
      })
      const may = await contactableParties(app.db, actor, merchants.map((row) => row.id))
      const { text, personal } = merchantsCsv(merchants, may)
      await appendAudit(app.db, {
        accountId: actor.accountId, login: actor.login, via: actor.via, address: request.ip, userAgent: request.headers['user-agent'] ?? null,
        action: personal ? 'export.personal' : 'export.data', objectType: 'credit_merchants', objectId: null, objectCode: query.zone ?? null,
        outcome: 'ok', status: 200, method: 'GET', path: request.url, route: '/api/credit/export.csv',
        after: { rows: merchants.length, phones_unmasked: personal },
      })
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="credit-merchants.csv"; filename*=UTF-8''${encodeURIComponent('门前三包商户信用.csv')}`)
        .send(text)
    },
  )
}

export default routes
