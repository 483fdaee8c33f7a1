import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../kernel/schemas.js'
import { CoverageParams, CoverageQuery, CoverageReport, JurisdictionList } from './coverage.schemas.js'
import { auditJurisdiction, findJurisdictionByCode, listJurisdictions } from './coverage.service.js'
import { assertZoneReadable, zonesInScopeSql } from '../auth/scope.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/jurisdictions',
    {
      config: { access: 'zones.read' },
      schema: {
        tags: ['coverage'],
        summary: 'Every jurisdiction (district, sub-district, community), for pickers',
        response: { 200: JurisdictionList, ...errorResponses() },
      },
    },
    async (request) => listJurisdictions(app.db, zonesInScopeSql(request.actor!, 'zones.read', { context: true })),
  )

  app.get(
    '/coverage/:code',
    {
      config: { access: 'zones.read' },
      schema: {
        tags: ['coverage'],
        summary: 'Coverage audit of a jurisdiction: no area unowned, none owned twice',
        description:
          'Gaps (the jurisdiction minus the union of its grids), overlapping grid pairs, grids spilling over ' +
          'its edge, street centre line owned by no segment, and zones and categories with nobody answering ' +
          'for them. Areas in m² and lengths in m on the ground; geometries are GeoJSON.',
        params: CoverageParams,
        querystring: CoverageQuery,
        response: { 200: CoverageReport, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const id = await findJurisdictionByCode(app.db, request.params.code, request.query.kind)
      await assertZoneReadable(app.db, request.actor!, 'zones.read', id)
      return auditJurisdiction(app.db, id)
    },
  )
}

export default routes
