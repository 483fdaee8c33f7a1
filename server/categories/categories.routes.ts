import { assertGlobalScope, assertZoneInScope, assertZoneReadable, assertZonesInScopeLocked } from '../auth/scope.js'
import { findZoneById } from '../zones/zones.repository.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuditQuery, auditWanted, withAudit } from '../coverage/coverage.schemas.js'
import { errorResponses, IdParams } from '../kernel/schemas.js'
import {
  CategoryList,
  Category,
  CategoryDetail,
  PatchCategoryBody,
  CategoryRouteList,
  CreateCategoryBody,
  DeletedRoute,
  SetCategoryRouteBody,
  WrittenCategoryRoute,
  ZoneCategoryParams,
} from './categories.schemas.js'
import { listCategoryDetails } from './categories.repository.js'
import { createCategory, updateCategory, deleteZoneCategoryRoute, setZoneCategoryRoute, zoneCategoryRoutes } from './categories.service.js'

/** Problem categories and the department each is routed to at a zone. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const errors = errorResponses(400, 404, 409, 413, 415, 422)

  app.get(
    '/categories',
    { config: { access: 'zones.read' }, schema: { tags: ['categories'], summary: 'Problem categories', response: { 200: CategoryList, ...errorResponses() } } },
    async () => listCategoryDetails(app.db),
  )

  app.patch(
    '/categories/:id',
    {
      config: { access: 'cases.configure' },
      schema: {
        tags: ['categories'],
        summary: "Set a category's code, filing and closing conditions, time limit (处置时限) and public flag",
        params: IdParams,
        body: PatchCategoryBody,
        response: { 200: CategoryDetail, ...errors },
      },
    },
    async (request) => {
      await assertGlobalScope(app.db, request.actor!, 'cases.configure', 'A category')
      return updateCategory(app.db, request.params.id, request.body)
    },
  )

  app.post(
    '/categories',
    {
      config: { access: 'categories.edit' },
      schema: { tags: ['categories'], summary: 'Add a problem category', body: CreateCategoryBody, response: { 201: Category, ...errors } },
    },
    async (request, reply) => {
      await assertGlobalScope(app.db, request.actor!, 'categories.edit', 'A new category')
      return reply.status(201).send(await createCategory(app.db, request.body.name))
    },
  )

  app.get(
    '/zones/:id/categories',
    {
      config: { access: 'zones.read' },
      schema: {
        tags: ['categories'],
        summary: "The department for each category at a zone: set there, or inherited from the nearest ancestor that sets it",
        params: IdParams,
        response: { 200: CategoryRouteList, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      if (await findZoneById(app.db, request.params.id)) await assertZoneReadable(app.db, request.actor!, 'zones.read', request.params.id, { context: true })
      return zoneCategoryRoutes(app.db, request.params.id)
    },
  )

  app.put(
    '/zones/:id/categories/:category',
    {
      config: { access: 'categories.edit' },
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
      await assertZoneInScope(app.db, request.actor!, 'categories.edit', request.params.id)
      const { route, audit } = await setZoneCategoryRoute(app.db, request.params.id, request.params.category, request.body, {
        audit: auditWanted(request.query),
        // Again inside the transaction, on the zone's locked chain.
        checkScope: (tx) => assertZonesInScopeLocked(tx, request.actor!, 'categories.edit', [request.params.id]),
      })
      return withAudit(route, audit)
    },
  )

  app.delete(
    '/zones/:id/categories/:category',
    {
      config: { access: 'categories.edit' },
      schema: {
        tags: ['categories'],
        summary: "Remove this zone's own route for a category (an inherited one applies again)",
        params: ZoneCategoryParams,
        querystring: AuditQuery,
        response: { 200: DeletedRoute, ...errors },
      },
    },
    async (request) => {
      await assertZoneInScope(app.db, request.actor!, 'categories.edit', request.params.id)
      const { audit } = await deleteZoneCategoryRoute(app.db, request.params.id, request.params.category, {
        audit: auditWanted(request.query),
        checkScope: (tx) => assertZonesInScopeLocked(tx, request.actor!, 'categories.edit', [request.params.id]),
      })
      return withAudit({ deleted: true as const }, audit)
    },
  )
}

export default routes
