import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { hasPermission, type Actor } from '../auth/actor.js'
import { rolesWith } from '../auth/authenticate.js'
import { appendAudit } from '../audit/audit.repository.js'
import { failIfAny, insertCase, readAccuracy, readLocation, readText, requireCaseCategory, routePoint } from '../cases/cases.intake.js'
import { caseView, whoOf } from '../cases/cases.service.js'
import { badRequest, DomainError, notFound, type ErrorDetail } from '../errors.js'
import { errorResponses } from '../kernel/schemas.js'
import { GpxError, parseGpx } from './gpx.js'
import {
  AppendAnswer, CaseAnswer, FindingBody, FixesBody, GpxQuery, ListQuery, PatrolAnswer, PatrolIdParams, PatrolList, StartBody, TrackAnswer,
} from './patrols.schemas.js'
import {
  accessTo, appendFixes, DEFAULT_PATROL_ACCURACY_M, discardPatrol, importTrack, listPatrols, liveSummary, patrolRoleFor, patrolRow, patrolView,
  readAccuracyM, readFixes, requireOwnPatrol, requireState, startPatrol, stopPatrol, trackOf,
} from './patrols.service.js'
import { loadPatrolSettings } from './patrols.settings.js'
import './retention.js'

const errors = errorResponses(400, 403, 404, 409, 413, 415, 422)

/** A GPX file of a long day's walk at one point a second is about 5 MB. */
export const GPX_LIMIT_BYTES = 8 * 1024 * 1024
export const GPX_TYPE = 'application/gpx+xml'

/** Patrols (巡查): recording, GPX upload, track credits per zone (docs/patrols.md) */
/**
 * The patrol reads are open to any of the three patrol permissions (one's own with
 * patrols.record, aggregates with patrols.read, tracks with patrols.tracks); the row decides what
 * is shown. Without any of them the answer is 403, never a 404 that would tell whether it exists.
 */
