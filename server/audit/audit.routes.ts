import { Readable } from 'node:stream'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DomainError, notFound } from '../errors.js'
import { errorResponses } from '../kernel/schemas.js'
import { parseInstant } from '../kernel/time.js'
import { findZoneById } from '../zones/zones.repository.js'
import { assertZoneInScope, installPhoneMasking } from '../auth/scope.js'
import {
  AuditExportQuery, AuditListQuery, AuditPage, MAX_AUDIT_EXPORT_ROWS, ZoneHistory, ZoneHistoryParams, ZoneHistoryQuery,
} from './audit.schemas.js'
import { allAuditEvents, countAuditEvents, listAuditEvents, zoneHistory, type AuditFilters } from './audit.service.js'
import { csvHeader, csvLine, UTF8_BOM } from './audit-export.js'

function readInstant(text: string | undefined, field: 'from' | 'to'): Date | undefined {
  if (text === undefined) return undefined
  const instant = parseInstant(text)
  if (instant) return instant
  throw new DomainError('invalid_time', `${field}: "${text}" is not an ISO 8601 time`, [
    { field, reason: 'must be an ISO 8601 date or time from 1900 to 9999, e.g. 2026-06-01 or 2026-06-01T09:30:00+08:00' },
  ])
}

function filtersOf(query: { login?: string; action?: string; object_type?: string; object_id?: string; from?: string; to?: string; before?: number }): AuditFilters {
  return {
    ...(query.login === undefined ? {} : { login: query.login }),
    ...(query.action === undefined ? {} : { action: query.action }),
    ...(query.object_type === undefined ? {} : { objectType: query.object_type }),
    ...(query.object_id === undefined ? {} : { objectId: query.object_id }),
    ...(query.from === undefined ? {} : { from: readInstant(query.from, 'from')! }),
    ...(query.to === undefined ? {} : { to: readInstant(query.to, 'to')! }),
    ...(query.before === undefined ? {} : { before: query.before }),
  }
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Before and after states carry holders' phones: private ones come out masked here as everywhere.
  installPhoneMasking(app)
  app.get(
    '/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first',
        description: 'Filters combine; `action` ending in a dot is a prefix (zone.). Page with before=next_before. docs/audit.md.',
        querystring: AuditListQuery,
        response: { 200: AuditPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => listAuditEvents(app.db, filtersOf(request.query), request.query.limit ?? 100),
  )

  app.get(
    '/audit/export',
    {
      config: { access: 'audit.export' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail as a file: CSV (UTF-8 with BOM) or NDJSON',
        description: `Same filters as GET /api/audit; at most ${MAX_AUDIT_EXPORT_ROWS.toLocaleString('en')} events (more is a 400 too_large). Itself recorded (audit.export).`,
        querystring: AuditExportQuery,
        response: { 200: Type.String({ description: 'The file' }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const filters = filtersOf(request.query)
      const count = await countAuditEvents(app.db, filters)
      if (count > MAX_AUDIT_EXPORT_ROWS) {
        throw new DomainError('too_large', `${count} events match; an export holds at most ${MAX_AUDIT_EXPORT_ROWS}: narrow from/to or action`, [
          { field: 'from', reason: `${count} events match, more than ${MAX_AUDIT_EXPORT_ROWS}` },
        ])
      }
      const format = request.query.format ?? 'csv'
      const db = app.db
      async function* lines() {
        if (format === 'csv') yield UTF8_BOM + csvHeader
        for await (const event of allAuditEvents(db, filters)) yield format === 'csv' ? csvLine(event) : JSON.stringify(event) + '\n'
      }
      const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '')
      return reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="jiezhang-audit-${stamp}.${format}"`)
        .header('x-audit-events', String(count))
        .send(Readable.from(lines()) as unknown as string)
    },
  )

  app.get(
    '/zones/:id/history',
    {
      config: { access: 'zones.read' },
      schema: {
        tags: ['zones'],
        summary: "A zone's history: who changed it, its chiefs and its category routes, when, and why",
        params: ZoneHistoryParams,
        querystring: ZoneHistoryQuery,
        response: { 200: ZoneHistory, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      // A deleted zone's history is read by those with the permission anywhere; a standing one in scope.
      if (await findZoneById(app.db, request.params.id)) await assertZoneInScope(app.db, request.actor!, 'zones.read', request.params.id)
      const events = await zoneHistory(app.db, request.params.id, request.query.limit ?? 200)
      // A deleted zone keeps its history; an id that never had a zone or an event is a 404.
      if (events.length === 0 && !(await findZoneById(app.db, request.params.id))) throw notFound(`Zone ${request.params.id}`)
      return { events }
    },
  )
}

export default routes
