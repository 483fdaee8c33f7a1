import { assertZoneReadable, importScopeCheck, installPhoneMasking, zonesInScopeSql } from '../auth/scope.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { LARGE_BODY_LIMIT } from '../kernel/body-limits.js'
import { strictJsonParser } from '../http/json-body.js'
import { exportFeatureCollection } from './export.service.js'
import { importFeatureCollection } from './import.service.js'
import { osmRoadsToStreets } from './osm-roads.js'
import { streetsReachingInto } from './transfer.repository.js'
import { errorResponses } from '../kernel/schemas.js'
import {
  ExportQuery,
  ExportResponse,
  ImportBody,
  ImportQuery,
  ImportResponse,
  isDryRun,
  OsmRoadsQuery,
} from './transfer.schemas.js'

const importErrors = errorResponses(400, 404, 413, 415, 422)

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Private phones leave the server masked unless the caller has parties.contact in scope.
  installPhoneMasking(app)
  // GeoJSON files are often sent as application/geo+json (RFC 7946); read them as JSON, UTF-8 only.
  app.addContentTypeParser('application/geo+json', { parseAs: 'buffer', bodyLimit: LARGE_BODY_LIMIT }, strictJsonParser(app))

  app.post(
    '/import',
    {
      bodyLimit: LARGE_BODY_LIMIT,
      config: { access: 'transfer.import', longWork: true },
      schema: {
        tags: ['import/export'],
        summary: 'Import zones, parties, assignments and category routes, all or nothing',
        description:
          'Every problem is listed in error.details as {index, field, reason}: 400 when the file is not in the ' +
          'import format, 422 when it breaks a rule of the data (duplicate or unknown codes, invalid geometry, a ' +
          'segment off its street, a grid outside its community). Nothing is written unless the whole file is good.',
        querystring: ImportQuery,
        body: ImportBody,
        response: { 200: ImportResponse, 201: ImportResponse, ...importErrors },
      },
    },
    async (request, reply) => {
      const dryRun = isDryRun(request.query.dry_run)
      const result = await importFeatureCollection(app.db, request.body, { dryRun, checkScope: importScopeCheck(app.db, request.actor!) })
      return reply.status(dryRun ? 200 : 201).send(dryRun ? { ...result, dry_run: true } : result)
    },
  )

  app.post(
    '/import/osm-roads',
    {
      bodyLimit: LARGE_BODY_LIMIT,
      config: { access: 'transfer.import', longWork: true },
      schema: {
        tags: ['import/export'],
        summary: 'Import an OpenStreetMap road file as streets',
        description:
          'Ways of one name are joined into one street, with a default width by highway class. ' +
          'Footways, cycleways, steps, service roads and paths are left out unless named in `include`.',
        querystring: OsmRoadsQuery,
        body: ImportBody,
        response: { 200: ImportResponse, 201: ImportResponse, ...importErrors },
      },
    },
    async (request, reply) => {
      const { include, parent } = request.query
      const dryRun = isDryRun(request.query.dry_run)
      const streets = osmRoadsToStreets(request.body, {
        include: include ? include.split(',').map((name) => name.trim()).filter(Boolean) : [],
        ...(parent ? { parent } : {}),
      })
      if (parent) {
        // Streets of the extract that do not reach into the jurisdiction are imported without it.
        const reaches = await streetsReachingInto(
          app.db,
          parent,
          streets.features.map((street) => ({ geometry: street.geometry, widthM: street.properties.width_m })),
        )
        // An unknown code strips nothing, so that the import names it as a bad parent.
        if (reaches) {
          streets.features.forEach((street, index) => {
            if (!reaches[index]) delete street.properties.parent
          })
        }
      }
      const result = await importFeatureCollection(app.db, streets, { dryRun, checkScope: importScopeCheck(app.db, request.actor!) })
      return reply.status(dryRun ? 200 : 201).send(dryRun ? { ...result, dry_run: true } : result)
    },
  )

  app.get(
    '/export',
    {
      config: { access: 'transfer.export' },
      schema: {
        tags: ['import/export'],
        summary: 'Everything (or one zone and the zones below it) in the import format',
        description:
          'Export → import into an empty database → export gives the same document. With `root`, the zones ' +
          'below it by parent link, and only the departments and categories they use.',
        querystring: ExportQuery,
        response: { 200: ExportResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const actor = request.actor!
      // A scoped exporter gets the zones of its scope (and their parties and routes) only; scope all everything.
      return exportFeatureCollection(app.db, {
        root: request.query.root,
        rootKind: request.query.root_kind,
        within: zonesInScopeSql(actor, 'transfer.export'),
        checkRoot: (tx, rootId) => assertZoneReadable(tx, actor, 'transfer.export', rootId, { context: true }),
      })
    },
  )
}

export default routes
