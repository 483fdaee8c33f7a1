import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { Static } from 'typebox'
import type { ZoneKind } from '../kernel/zone-kinds.js'
import { badRequest, DomainError, notFound } from '../errors.js'
import { BatchJobs, type BatchJob } from './batch-jobs.js'
import { mobilePageHtml } from './mobile-page.js'
import type { PaperSize } from './paper.js'
import { checkPngSize, renderSlots, RETRY_AFTER_S } from './render-limits.js'
import { contentTypes, fileNameOf, renderSignboard, type SignboardFormat } from './render.js'
import { findSignboardZone, gatherSignboard } from './signboard-data.js'
import { mapAspect } from './signboard-layout.js'
import {
  BatchBody,
  DutyKindParams,
  DutyText,
  DutyTextBody,
  DutyTextList,
  Job,
  JobParams,
  MobileParams,
  MobilePage,
  MobileQuery,
  SignboardFile,
  SignboardParams,
  SignboardQuery,
} from './signboards.schemas.js'
import { errorResponses } from '../kernel/schemas.js'
import { getDutyText, putDutyText } from './signboards.repository.js'
import { assertGlobalScope, assertZonesInScope } from '../auth/scope.js'
import { zoneKinds } from '../kernel/zone-kinds.js'

function sendFile(reply: FastifyReply, body: Buffer, contentType: string, fileName: string, download = false) {
  return reply
    .header('content-type', contentType)
    .header('content-disposition', `${download ? 'attachment' : 'inline'}; filename="${fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header('cache-control', 'no-store')
    .send(body)
}

function jobView(job: BatchJob) {
  return {
    id: job.id,
    status: job.status,
    done: job.done,
    total: job.total,
    current: job.current,
    error: job.error,
    created_at: job.created_at,
    file: job.status === 'done' ? `/api/signboards/jobs/${job.id}/file` : null,
  }
}

/**
 * Signboards (公示牌): one zone as PDF, SVG or PNG; batches for a whole sub-district; the duties
 * text per zone kind; and the mobile page `/r/{code}` that the QR code opens. Registered without
 * a prefix because the mobile page lives outside /api.
 */
const signboardsRoutes: FastifyPluginAsync = async (app) => {
  const jobs = new BatchJobs()
  app.addHook('onClose', () => jobs.stop())
  const tags = ['signboards']

  app.get<{ Params: Static<typeof SignboardParams>; Querystring: Static<typeof SignboardQuery> }>(
    '/api/signboards/:file',
    {
      config: { access: 'signboards.print' },
      schema: {
        tags,
        summary: 'One signboard as PDF, SVG or PNG',
        description:
          'For a street, segment, unit grid or community: title, map, responsible people and phones, departments, duties, QR code to /r/{code}, date. PDF is vector with the Chinese font embedded.',
        params: SignboardParams,
        querystring: SignboardQuery,
        response: { 200: SignboardFile, ...errorResponses(400, 404, 422, 503) },
      },
    },
    async (request, reply) => {
      const match = /^(.+)\.(pdf|svg|png)$/i.exec(request.params.file)
      if (!match) throw badRequest('invalid_format', `Ask for {code}.pdf, {code}.svg or {code}.png, got "${request.params.file}"`)
      const code = match[1]!
      const format = match[2]!.toLowerCase() as SignboardFormat
      const paper = (request.query.paper?.toUpperCase() ?? 'A3') as PaperSize
      const dpi = request.query.dpi ?? 150
      if (format === 'png') checkPngSize(paper, request.query.orientation, dpi, 'query.dpi')
      // The zone the signboard is of (404 when there is none) must lie in the caller's scope of signboards.print.
      const signboardZone = await findSignboardZone(app.db, code, request.query.kind)
      await assertZonesInScope(app.db, request.actor!, 'signboards.print', [signboardZone.id])
      const release = await renderSlots.acquire().catch((error: unknown) => {
        reply.header('retry-after', String(RETRY_AFTER_S))
        throw error
      })
      try {
        const { body, zone } = await renderSignboard(app.db, code, format, {
          paper,
          orientation: request.query.orientation ?? 'landscape',
          dpi,
          publicUrl: app.config.publicUrl,
          ...(request.query.kind ? { kind: request.query.kind } : {}),
        })
        return sendFile(reply, body, contentTypes[format], fileNameOf(zone, format))
      } finally {
        release()
      }
    },
  )

  app.get(
    '/api/signboards/duties',
    { config: { access: 'zones.read' }, schema: { tags, summary: 'Duties text of every zone kind', response: { 200: DutyTextList, ...errorResponses() } } },
    async () =>
      Promise.all(zoneKinds.map(async (kind) => ({ kind, text: (await getDutyText(app.db, kind)) ?? '' }))),
  )

  app.get<{ Params: Static<typeof DutyKindParams> }>(
    '/api/signboards/duties/:kind',
    { config: { access: 'zones.read' }, schema: { tags, summary: 'Duties (职责) text printed on signboards of a zone kind', params: DutyKindParams, response: { 200: DutyText, ...errorResponses(400) } } },
    async (request) => ({ kind: request.params.kind, text: (await getDutyText(app.db, request.params.kind as ZoneKind)) ?? '' }),
  )

  app.put<{ Params: Static<typeof DutyKindParams>; Body: Static<typeof DutyTextBody> }>(
    '/api/signboards/duties/:kind',
    { config: { access: 'zones.edit' }, schema: { tags, summary: 'Edit the duties text of a zone kind', params: DutyKindParams, body: DutyTextBody, response: { 200: DutyText, ...errorResponses(400, 413, 415) } } },
    async (request) => {
      const text = request.body.text.trim()
      if (!text) throw badRequest('invalid_request', 'Duties text must not be blank', [{ field: 'body.text', reason: 'is blank' }])
      await assertGlobalScope(app.db, request.actor!, 'zones.edit', `The duties text of every ${request.params.kind}`)
      await putDutyText(app.db, request.params.kind as ZoneKind, text)
      return { kind: request.params.kind, text }
    },
  )

  app.post<{ Body: Static<typeof BatchBody> }>(
    '/api/signboards/batch',
    {
      config: { access: 'signboards.print' },
      schema: {
        tags,
        summary: 'Start a batch: every street (or grid) of a sub-district',
        description: 'Returns a job at once; poll /api/signboards/jobs/{id} for progress and fetch its file when done. Jobs are kept in memory for an hour.',
        body: BatchBody,
        response: { 202: Job, ...errorResponses(400, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body
      // Every page of a PNG zip is this size: refuse it now rather than fail (or exhaust memory) mid-batch.
      if (body.format === 'zip' && body.file_format === 'png') {
        checkPngSize((body.paper?.toUpperCase() ?? 'A3') as PaperSize, body.orientation, body.dpi ?? 150, 'body.dpi')
      }
      // Every signboard of the batch lies under the zone named: that zone in scope covers them all.
      const named = await app.db.selectFrom('zone').select('id').where('code', '=', body.zone).execute()
      await assertZonesInScope(app.db, request.actor!, 'signboards.print', named.map((zone) => zone.id))
      const job = await jobs.start(app.db, {
        zone: body.zone,
        kind: body.kind ?? 'street',
        format: body.format ?? 'pdf',
        ...(body.file_format ? { fileFormat: body.file_format } : {}),
        paper: (body.paper?.toUpperCase() ?? 'A3') as PaperSize,
        orientation: body.orientation ?? 'landscape',
        dpi: body.dpi ?? 150,
        publicUrl: app.config.publicUrl,
      })
      return reply.status(202).send(jobView(job))
    },
  )

  app.get<{ Params: Static<typeof JobParams> }>(
    '/api/signboards/jobs/:id',
    { config: { access: 'signboards.print' }, schema: { tags, summary: 'Progress of a batch', params: JobParams, response: { 200: Job, ...errorResponses(404) } } },
    async (request) => {
      const job = jobs.get(request.params.id)
      if (!job) throw notFound(`Job ${request.params.id}`)
      return jobView(job)
    },
  )

  app.get<{ Params: Static<typeof JobParams> }>(
    '/api/signboards/jobs/:id/file',
    { config: { access: 'signboards.print' }, schema: { tags, summary: 'The finished batch: a PDF or a zip', params: JobParams, response: { 200: SignboardFile, ...errorResponses(404, 409) } } },
    async (request, reply) => {
      const job = jobs.get(request.params.id)
      if (!job) throw notFound(`Job ${request.params.id}`)
      if (job.status === 'failed') throw new DomainError('job_failed', job.error ?? 'The batch failed')
      if (!job.result) throw new DomainError('job_running', `The batch is still running (${job.done}/${job.total})`)
      return sendFile(reply, job.result.body, job.result.contentType, job.result.fileName, true)
    },
  )

  app.get<{ Params: Static<typeof MobileParams>; Querystring: Static<typeof MobileQuery> }>(
    '/r/:code',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Mobile page a signboard QR code opens',
        params: MobileParams,
        querystring: MobileQuery,
        response: { 200: MobilePage, 404: MobilePage, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      try {
        const zone = await findSignboardZone(app.db, request.params.code, request.query.kind)
        const data = await gatherSignboard(app.db, zone, { publicUrl: app.config.publicUrl, mapAspect: mapAspect('portrait') })
        return reply.header('content-type', 'text/html; charset=utf-8').send(mobilePageHtml(data))
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 404) throw error
        return reply
          .status(404)
          .header('content-type', 'text/html; charset=utf-8')
          .send('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>未找到</title><body style="font-family:sans-serif;padding:24px"><h1>未找到该责任区</h1><p>二维码对应的街巷或网格不存在或已调整，请拨打监督电话 <a href="tel:12345">12345</a>。</p></body></html>')
      }
    },
  )
}

export default signboardsRoutes
