import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../kernel/schemas.js'
import { CoverageParams, CoverageQuery, CoverageReport, JurisdictionList } from './coverage.schemas.js'
import { auditJurisdictionByCode, listJurisdictions } from './coverage.service.js'

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
    async () => listJurisdictions(app.db),
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
    async (request) => auditJurisdictionByCode(app.db, request.params.code, request.query.kind),
  )
}

export default routes
