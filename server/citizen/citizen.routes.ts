import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import { Type, type Static } from 'typebox'
import { DomainError } from '../errors.js'
import { errorResponses } from '../kernel/schemas.js'
import { findSignboardZone } from '../signboards/signboard-data.js'
import { zoneAnchor } from '../signboards/signboards.repository.js'
import { MobileParams, MobilePage, MobileQuery } from '../signboards/signboards.schemas.js'
import type { DbOrTx } from '../db/database.js'
import { caseIdByToken, publicCaseView } from '../cases/cases.service.js'
import { followPageHtml, NOT_FOUND_FOLLOW_PAGE, NOT_FOUND_REPORT_PAGE, reportPageHtml, type FollowPageData } from './citizen-pages.js'

const tags = ['citizen']
const html = 'text/html; charset=utf-8'

/** The follow-up link's token (what a token looks like is checked by caseIdByToken: anything else is 404). */
const FollowParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) })

/**
 * What the follow-up page shows of a case, by its public token: exactly what the public API
 * answers (`GET /api/public/cases/:token`, server/cases `publicCaseView`: the events and photos
 * marked public, never the reporter, an internal note or a party's phone), and the citizen's own
 * rating comment. An unknown or malformed token is null.
 */
export async function publicCaseByToken(db: DbOrTx, token: string): Promise<FollowPageData | null> {
  const id = await caseIdByToken(db, token)
  if (id === undefined) return null
  const view = await publicCaseView(db, id)
  const { rows } = await sql<{ rating_comment: string | null }>`SELECT rating_comment FROM case_file WHERE id = ${id}`.execute(db)
  return {
    token,
    number: view.number,
    state: view.state,
    category: view.category,
    createdAt: view.created_at,
    address: view.address,
    rating: view.rating == null ? null : Number(view.rating),
    ratingComment: view.rating == null ? null : (rows[0]?.rating_comment ?? null),
    canRate: view.can_rate,
    events: view.events.map((e) => ({ at: e.at, action: e.action, publicNote: e.public_note })),
    photoIds: view.photos.map(Number),
  }
}

/** The citizen's pages (issue 10): the report form behind a signboard's QR page, and the follow-up page. */
const citizenRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: Static<typeof MobileParams>; Querystring: Static<typeof MobileQuery> }>(
    '/r/:code/report',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "The citizen's report form a signboard's page links to",
        params: MobileParams,
        querystring: MobileQuery,
        response: { 200: MobilePage, 404: MobilePage, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      try {
        const zone = await findSignboardZone(app.db, request.params.code, request.query.kind)
        const anchor = await zoneAnchor(app.db, zone.id)
        return reply
          .header('content-type', html)
          .header('cache-control', 'no-store')
          .send(reportPageHtml({ code: zone.code, kind: zone.kind, zoneName: zone.name, jurisdiction: null, anchor: { lon: Number(anchor.lon), lat: Number(anchor.lat) } }))
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 404) throw error
        return reply.status(404).header('content-type', html).send(NOT_FOUND_REPORT_PAGE)
      }
    },
  )

  app.get<{ Params: Static<typeof FollowParams> }>(
    '/c/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "The citizen's follow-up page of one report: its public timeline and the rating",
        params: FollowParams,
        response: { 200: MobilePage, 404: MobilePage },
      },
    },
    async (request, reply) => {
      const token = request.params.token
      const data = await publicCaseByToken(app.db, token)
      if (!data) return reply.status(404).header('content-type', html).header('cache-control', 'no-store').send(NOT_FOUND_FOLLOW_PAGE)
      return reply.header('content-type', html).header('cache-control', 'no-store').send(followPageHtml(data))
    },
  )
}

export default citizenRoutes
