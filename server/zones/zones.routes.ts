import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { zoneKinds, type ZoneKind } from '../kernel/zone-kinds.js'
import { DomainError, notFound } from '../errors.js'
import { countZones, findZoneByCode, findZoneById, listZoneFeatures, zoneFeatureById, type ZoneFilters } from './zones.repository.js'
import { auditWanted } from '../coverage/coverage.schemas.js'
import {
  AuditQuery,
  CreateZoneBody,
  DeletedZone,
  DeleteZoneQuery,
  UpdateZoneBody,
  ZoneCodeParams,
  ZoneFeature,
  ZoneFeatureCollection,
  ZoneGeometryQuery,
  ZoneIdParams,
  ZoneListQuery,
  WrittenZoneFeature,
} from './zones.schemas.js'
import { createZone, deleteZone, updateZone } from './zones.service.js'
import { parseInstant } from '../kernel/time.js'
import { assertGlobalScope, assertZoneReadable, assertZonesInScope, assertZonesInScopeLocked, installPhoneMasking, zonesInScopeSql } from '../auth/scope.js'
import type { Actor } from '../auth/actor.js'
import type { DbOrTx } from '../db/database.js'
import { errorResponses } from '../kernel/schemas.js'

function readAt(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined
  const instant = parseInstant(text)
  if (instant) return instant
  throw new DomainError('invalid_time', `at: "${text}" is not an ISO 8601 time`, [
    { field: 'at', reason: 'must be an ISO 8601 date or time from 1900 to 9999, e.g. 2024-03-03 or 2024-03-03T09:30:00+08:00' },
  ])
}

function readKind(kind: string, field: string): ZoneKind {
  if ((zoneKinds as readonly string[]).includes(kind)) return kind as ZoneKind
  throw new DomainError('unknown_kind', `Unknown kind "${kind}"`, [{ field, reason: `must be one of ${zoneKinds.join(', ')}` }])
}

function readKinds(list: string | undefined): ZoneKind[] | undefined {
  if (list === undefined || list.trim() === '') return undefined
  return list.split(',').map((kind) => readKind(kind.trim(), 'kind'))
}

function readBbox(text: string | undefined): [number, number, number, number] | undefined {
  if (text === undefined) return undefined
  const fail = (reason: string) => new DomainError('invalid_bbox', `bbox ${reason}`, [{ field: 'bbox', reason }])
  const parts = text.split(',')
  if (parts.length !== 4) throw fail('must be four numbers: west,south,east,north')
  const numbers = parts.map((part) => (part.trim() === '' ? Number.NaN : Number(part)))
  if (numbers.some((value) => !Number.isFinite(value))) throw fail('must be four numbers: west,south,east,north')
  const [west, south, east, north] = numbers as [number, number, number, number]
  if ([west, east].some((lon) => lon < -180 || lon > 180)) throw fail('longitudes must be within -180..180')
  if ([south, north].some((lat) => lat < -90 || lat > 90)) {
    throw fail('latitudes must be within -90..90 (is it lat,lon? bbox is west,south,east,north)')
  }
  if (west > east || south > north) throw fail('must have west <= east and south <= north')
  return [west, south, east, north]
}

/**
 * Scope of a zone write (server/auth/scope.ts): the zone itself, and the parent it is put under;
 * putting a zone at the root concerns the whole city. A parent named by a code that several kinds
 * share must be in scope under each of them.
 */
async function assertWriteInScope(
  db: DbOrTx,
  actor: Actor,
  zoneId: number | null,
  input: { parent?: string | null; parent_id?: number | null },
  options: { locked?: boolean } = {},
): Promise<void> {
  const ids = zoneId === null ? [] : [zoneId]
  const namesParent = input.parent !== undefined || input.parent_id !== undefined
  if (typeof input.parent_id === 'number') ids.push(input.parent_id)
  else if (typeof input.parent === 'string') {
    const named = await db.selectFrom('zone').select('id').where('code', '=', input.parent).execute()
    ids.push(...named.map((zone) => zone.id))
  } else if (zoneId === null || namesParent) {
    await assertGlobalScope(db, actor, 'zones.edit', 'A zone at the root of the tree')
  }
  await (options.locked ? assertZonesInScopeLocked : assertZonesInScope)(db, actor, 'zones.edit', ids)
}

