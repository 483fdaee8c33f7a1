import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuditQuery, auditWanted, withAudit } from '../coverage/coverage.schemas.js'
import { errorResponses, IdParams } from '../kernel/schemas.js'
import {
  AssignmentList,
  AssignmentListQuery,
  CreateAssignmentBody,
  EndAssignmentBody,
  WrittenAssignment,
} from './assignments.schemas.js'
import { assertZoneInScope, assertZoneReadable, assertZonesInScopeLocked, installPhoneMasking } from '../auth/scope.js'
import type { DbOrTx } from '../db/database.js'
import { findZoneById } from '../zones/zones.repository.js'
import { assignParty, endAssignment, zoneAssignments } from './assignments.service.js'

/** Assignments: who holds a zone's duty, and from when to when. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Private phones leave the server masked unless the caller has parties.contact in scope.
  installPhoneMasking(app)
  const errors = errorResponses(400, 404, 409, 413, 415, 422)

  app.get(
    '/zones/:id/assignments',
    {
      config: { access: 'zones.read' },
      schema: {
        tags: ['assignments'],
        summary: "A zone's assignments, newest first (its history)",
        params: IdParams,
        querystring: AssignmentListQuery,
        response: { 200: AssignmentList, ...errors },
      },
    },
    async (request) => {
      if (await findZoneById(app.db, request.params.id)) await assertZoneReadable(app.db, request.actor!, 'zones.read', request.params.id)
      return zoneAssignments(app.db, request.params.id, request.query.duty)
    },
  )

  app.post(
    '/zones/:id/assignments',
    {
      config: { access: 'assignments.edit' },
      schema: {
        tags: ['assignments'],
        summary: 'Give a zone a new chief, department, merchant or fall-back party',
        description:
          'Closes the open assignment of that duty at `from` (default now) and opens the new one there; history is kept. ' +
          'Naming the current holder again changes nothing (200).',
        params: IdParams,
        querystring: AuditQuery,
        body: CreateAssignmentBody,
        response: { 200: WrittenAssignment, 201: WrittenAssignment, ...errors },
      },
    },
    async (request, reply) => {
      await assertZoneInScope(app.db, request.actor!, 'assignments.edit', request.params.id)
      const { created, assignment, audit } = await assignParty(app.db, request.params.id, request.body, {
        audit: auditWanted(request.query),
        // Again inside the transaction, on the zone's locked chain.
        checkScope: (tx) => assertZonesInScopeLocked(tx, request.actor!, 'assignments.edit', [request.params.id]),
      })
      return reply.status(created ? 201 : 200).send(withAudit(assignment, audit))
    },
  )

  app.post(
    '/assignments/:id/end',
    {
      config: { access: 'assignments.edit' },
      schema: {
        tags: ['assignments'],
        summary: 'End an open assignment at `to` (default now)',
        params: IdParams,
        querystring: AuditQuery,
        body: EndAssignmentBody,
        response: { 200: WrittenAssignment, ...errors },
      },
    },
    async (request) => {
      const ended = await app.db.selectFrom('assignment').select('zone_id').where('id', '=', request.params.id).executeTakeFirst()
      if (ended) await assertZoneInScope(app.db, request.actor!, 'assignments.edit', ended.zone_id)
      const { assignment, audit } = await endAssignment(app.db, request.params.id, request.body, {
        audit: auditWanted(request.query),
        ...(ended ? { checkScope: (tx: DbOrTx) => assertZonesInScopeLocked(tx, request.actor!, 'assignments.edit', [ended.zone_id]) } : {}),
      })
      return withAudit(assignment, audit)
    },
  )
}

export default routes
