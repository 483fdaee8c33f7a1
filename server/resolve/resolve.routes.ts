import { assertZonesInScope, hasGlobalScope, installPhoneMasking, maskPrivatePhonesIn, zonesInScope } from '../auth/scope.js'
import { SUPERVISION_HOTLINE } from '../signboards/signboard-data.js'
import { Readable } from 'node:stream'
import type { FastifyPluginAsync, FastifySchemaCompiler } from 'fastify'
import { LARGE_BODY_LIMIT } from '../kernel/body-limits.js'
import { readBatchBody, readPointQuery } from './resolve.input.js'
import { errorResponses } from '../kernel/schemas.js'
import {
  BatchBodySchema,
  BatchResponseSchema,
  PublicResolutionSchema,
  ResolutionSchema,
  ResolveQuerySchema,
} from './resolve.schemas.js'
import { resolveBatch, resolvePoint, type BatchResult } from './resolve.service.js'

/** Results serialised per slice between which the event loop runs. */
const JSON_SLICE = 5000

/** `{"results": [...]}` in pieces, each a slice of the results, with a pause for the event loop between. */
async function* batchJson(results: BatchResult[]): AsyncGenerator<string> {
  yield '{"results":['
  for (let start = 0; start < results.length; start += JSON_SLICE) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve))
    const slice = JSON.stringify(results.slice(start, start + JSON_SLICE))
    yield (start > 0 ? ',' : '') + slice.slice(1, -1)
  }
  yield ']}'
}

/**
 * The input schemas document the API; resolve.input.ts checks the input itself, so that each
 * problem names its field (and its point's index in a batch) and a swapped lon/lat is pointed out.
 */
const documentOnly: FastifySchemaCompiler<unknown> = () => () => true

const resolveRoutes: FastifyPluginAsync = async (app) => {
  // Private phones leave the server masked unless the caller has parties.contact in scope.
  installPhoneMasking(app)

  app.get(
    '/public/resolve',
    {
      // For citizens and the /r/ page: what a signboard shows, no account; its flood limit per
      // address is the public routes' one (server/http/rate-limits.ts).
      config: { access: 'public' },
      schema: {
        tags: ['resolution'],
        summary: 'Who answers for this point, as a signboard shows it (public)',
        description:
          'Zone kinds, codes and names, holders by name, title and role, phones (private ones masked), the supervision hotline. ' +
          "No account needed; a flood limit per address applies (RATE_LIMIT_PUBLIC_PER_ADDRESS, default 120 a minute).",
        querystring: ResolveQuerySchema,
        response: { 200: PublicResolutionSchema, ...errorResponses(400, 429) },
      },
      validatorCompiler: documentOnly,
    },
    async (request) => {
      const query = request.query as Record<string, unknown>
      const resolution = await resolvePoint(app.db, readPointQuery({ lon: query.lon, lat: query.lat }))
      return { ...resolution, supervision_hotline: SUPERVISION_HOTLINE }
    },
  )

  app.get(
    '/resolve',
    {
      config: { access: 'resolve' },
      schema: {
        tags: ['resolution'],
        summary: 'Who owns this point',
        description: 'The chain of covering zones, the primary owner, the department for a category, border alternatives; a fall-back party in a coverage gap; the nearest jurisdiction outside.',
        querystring: ResolveQuerySchema,
        response: { 200: ResolutionSchema, ...errorResponses(400) },
      },
      validatorCompiler: documentOnly,
    },
    async (request) => {
      const resolution = await resolvePoint(app.db, readPointQuery(request.query as unknown))
      // A point none of whose zones lies in the caller's scope is refused, naming its most specific zone.
      const actor = request.actor!
      const chain = resolution.chain.map((link) => link.zone.id)
      if (chain.length > 0 && !hasGlobalScope(actor, 'resolve') && (await zonesInScope(app.db, actor, 'resolve', chain)).size === 0) {
        await assertZonesInScope(app.db, actor, 'resolve', [chain[0]!])
      }
      return resolution
    },
  )

  app.post(
    '/resolve/batch',
    {
      // Read when the plugin registers, after app.ts has finished loading.
      bodyLimit: LARGE_BODY_LIMIT,
      // Not a writer though a POST: the batch holds the work lock's snapshot side itself.
      config: { access: 'resolve.batch', snapshotRead: true },
      schema: {
        tags: ['resolution'],
        summary: 'Resolve many points at once',
        description: 'Up to 200,000 points per request; results in input order. Bad points are a 400 listing their indices.',
        body: BatchBodySchema,
        response: { 200: BatchResponseSchema, ...errorResponses(400, 413, 415) },
      },
      validatorCompiler: documentOnly,
    },
    async (request, reply) => {
      // Streamed past the masking hook: masked here.
      const actor = request.actor!
      // Scope all: no check at all; otherwise one query for the batch's distinct zones.
      const inScope = hasGlobalScope(actor, 'resolve.batch') ? undefined : (ids: number[]) => zonesInScope(app.db, actor, 'resolve.batch', ids)
      const resolved = await resolveBatch(app.db, readBatchBody(request.body as unknown), inScope)
      const results = (await maskPrivatePhonesIn(app.db, request.actor, resolved)).body
      // The schema-compiled serializer tests every nullable branch of every result; for 200,000
      // results built from a handful of shared Links, plain JSON.stringify is several times faster.
      // In slices, streamed: 200,000 results are 45 MB of JSON and most of a second to write,
      // which other requests must not wait behind.
      return reply.type('application/json; charset=utf-8').send(Readable.from(batchJson(results)))
    },
  )
}

export default resolveRoutes
