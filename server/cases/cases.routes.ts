import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { installPhoneMasking } from '../auth/scope.js'
import { appendAudit } from '../audit/audit.repository.js'
import type { ErrorDetail } from '../errors.js'
import { badRequest, DomainError, notFound } from '../errors.js'
import { errorResponses } from '../kernel/schemas.js'
import { resolvePointInternal } from '../resolve/resolve.service.js'
import {
  duplicatesNear, failIfAny, insertCase, readAccuracy, readLocation, readPhone, readText, requireCaseCategory, routePoint, signboardPoint,
  type IntakeChannel,
} from './cases.intake.js'
import {
  ActionBody, CaseAnswer, CaseIdParams, CaseList, CasePhotoParams, CreateCaseBody, FeatureCollection, ListQuery, MapQuery, PhotoAnswer,
  PhotoQuery, PreviewAnswer, PreviewBody, PublicCase, PublicCaseBody, PublicCategories, PublicCategoriesQuery, PublicCreated, RatingBody,
  Reporter, TokenParams, TokenPhotoParams,
} from './cases.schemas.js'
import {
  addPhoto, applyAction, caseIdByToken, caseRow, casesMap, caseView, listCases, photoBytes, PHOTO_LIMIT_BYTES, publicCaseView, requireCase, whoOf,
} from './cases.service.js'
import { isPhotoType, photoTypes } from './photo-strip.js'

/** A citizen may add photos to their report for this long after it, this many. */
const PUBLIC_PHOTO_WINDOW_MS = 60 * 60 * 1000
const PUBLIC_PHOTO_MAX = 3

const errors = errorResponses(400, 403, 404, 409, 413, 415, 422)