function requireAnyPatrolPermission(actor: Actor): void {
  if (!(['patrols.record', 'patrols.read', 'patrols.tracks'] as const).some((permission) => hasPermission(actor, permission))) {
    throw new DomainError('forbidden', 'This needs the permission patrols.record, patrols.read or patrols.tracks', { permission: 'patrols.read', roles_with_it: rolesWith('patrols.read') })
  }
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // A bad PATROL_* setting stops the server at start-up (ConfigError), not at the first patrol.
  const settings = loadPatrolSettings()

  const gpxRoutes: FastifyPluginAsyncTypebox = async (gpx) => {
    // Only GPX here: a JSON or text body is refused 415 before it is read, not parsed as something else.
    gpx.removeAllContentTypeParsers()
    gpx.addContentTypeParser(GPX_TYPE, { parseAs: 'string', bodyLimit: GPX_LIMIT_BYTES }, (_request, body, done) => done(null, body))
    gpx.post(
      '/patrols/gpx',
      {
        bodyLimit: GPX_LIMIT_BYTES,
        config: { access: 'patrols.record' },
        schema: {
          tags: ['patrols'],
          summary: `Upload your own patrol as a GPX 1.1 file (raw body ${GPX_TYPE}, at most 8 MiB): stored done and credited`,
          querystring: GpxQuery,
          response: { 201: PatrolAnswer, ...errors },
        },
      },
      async (request, reply) => {
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
        if (type !== GPX_TYPE || typeof request.body !== 'string') {
          throw new DomainError('unsupported_media_type', `A GPX file is sent as the raw body with content type ${GPX_TYPE}, not ${JSON.stringify(type || 'none')}`)
        }
        if (request.body.trim() === '') throw badRequest('empty_body', 'The GPX file is empty')
        const actor = request.actor!
        const role = patrolRoleFor(actor, request.query.role)
        let tracks
        try {
          tracks = parseGpx(request.body)
        } catch (error) {
          if (!(error instanceof GpxError)) throw error
          throw badRequest('invalid_format', `Not a GPX track: ${error.message}`, [{ field: `line ${error.line} ${error.element}`, reason: error.message }])
        }
        const fixes = tracks.flatMap((track) => track.points.map((point) => ({ at: point.at, lon: point.lon, lat: point.lat, accuracy_m: null, segment: point.segment })))
        const note = request.query.note ?? tracks.find((track) => track.name)?.name?.slice(0, 2000) ?? null
        const id = await app.db.transaction().execute(async (tx) =>
          (await importTrack(tx, { accountId: actor.accountId, partyId: actor.partyId, role, source: 'gpx', accuracyM: request.query.accuracy_m ?? DEFAULT_PATROL_ACCURACY_M, note, fixes }, settings)).id)
        return reply.status(201).send(await patrolView(app.db, actor, id, settings))
      },
    )
  }
  await app.register(gpxRoutes)

  app.post(
    '/patrols',
    {
      config: { access: 'patrols.record' },
      schema: { tags: ['patrols'], summary: 'Start recording your own patrol (one at a time)', body: StartBody, response: { 201: PatrolAnswer, ...errors } },
    },
    async (request, reply) => {
      const actor = request.actor!
      const body = request.body ?? {}
      const details: ErrorDetail[] = []
      const accuracyM = readAccuracyM(body.accuracy_m, 'accuracy_m', details)
      const note = readText(body.note, 'note', 2000, details)
      const now = new Date()
      let startedAt = now
      if (body.started_at !== undefined) {
        const parsed = new Date(body.started_at)
        if (Number.isNaN(parsed.getTime()) || !/[zZ]|[+-]\d{2}:?\d{2}$/.test(body.started_at)) details.push({ field: 'started_at', reason: 'must be an ISO 8601 time with a zone' })
        else if (parsed.getTime() > now.getTime() + 5 * 60_000) details.push({ field: 'started_at', reason: 'lies in the future' })
        else startedAt = parsed
      }
      failIfAny(details, 'patrol')
      const role = patrolRoleFor(actor, body.role)
      const id = await startPatrol(app.db, actor, { role, accuracyM, note, startedAt })
      return reply.status(201).send(await patrolView(app.db, actor, id, settings))
    },
  )

  app.post(
    '/patrols/:id/fixes',
    {
      config: { access: 'patrols.record' },
      schema: {
        tags: ['patrols'],
        summary: 'Append positions to your recording patrol, in order; a re-sent batch is recognised and not stored twice',
        params: PatrolIdParams,
        body: FixesBody,
        response: { 200: AppendAnswer, ...errors },
      },
    },
    async (request) => {
      const fixes = readFixes(request.body.fixes, new Date())
      const answer = await appendFixes(app.db, request.actor!, request.params.id, fixes)
      const row = (await patrolRow(app.db, request.params.id))!
      return { ...answer, live: await liveSummary(app.db, row, settings) }
    },
  )

  app.post(
    '/patrols/:id/stop',
    {
      config: { access: 'patrols.record' },
      schema: { tags: ['patrols'], summary: 'Stop your patrol: its track is credited to the zones it crossed', params: PatrolIdParams, response: { 200: PatrolAnswer, ...errors } },
    },
    async (request) => {
      await stopPatrol(app.db, request.actor!, request.params.id, settings, new Date())
      return patrolView(app.db, request.actor!, request.params.id, settings)
    },
  )

  app.post(
    '/patrols/:id/discard',
    {
      config: { access: 'patrols.record' },
      schema: { tags: ['patrols'], summary: 'Discard your patrol: its positions and credits are deleted, it counts for nothing', params: PatrolIdParams, response: { 200: PatrolAnswer, ...errors } },
    },
    async (request) => {
      await discardPatrol(app.db, request.actor!, request.params.id)
      return patrolView(app.db, request.actor!, request.params.id, settings)
    },
  )

  app.post(
    '/patrols/:id/findings',
    {
      config: { access: 'patrols.record' },
      schema: {
        tags: ['patrols'],
        summary: 'A problem found on your patrol, filed as a case (channel patrol) that remembers the patrol',
        params: PatrolIdParams,
        body: FindingBody,
        response: { 201: CaseAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      if (!hasPermission(actor, 'cases.report')) throw new DomainError('forbidden', 'Filing a finding as a case needs the permission cases.report', { permission: 'cases.report' })
      const body = request.body
      const details: ErrorDetail[] = []
      const point = readLocation(body.location, 'location', details)
      const accuracy = readAccuracy(body.accuracy_m, 'accuracy_m', details)
      const description = readText(body.description, 'description', 2000, details, true)
      const address = readText(body.address, 'address', 300, details)
      failIfAny(details, 'finding')
      const patrol = await requireOwnPatrol(app.db, actor, request.params.id)
      requireState(patrol, ['recording', 'done'], 'recording a finding')
      const category = await requireCaseCategory(app.db, body.category_id)
      const now = new Date()
      const routing = await routePoint(app.db, category, point!, accuracy, now)
      const created = await insertCase(
        app.db,
        {
          channel: 'patrol', categoryId: category.id, description: description!, point: point!, accuracyM: accuracy, address,
          signboardCode: null, reporterName: null, reporterPhone: null, externalId: null, flags: [], patrolId: patrol.id,
        },
        routing,
        whoOf(actor),
        now,
      )
      return reply.status(201).send(await caseView(app.db, actor, created.id))
    },
  )

  app.get(
    '/patrols',
    {
      config: { access: 'session' },
      schema: { tags: ['patrols'], summary: 'Your patrols, and with patrols.read those crossing your scope; newest first (before=<last id>)', querystring: ListQuery, response: { 200: PatrolList, ...errors } },
    },
    async (request) => {
      const actor = request.actor!
      requireAnyPatrolPermission(actor)
      return listPatrols(app.db, actor, request.query)
    },
  )

  app.get(
    '/patrols/:id',
    {
      config: { access: 'session' },
      schema: { tags: ['patrols'], summary: 'A patrol with its time and distance per zone (aggregates; no positions)', params: PatrolIdParams, response: { 200: PatrolAnswer, ...errors } },
    },
    async (request) => {
      requireAnyPatrolPermission(request.actor!)
      return patrolView(app.db, request.actor!, request.params.id, settings)
    },
  )

  app.get(
    '/patrols/:id/track',
    {
      config: { access: 'session' },
      schema: {
        tags: ['patrols'],
        summary: "A patrol's raw positions (行踪轨迹): your own, or another's with patrols.tracks (each such read is recorded in the audit trail)",
        params: PatrolIdParams,
        response: { 200: TrackAnswer, ...errors },
      },
    },
    async (request) => {
      const actor = request.actor!
      requireAnyPatrolPermission(actor)
      const row = await patrolRow(app.db, request.params.id)
      if (!row) throw notFound(`Patrol ${request.params.id}`)
      const access = await accessTo(app.db, actor, row)
      if (access.as === 'aggregates') {
        throw new DomainError('forbidden', `Patrol ${row.id}'s positions are another person's track: reading them needs patrols.tracks`, { permission: 'patrols.tracks' })
      }
      if (access.as === 'tracks') {
        await appendAudit(app.db, {
          accountId: actor.accountId, login: actor.login, via: actor.via, address: request.ip, userAgent: request.headers['user-agent'] ?? null,
          action: 'patrol.track_read', objectType: 'patrol', objectId: row.id, objectCode: null, outcome: 'ok', status: 200,
          method: 'GET', path: request.url, route: '/api/patrols/:id/track', after: { account_id: row.account_id, party_id: row.party_id },
        })
      }
      return trackOf(app.db, row)
    },
  )
}

export default routes