/** The same check again inside the write's transaction, on the locked chain of each zone it names. */
const inTransaction = (actor: Actor, zoneId: number | null, input: { parent?: string | null; parent_id?: number | null }) =>
  (tx: DbOrTx) => assertWriteInScope(tx, actor, zoneId, input, { locked: true })

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Private phones leave the server masked unless the caller has parties.contact in scope.
  installPhoneMasking(app)
  const errors = errorResponses(400, 404, 409, 413, 415, 422)

  app.get(
    '/zones',
    {
      config: { access: 'zones.read' },
      schema: {
        tags: ['zones'],
        summary: 'Zones as a GeoJSON FeatureCollection, with their current chief, department, merchant and fall-back party',
        querystring: ZoneListQuery,
        response: { 200: ZoneFeatureCollection, ...errorResponses(400) },
      },
    },
    async (request) => {
      const query = request.query
      const limit = query.limit ?? 10_000
      const filters: ZoneFilters = {
        kinds: readKinds(query.kind), bbox: readBbox(query.bbox), parentCode: query.parent, q: query.q,
        // A scoped reader lists the zones of its scope and, as context, the zones above it.
        within: zonesInScopeSql(request.actor!, 'zones.read', { context: true }),
      }
      const at = readAt(query.at)
      const features = await listZoneFeatures(app.db, {
        ...filters,
        afterId: query.after,
        // One more than asked tells whether the list was cut.
        limit: limit + 1,
        geometry: query.geometry ?? 'native',
        at,
      })
      const truncated = features.length > limit
      const page = truncated ? features.slice(0, limit) : features
      return {
        type: 'FeatureCollection' as const,
        features: page,
        truncated,
        ...(truncated && query.after !== undefined ? { next_after: page[page.length - 1]!.id } : {}),
        ...(query.total ? { total: await countZones(app.db, filters) } : {}),
      }
    },
  )

  app.get(
    '/zones/:id',
    {
      config: { access: 'zones.read' },
      schema: {
        tags: ['zones'],
        summary: 'One zone with its holders and the number of zones below it',
        params: ZoneIdParams,
        querystring: ZoneGeometryQuery,
        response: { 200: ZoneFeature, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      if (await findZoneById(app.db, request.params.id)) await assertZoneReadable(app.db, request.actor!, 'zones.read', request.params.id, { context: true })
      const feature = await zoneFeatureById(app.db, request.params.id, {
        geometry: request.query.geometry ?? 'native',
        at: readAt(request.query.at),
      })
      if (!feature) throw notFound(`Zone ${request.params.id}`)
      return feature
    },
  )

  app.get(
    '/zones/by-code/:kind/:code',
    {
      config: { access: 'zones.read' },
      schema: {
        tags: ['zones'],
        summary: 'One zone by its kind and code',
        params: ZoneCodeParams,
        querystring: ZoneGeometryQuery,
        response: { 200: ZoneFeature, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const kind = readKind(request.params.kind, 'kind')
      const zone = await findZoneByCode(app.db, kind, request.params.code)
      if (zone) await assertZoneReadable(app.db, request.actor!, 'zones.read', zone.id, { context: true })
      const at = readAt(request.query.at)
      const feature = zone && (await zoneFeatureById(app.db, zone.id, { geometry: request.query.geometry ?? 'native', at }))
      if (!feature) throw notFound(`${kind} ${request.params.code}`)
      return feature
    },
  )

  app.post(
    '/zones',
    {
      config: { access: 'zones.edit' },
      schema: {
        tags: ['zones'],
        summary: 'Create a zone; answers with what it did to the coverage audit',
        description:
          'Checks the kind, code, parent kind, geometry (structure and OGC validity, naming the place), a segment lying on ' +
          'its street (within its area plus 2 m), a grid at least half inside its community. Width defaults by street class.',
        querystring: AuditQuery,
        body: CreateZoneBody,
        response: { 201: WrittenZoneFeature, ...errors },
      },
    },
    async (request, reply) => {
      await assertWriteInScope(app.db, request.actor!, null, request.body)
      const { feature, audit } = await createZone(app.db, request.body, {
        audit: auditWanted(request.query),
        checkScope: inTransaction(request.actor!, null, request.body),
      })
      return reply.status(201).send({ ...feature, ...(audit ? { audit } : {}) })
    },
  )

  app.patch(
    '/zones/:id',
    {
      config: { access: 'zones.edit' },
      schema: {
        tags: ['zones'],
        summary: 'Change a zone, naming the version edited',
        description: 'A stale version is a 409 version_conflict with the current version and feature; nothing is written.',
        params: ZoneIdParams,
        querystring: AuditQuery,
        body: UpdateZoneBody,
        response: { 200: WrittenZoneFeature, ...errors },
      },
    },
    async (request) => {
      await assertWriteInScope(app.db, request.actor!, request.params.id, request.body)
      const { feature, audit } = await updateZone(app.db, request.params.id, request.body, {
        audit: auditWanted(request.query),
        checkScope: inTransaction(request.actor!, request.params.id, request.body),
      })
      return { ...feature, ...(audit ? { audit } : {}) }
    },
  )

  app.delete(
    '/zones/:id',
    {
      config: { access: 'zones.edit' },
      schema: {
        tags: ['zones'],
        summary: 'Delete a zone, naming its version',
        description:
          'Refused (409 has_dependents) while zones lie below it, unless cascade=true deletes them all in one transaction. ' +
          'Answers {deleted: true, audit}: what the delete did to the coverage audit.',
        params: ZoneIdParams,
        querystring: DeleteZoneQuery,
        response: { 200: DeletedZone, ...errors },
      },
    },
    async (request) => {
      await assertWriteInScope(app.db, request.actor!, request.params.id, {})
      const { audit } = await deleteZone(app.db, request.params.id, request.query.version, request.query.cascade ?? false, {
        audit: auditWanted(request.query),
        checkScope: inTransaction(request.actor!, request.params.id, {}),
      })
      return { deleted: true as const, ...(audit ? { audit } : {}) }
    },
  )
}

export default routes
