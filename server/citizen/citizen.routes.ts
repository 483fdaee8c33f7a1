import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import { Type, type Static } from 'typebox'
import { DomainError } from '../errors.js'
import { errorResponses } from '../kernel/schemas.js'
import { findSignboardZone } from '../signboards/signboard-data.js'
import { zoneAnchor } from '../signboards/signboards.repository.js'
import { MobileParams, MobilePage, MobileQuery } from '../signboards/signboards.schemas.js'
import type { DbOrTx } from '../db/database.js'
import { followPageHtml, NOT_FOUND_FOLLOW_PAGE, NOT_FOUND_REPORT_PAGE, reportPageHtml, type FollowPageData } from './citizen-pages.js'

const tags = ['citizen']
const html = 'text/html; charset=utf-8'

/** The follow-up link's secret: anything else is answered like an unknown one (404), never 400. */
const FollowParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) })
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{8,128}$/

interface CaseRow {
  id: number
  number: string
  state: string
  category: string
  created_at: Date | string
  address: string | null
  rating: number | null
  rating_comment: string | null
}

/**
 * What the follow-up page shows of a case, by its public token: the same rule as the public API
 * (`GET /api/public/cases/:token`): the events and photos marked public, never the reporter, an
 * internal note or a party's phone.
 */
export async function publicCaseByToken(db: DbOrTx, token: string): Promise<FollowPageData | null> {
  const found = await sql<CaseRow>`
    SELECT c.id, c.number, c.state, cat.name AS category, c.created_at, c.address, c.rating, c.rating_comment
    FROM case_file c JOIN category cat ON cat.id = c.category_id
    WHERE c.public_token = ${token}`.execute(db)
  const row = found.rows[0]
  if (!row) return null
  const events = await sql<{ at: Date | string; action: string; public_note: string | null }>`
    SELECT at, action, public_note FROM case_event WHERE case_id = ${row.id} AND public ORDER BY at, id`.execute(db)
  const photos = await sql<{ id: number }>`SELECT id FROM case_photo WHERE case_id = ${row.id} AND public ORDER BY id`.execute(db)
  return {
    token,
    number: row.number,
    state: row.state,
    category: row.category,
    createdAt: row.created_at,
    address: row.address,
    rating: row.rating == null ? null : Number(row.rating),
    ratingComment: row.rating_comment,
    events: events.rows.map((e) => ({ at: e.at, action: e.action, publicNote: e.public_note })),
    photoIds: photos.rows.map((p) => Number(p.id)),
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
      const data = TOKEN_PATTERN.test(token) ? await publicCaseByToken(app.db, token) : null
      if (!data) return reply.status(404).header('content-type', html).header('cache-control', 'no-store').send(NOT_FOUND_FOLLOW_PAGE)
      return reply.header('content-type', html).header('cache-control', 'no-store').send(followPageHtml(data))
    },
  )
}

export default citizenRoutes