/** Raw-body photo uploads: image types parsed as bytes, up to 8 MiB, on these routes only. */
const photoUploadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser([...photoTypes], { parseAs: 'buffer', bodyLimit: PHOTO_LIMIT_BYTES }, (_request, body, done) => done(null, body))

  const readPhoto = (contentType: string | undefined, body: unknown) => {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
    if (!isPhotoType(type) || !Buffer.isBuffer(body)) {
      throw new DomainError('unsupported_media_type', `A photo is sent as the raw body with content type ${photoTypes.join(', ')}, not ${JSON.stringify(type || 'none')}`)
    }
    if (body.length === 0) throw badRequest('empty_body', 'The photo is empty')
    return { type, body }
  }

  app.post(
    '/cases/:id/photos',
    {
      bodyLimit: PHOTO_LIMIT_BYTES,
      config: { access: 'cases.read' },
      schema: {
        tags: ['cases'],
        summary: 'Add a photo to a case (raw body image/jpeg, image/png or image/webp, at most 8 MiB; metadata stripped)',
        params: CaseIdParams,
        querystring: PhotoQuery,
        response: { 201: PhotoAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const purpose = request.query.purpose ?? 'report'
      const permission = purpose === 'feedback' ? 'cases.handle' : purpose === 'verification' ? 'cases.verify' : 'cases.report'
      const row = await caseRow(app.db, request.params.id)
      if (!row) throw notFound(`Case ${request.params.id}`)
      const { type, body } = readPhoto(request.headers['content-type'], request.body)
      await requireCase(app.db, request.actor!, row.id, permission)
      return reply.status(201).send(await addPhoto(app.db, row.id, purpose, type, body))
    },
  )

  app.post(
    '/public/cases/:token/photos',
    {
      bodyLimit: PHOTO_LIMIT_BYTES,
      config: { access: 'public' },
      schema: {
        tags: ['cases'],
        summary: 'Add a photo to a report from its follow-up link (within an hour of the report, at most 3)',
        params: TokenParams,
        response: { 201: PhotoAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const id = await caseIdByToken(app.db, request.params.token)
      if (id === undefined) throw notFound('Case')
      const { type, body } = readPhoto(request.headers['content-type'], request.body)
      const { rows } = await sql<{ created_at: Date; photos: number }>`
        SELECT c.created_at, (SELECT count(*)::int FROM case_photo p WHERE p.case_id = c.id AND p.purpose = 'report') AS photos
        FROM case_file c WHERE c.id = ${id}`.execute(app.db)
      const facts = rows[0]!
      if (app.clock().getTime() - new Date(facts.created_at).getTime() > PUBLIC_PHOTO_WINDOW_MS) {
        throw new DomainError('photo_window_closed', 'Photos can be added within one hour of the report')
      }
      if (facts.photos >= PUBLIC_PHOTO_MAX) throw new DomainError('photo_window_closed', `A report takes at most ${PUBLIC_PHOTO_MAX} photos`)
      return reply.status(201).send(await addPhoto(app.db, id, 'report', type, body))
    },
  )
}

const casesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Party phones in the stored routing chain: private ones masked unless parties.contact in scope.
  installPhoneMasking(app)
  await app.register(photoUploadRoutes)

  app.post(
    '/cases/preview',
    {
      config: { access: 'cases.report' },
      schema: { tags: ['cases'], summary: 'Where a report at this point would go, and possible duplicates; writes nothing', body: PreviewBody, response: { 200: PreviewAnswer, ...errors } },
    },
    async (request) => {
      const details: ErrorDetail[] = []
      const point = readLocation(request.body.location, 'location', details)
      const accuracy = readAccuracy(request.body.accuracy_m, 'accuracy_m', details)
      failIfAny(details, 'preview')
      const category = await requireCaseCategory(app.db, request.body.category_id)
      const now = app.clock()
      const routing = await routePoint(app.db, category, point!, accuracy, now)
      const duplicates = await duplicatesNear(app.db, category.id, point!)
      const stored = routing.stored as { owner: unknown; department: unknown }
      return {
        routing: routing.stored,
        flags: [...routing.flags, ...(duplicates.length ? ['possible_duplicate'] : [])],
        owner: stored.owner,
        department: stored.department,
        duplicates: duplicates.map((d) => ({ ...d, created_at: new Date(d.created_at).toISOString() })),
      }
    },
  )

  app.post(
    '/cases',
    {
      config: { access: 'cases.report' },
      schema: { tags: ['cases'], summary: 'Enter a case (hotline call, patrol finding, app)', body: CreateCaseBody, response: { 201: CaseAnswer, ...errors } },
    },
    async (request, reply) => {
      const body = request.body
      const details: ErrorDetail[] = []
      const point = readLocation(body.location, 'location', details)
      const accuracy = readAccuracy(body.accuracy_m, 'accuracy_m', details)
      const description = readText(body.description, 'description', 2000, details, true)
      const address = readText(body.address, 'address', 300, details)
      const reporterName = readText(body.reporter_name, 'reporter_name', 100, details)
      const phone = readPhone(body.reporter_phone, 'reporter_phone', details)
      failIfAny(details, 'case')
      const category = await requireCaseCategory(app.db, body.category_id)
      const now = app.clock()
      const routing = await routePoint(app.db, category, point!, accuracy, now)
      const actor = request.actor!
      const created = await insertCase(
        app.db,
        {
          channel: body.channel as IntakeChannel, categoryId: category.id, description: description!, point: point!, accuracyM: accuracy, address,
          signboardCode: null, reporterName, reporterPhone: phone, externalId: body.external_id ?? null, flags: [],
        },
        routing,
        whoOf(actor),
        now,
      )
      return reply.status(201).send(await caseView(app.db, actor, created.id, now))
    },
  )

  app.get(
    '/cases',
    { config: { access: 'cases.read' }, schema: { tags: ['cases'], summary: 'Cases in your scope, newest first (keyset: before=<last id>); mine=true: your own, soonest due first (keyset: after=next_after)', querystring: ListQuery, response: { 200: CaseList, ...errors } } },
    async (request) => listCases(app.db, request.actor!, request.query, app.clock()),
  )

  app.get(
    '/cases/map',
    { config: { access: 'cases.read' }, schema: { tags: ['cases'], summary: 'Open cases in a box as GeoJSON, with their urgency', querystring: MapQuery, response: { 200: FeatureCollection, ...errors } } },
    async (request) => {
      const parts = request.query.bbox.split(',').map((part) => Number(part.trim()))
      if (parts.length !== 4 || parts.some((part) => !Number.isFinite(part)) || parts[0]! >= parts[2]! || parts[1]! >= parts[3]!) {
        throw badRequest('invalid_bbox', 'bbox must be w,s,e,n in degrees with w < e and s < n', [{ field: 'bbox', reason: 'must be w,s,e,n' }])
      }
      return casesMap(app.db, request.actor!, parts as [number, number, number, number], app.clock())
    },
  )

  app.get(
    '/cases/:id',
    { config: { access: 'cases.read' }, schema: { tags: ['cases'], summary: 'A case with its routing, clock, timeline, photos and the actions you may take', params: CaseIdParams, response: { 200: CaseAnswer, ...errors } } },
    async (request) => caseView(app.db, request.actor!, request.params.id, app.clock()),
  )

  app.get(
    '/cases/:id/reporter',
    { config: { access: 'cases.contact' }, schema: { tags: ['cases'], summary: "The reporter's name and phone unmasked (recorded in the audit trail)", params: CaseIdParams, response: { 200: Reporter, ...errors } } },
    async (request) => {
      const actor = request.actor!
      const row = await requireCase(app.db, actor, request.params.id, 'cases.contact')
      await appendAudit(app.db, {
        accountId: actor.accountId, login: actor.login, via: actor.via, address: request.ip, userAgent: request.headers['user-agent'] ?? null,
        action: 'case.reporter_unmask', objectType: 'case', objectId: row.id, objectCode: row.number, outcome: 'ok', status: 200,
        method: 'GET', path: request.url, route: '/api/cases/:id/reporter',
      })
      return { name: row.reporter_name, phone: row.reporter_phone }
    },
  )

  app.post(
    '/cases/:id/actions',
    {
      config: { access: 'cases.read' },
      schema: {
        tags: ['cases'],
        summary: 'One step of the workflow (file, void, dispatch, accept, hand_back, request/approve/refuse extension or park, unpark, handle, close, send_back, evaluate, mark_duplicate)',
        params: CaseIdParams,
        body: ActionBody,
        response: { 200: CaseAnswer, ...errors },
      },
    },
    async (request) => {
      const now = app.clock()
      await applyAction(app.db, request.actor!, request.params.id, request.body, now)
      return caseView(app.db, request.actor!, request.params.id, now)
    },
  )

  app.get(
    '/cases/:id/photos/:photo',
    { config: { access: 'cases.read' }, schema: { tags: ['cases'], summary: 'A photo of a case (as stored: metadata stripped)', params: CasePhotoParams } },
    async (request, reply) => {
      await requireCase(app.db, request.actor!, request.params.id, 'cases.read')
      const photo = await photoBytes(app.db, request.params.id, request.params.photo)
      return reply.type(photo.contentType).header('cache-control', 'private, max-age=3600').send(photo.bytes)
    },
  )

  // The citizen's side: no account; the follow-up link's token is the only key.

  app.get(
    '/public/categories',
    { config: { access: 'public' }, schema: { tags: ['cases'], summary: 'The categories a citizen may report (at a point: those handled there)', querystring: PublicCategoriesQuery, response: { 200: PublicCategories, ...errors } } },
    async (request) => {
      const { lon, lat } = request.query
      if ((lon === undefined) !== (lat === undefined)) throw badRequest('invalid_request', 'Give both lon and lat, or neither', [{ field: lon === undefined ? 'lon' : 'lat', reason: 'is required with the other' }])
      if (lon === undefined || lat === undefined) {
        return (await sql<{ id: number; name: string; code: string | null }>`SELECT id, name, code FROM category WHERE public ORDER BY id`.execute(app.db)).rows
      }
      const resolution = await resolvePointInternal(app.db, { point: { lon, lat }, crs: 'wgs84', category: null, accuracyM: 0, at: app.clock().toISOString() })
      const chain = resolution.chain.map((link) => link.zone.id)
      if (chain.length === 0) return []
      const { rows } = await sql<{ id: number; name: string; code: string | null }>`
        WITH RECURSIVE up (id, parent_id, depth) AS (
          SELECT id, parent_id, 0 FROM zone WHERE id = ANY(${chain}::int4[])
          UNION ALL SELECT z.id, z.parent_id, up.depth + 1 FROM zone z JOIN up ON z.id = up.parent_id WHERE up.depth < 32)
        SELECT DISTINCT c.id, c.name, c.code FROM category c JOIN category_route r ON r.category_id = c.id
        WHERE c.public AND r.zone_id IN (SELECT id FROM up) ORDER BY c.id`.execute(app.db)
      return rows
    },
  )

  app.post(
    '/public/cases',
    { config: { access: 'public' }, schema: { tags: ['cases'], summary: 'A citizen reports a problem (from a signboard QR page)', body: PublicCaseBody, response: { 201: PublicCreated, ...errors } } },
    async (request, reply) => {
      const body = request.body
      const details: ErrorDetail[] = []
      const description = readText(body.description, 'description', 2000, details, true)
      const phone = readPhone(body.reporter_phone, 'reporter_phone', details)
      const accuracy = body.location ? readAccuracy(body.location.accuracy_m, 'location.accuracy_m', details) : null
      if (!body.location && !body.signboard_code) details.push({ field: 'location', reason: 'is required without a signboard_code' })
      failIfAny(details, 'report')
      const category = await requireCaseCategory(app.db, body.category_id, true)
      let point = body.location ? { lon: body.location.lon, lat: body.location.lat } : null
      const flags: string[] = []
      if (body.signboard_code) {
        const board = await signboardPoint(app.db, body.signboard_code)
        if (!board) throw new DomainError('not_found', `No signboard has the code ${body.signboard_code}`, [{ field: 'signboard_code', reason: 'no such signboard' }])
        if (!point) {
          point = board
          flags.push('location_from_signboard')
        }
      }
      const now = app.clock()
      const routing = await routePoint(app.db, category, point!, accuracy, now)
      const created = await insertCase(
        app.db,
        {
          channel: 'qr', categoryId: category.id, description: description!, point: point!, accuracyM: accuracy, address: null,
          signboardCode: body.signboard_code ?? null, reporterName: null, reporterPhone: phone, externalId: null, flags,
        },
        routing,
        whoOf(null),
        now,
      )
      return reply.status(201).send({ number: created.number, token: created.token, follow_url: `${app.config.publicUrl.replace(/\/$/, '')}/c/${created.token}` })
    },
  )

  app.get(
    '/public/cases/:token',
    { config: { access: 'public' }, schema: { tags: ['cases'], summary: "A report's public timeline (the follow-up page)", params: TokenParams, response: { 200: PublicCase, ...errors } } },
    async (request) => {
      const id = await caseIdByToken(app.db, request.params.token)
      if (id === undefined) throw notFound('Case')
      return publicCaseView(app.db, id)
    },
  )

  app.get(
    '/public/cases/:token/photos/:photo',
    { config: { access: 'public' }, schema: { tags: ['cases'], summary: 'A public photo of a report', params: TokenPhotoParams } },
    async (request, reply) => {
      const id = await caseIdByToken(app.db, request.params.token)
      if (id === undefined) throw notFound('Case')
      const photo = await photoBytes(app.db, id, request.params.photo, true)
      return reply.type(photo.contentType).header('cache-control', 'private, max-age=3600').send(photo.bytes)
    },
  )

  app.post(
    '/public/cases/:token/rating',
    { config: { access: 'public' }, schema: { tags: ['cases'], summary: 'The citizen rates a closed case (once)', params: TokenParams, body: RatingBody, response: { 200: PublicCase, ...errors } } },
    async (request) => {
      const id = await caseIdByToken(app.db, request.params.token)
      if (id === undefined) throw notFound('Case')
      const row = (await caseRow(app.db, id))!
      await applyAction(app.db, null, id, { action: 'evaluate', version: row.version, rating: request.body.rating, comment: request.body.comment }, app.clock())
      return publicCaseView(app.db, id)
    },
  )
}

export default casesRoutes
