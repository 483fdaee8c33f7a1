import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { assertGlobalScope } from '../auth/scope.js'
import { loadRules } from '../assessment/rules.js'
import { errorResponses } from '../kernel/schemas.js'
import { printable } from '../signboards/printable-text.js'
import { writeBulletinPdf } from './bulletin-pdf.js'
import { lastWholeMonth } from './period.js'
import { loadPublication, updatePublication } from './publication.js'
import { NOT_PUBLISHED_PAGE, publicRankingsHtml, PUBLIC_RANKINGS_CSP } from './public-page.js'
import { ExportQuery, FileAnswer, HtmlPage, PublicationAnswer, PublicationBody, RankingAnswer, RankingQuery } from './reports.schemas.js'
import { contextOf, rankingOf, readReportQuery, sectionsOf } from './reports.service.js'
import { writeAssessmentXlsx } from './xlsx-writer.js'

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function sendFile(reply: FastifyReply, body: Buffer, contentType: string, fileName: string) {
  return reply
    .header('content-type', contentType)
    .header('content-disposition', `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header('cache-control', 'no-store')
    .send(body)
}

const fileSafe = (text: string) => printable(text).replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 60)

/**
 * Rankings and reports (排行榜, 通报; docs/reports.md): the ranked table with the change since the
 * period before, the Excel export, the monthly PDF bulletin, what is published, and the public
 * page /p/rankings. Registered without a prefix: the public page lives outside /api. The exports
 * are recorded in the audit trail by route (server/audit/audit-actions.ts).
 */
const reportsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['reports']

  // The public page carries no script: its own policy, stricter than the map app's (set after the app-wide one).
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/p/')) reply.header('content-security-policy', PUBLIC_RANKINGS_CSP)
    return payload
  })

  app.get(
    '/api/assessment/ranking',
    {
      config: { access: 'assessment.read' },
      schema: {
        tags,
        summary: 'A ranked table (排行榜) of one unit kind in your scope, with each unit\'s rank, value and change since the period before',
        description: 'Ties share a rank (1, 2, 2, 4); units without a value (a rate with nothing to divide by) come last, unranked. The period before is the month before a month, the quarter before a quarter, otherwise the same length before.',
        querystring: RankingQuery,
        response: { 200: RankingAnswer, ...errorResponses(400, 403) },
      },
    },
    async (request) => {
      const query = readReportQuery(request.query, { what: 'ranking query' })
      const [section] = await sectionsOf(app.db, request.actor!, query)
      return section!.ranking
    },
  )

  app.get(
    '/api/assessment/export.xlsx',
    {
      config: { access: 'assessment.read' },
      schema: {
        tags,
        summary: 'The rankings as an Excel workbook: a sheet per unit kind (Chinese headers, numbers as numbers, rates as percentages) and a sheet of the rules and the period',
        querystring: ExportQuery,
        produces: [XLSX_TYPE],
        response: { 200: FileAnswer, ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const query = readReportQuery(request.query, { several: true, what: 'export query' })
      const rules = await loadRules(app.db)
      const sections = await sectionsOf(app.db, request.actor!, query, rules)
      const context = await contextOf(app.db, request.actor!, query.period, rules)
      const body = await writeAssessmentXlsx(sections, context)
      return sendFile(reply, body, XLSX_TYPE, `${fileSafe(context.jurisdictionName)}-考核排行-${fileSafe(context.periodLabel)}.xlsx`)
    },
  )

  app.get(
    '/api/assessment/report.pdf',
    {
      config: { access: 'assessment.read' },
      schema: {
        tags,
        summary: 'The monthly bulletin (月度通报) as PDF: a ranked table per unit kind, the best and the worst, the rules\' thresholds',
        description: 'Typeset as the signboards are (the embedded Chinese font, vector, text searchable). by defaults to grid,street,community.',
        querystring: ExportQuery,
        produces: ['application/pdf'],
        response: { 200: FileAnswer, ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const query = readReportQuery(request.query, { several: true, defaultUnits: ['grid', 'street', 'community'], what: 'report query' })
      const rules = await loadRules(app.db)
      const sections = await sectionsOf(app.db, request.actor!, query, rules)
      const context = await contextOf(app.db, request.actor!, query.period, rules)
      const body = await writeBulletinPdf(sections, context)
      return sendFile(reply, body, 'application/pdf', `${fileSafe(context.jurisdictionName)}-街长制工作月度通报-${fileSafe(context.periodLabel)}.pdf`)
    },
  )

  app.get(
    '/api/assessment/publication',
    {
      config: { access: 'assessment.configure' },
      schema: { tags, summary: 'What the public rankings page /p/rankings shows: on or off, the unit kinds, the indicator ranked by, the indicators shown', response: { 200: PublicationAnswer, ...errorResponses(403) } },
    },
    async () => loadPublication(app.db),
  )

  app.put(
    '/api/assessment/publication',
    {
      config: { access: 'assessment.configure' },
      schema: {
        tags,
        summary: 'Turn the public rankings page on or off and choose what it shows (name only what changes; the version read; scope all)',
        body: PublicationBody,
        response: { 200: PublicationAnswer, ...errorResponses(400, 403, 409) },
      },
    },
    async (request) => {
      await assertGlobalScope(app.db, request.actor!, 'assessment.configure', 'The public rankings page')
      return updatePublication(app.db, request.body)
    },
  )

  app.get(
    '/p/rankings',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The public rankings page (排行榜) of the last whole month, when the district publishes it (404 page when not)',
        produces: ['text/html'],
        response: { 200: HtmlPage, 404: HtmlPage },
      },
    },
    async (_request, reply) => {
      const html = 'text/html; charset=utf-8'
      const publication = await loadPublication(app.db)
      if (!publication.enabled) return reply.status(404).header('content-type', html).header('cache-control', 'no-store').send(NOT_PUBLISHED_PAGE)
      const period = lastWholeMonth(new Date())
      const rules = await loadRules(app.db)
      const sections = []
      for (const by of publication.units) sections.push({ by, ranking: await rankingOf(app.db, period, by, publication.sort, null, rules), shown: publication.indicators })
      const context = await contextOf(app.db, null, period, rules, publication.title_name)
      return reply.header('content-type', html).header('cache-control', 'public, max-age=300').send(publicRankingsHtml(sections, context))
    },
  )
}

export default reportsRoutes
