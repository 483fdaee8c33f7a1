import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { assertGlobalScope, zonesInScopeSql } from '../auth/scope.js'
import { badRequest } from '../errors.js'
import { errorResponses } from '../kernel/schemas.js'
import { AssessmentQuerystring, AssessmentReportSchema, PutRulesBody, RulesSchema } from './assessment.schemas.js'
import { computeAssessment } from './compute.js'
import { readPeriodQuery } from './period.js'
import { loadRules, updateRules } from './rules.js'

/** Assessment (考核): indicators per period and unit, the district's rules (docs/assessment.md) */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['assessment']

  app.get(
    '/assessment',
    {
      config: { access: 'assessment.read' },
      schema: {
        tags,
        summary: 'Indicators, rates and scores of a period, one row per grid, street, community, sub-district, department or person in your scope',
        querystring: AssessmentQuerystring,
        response: { 200: AssessmentReportSchema, ...errorResponses(400, 403) },
      },
    },
    async (request) => {
      const read = readPeriodQuery(request.query)
      if ('problems' in read) {
        throw badRequest('invalid_request', `Invalid assessment query: ${read.problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`, read.problems)
      }
      const inScope = zonesInScopeSql(request.actor!, 'assessment.read')
      const scopeZoneIds = inScope === null ? null : (await sql<{ id: number }>`SELECT id FROM zone WHERE id IN ${inScope}`.execute(app.db)).rows.map((row) => row.id)
      return computeAssessment(app.db, { ...read, scopeZoneIds })
    },
  )

  app.get(
    '/assessment/rules',
    {
      config: { access: 'assessment.read' },
      schema: { tags, summary: "The district's assessment rules (考核办法) in force: weights, thresholds, floors, what counts", response: { 200: RulesSchema, ...errorResponses(403) } },
    },
    async () => loadRules(app.db),
  )

  app.put(
    '/assessment/rules',
    {
      config: { access: 'assessment.configure' },
      schema: {
        tags,
        summary: 'Change the assessment rules (name only what changes; optimistic version; scope all)',
        body: PutRulesBody,
        response: { 200: RulesSchema, ...errorResponses(400, 403, 409) },
      },
    },
    async (request) => {
      await assertGlobalScope(app.db, request.actor!, 'assessment.configure', 'The assessment rules')
      return updateRules(app.db, request.body as Record<string, unknown>)
    },
  )
}

export default routes
