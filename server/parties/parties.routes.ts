import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuditQuery, auditWanted, type AuditEffect } from '../coverage/coverage.schemas.js'
import { errorResponses, IdParams } from '../kernel/schemas.js'
import {
  AssignmentList,
  AssignmentListQuery,
  CreateAssignmentBody,
  EndAssignmentBody,
  WrittenAssignment,
} from '../assignments/assignments.schemas.js'
import {
  CategoryList,
  Category,
  CategoryRouteList,
  CreateCategoryBody,
  DeletedRoute,
  SetCategoryRouteBody,
  WrittenCategoryRoute,
  ZoneCategoryParams,
} from '../categories/categories.schemas.js'
import { CreatePartyBody, Party, PartyList, PartyListQuery, UpdatePartyBody, VersionQuery } from './parties.schemas.js'
import { listCategories } from '../categories/categories.repository.js'
import { assignParty, endAssignment, zoneAssignments } from '../assignments/assignments.service.js'
import { createCategory, deleteZoneCategoryRoute, setZoneCategoryRoute, zoneCategoryRoutes } from '../categories/categories.service.js'
import { createParty, deleteParty, getParty, searchParties, updateParty } from './parties.service.js'

const withAudit = <T extends object>(body: T, audit: AuditEffect | undefined) => ({ ...body, ...(audit ? { audit } : {}) })

/** Parties (chiefs, departments, merchants, fall-back parties), their assignments to zones, and category routing. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const errors = errorResponses(400, 404, 409, 413, 415, 422)
  const deleted = { type: 'null', description: 'Deleted' } as const

  app.get(
    '/parties',
    {
      schema: {
        tags: ['parties'],
        summary: 'Find parties by type and name or phone, with the zones each answers for now',
        querystring: PartyListQuery,
        response: { 200: PartyList, ...errorResponses(400) },
      },
    },
    async (request) => searchParties(app.db, request.query),
  )

  app.get(
    '/parties/:id',
    { schema: { tags: ['parties'], summary: 'One party', params: IdParams, response: { 200: Party, ...errorResponses(400, 404) } } },
    async (request) => getParty(app.db, request.params.id),
  )

  app.post(
    '/parties',
    {
      schema: {
        tags: ['parties'],
        summary: 'Create a party; department names are unique',
        body: CreatePartyBody,
        response: { 201: Party, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await createParty(app.db, request.body)),
  )

  app.patch(
    '/parties/:id',
    {
      schema: {
        tags: ['parties'],
        summary: 'Change a party, naming the version edited (a stale one is a 409)',
        params: IdParams,
        body: UpdatePartyBody,
        response: { 200: Party, ...errors },
      },
    },
    async (request) => updateParty(app.db, request.params.id, request.body),
  )

  app.delete(
    '/parties/:id',
    {
      schema: {
        tags: ['parties'],
        summary: 'Delete a party that answers for nothing and has no history',
        params: IdParams,
        querystring: VersionQuery,
        response: { 204: deleted, ...errors },
      },
    },
    async (request, reply) => {
      await deleteParty(app.db, request.params.id, request.query.version)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/zones/:id/assignments',
    {
      schema: {
        tags: ['assignments'],
        summary: "A zone's assignments, newest first (its history)",
        params: IdParams,
        querystring: AssignmentListQuery,
        response: { 200: AssignmentList, ...errors },
      },
    },
    async (request) => zoneAssignments(app.db, request.params.id, request.query.duty),
  )

  app.post(
    '/zones/:id/assignments',
    {
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
      const { created, assignment, audit } = await assignParty(app.db, request.params.id, request.body, { audit: auditWanted(request.query) })
      return reply.status(created ? 201 : 200).send(withAudit(assignment, audit))
    },
  )

  app.post(
    '/assignments/:id/end',
    {
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
      const { assignment, audit } = await endAssignment(app.db, request.params.id, request.body, { audit: auditWanted(request.query) })
      return withAudit(assignment, audit)
    },
  )

  app.get(
    '/categories',
    { schema: { tags: ['categories'], summary: 'Problem categories', response: { 200: CategoryList, ...errorResponses() } } },
    async () => listCategories(app.db),
  )

  app.post(
    '/categories',
    {
      schema: { tags: ['categories'], summary: 'Add a problem category', body: CreateCategoryBody, response: { 201: Category, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createCategory(app.db, request.body.name)),
  )

  app.get(
    '/zones/:id/categories',
    {
      schema: {
        tags: ['categories'],
        summary: "The department for each category at a zone: set there, or inherited from the nearest ancestor that sets it",
        params: IdParams,
        response: { 200: CategoryRouteList, ...errorResponses(400, 404) },
      },
    },
    async (request) => zoneCategoryRoutes(app.db, request.params.id),
  )

  app.put(
    '/zones/:id/categories/:category',
    {
      schema: {
        tags: ['categories'],
        summary: 'Route a category to a department at this zone (and the zones below it)',
        params: ZoneCategoryParams,
        querystring: AuditQuery,
        body: SetCategoryRouteBody,
        response: { 200: WrittenCategoryRoute, ...errors },
      },
    },
    async (request) => {
      const { route, audit } = await setZoneCategoryRoute(app.db, request.params.id, request.params.category, request.body, {
        audit: auditWanted(request.query),
      })
      return withAudit(route, audit)
    },
  )

  app.delete(
    '/zones/:id/categories/:category',
    {
      schema: {
        tags: ['categories'],
        summary: "Remove this zone's own route for a category (an inherited one applies again)",
        params: ZoneCategoryParams,
        querystring: AuditQuery,
        response: { 200: DeletedRoute, ...errors },
      },
    },
    async (request) => {
      const { audit } = await deleteZoneCategoryRoute(app.db, request.params.id, request.params.category, { audit: auditWanted(request.query) })
      return withAudit({ deleted: true as const }, audit)
    },
  )
}

export default routes
