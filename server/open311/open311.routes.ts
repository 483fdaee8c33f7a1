import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { actorOf, hasPermission, loadGrants, tokenPermissionList, type Actor } from '../auth/actor.js'
import { hashToken } from '../auth/secrets.js'
import type { Db } from '../db/database.js'
import { DomainError } from '../errors.js'
import { appendAudit } from '../audit/audit.repository.js'
import { insertCase, readPhone, readText, requireCaseCategory, routePoint, type IntakeInput } from '../cases/cases.intake.js'

/**
 * Open311 GeoReport v2 (docs/open311.md): the service list (public categories), one service's
 * definition, and service requests (cases) posted by another system with an API token and read
 * back by anyone. JSON only; errors in Open311's own format `[{"code":400,"description":"…"}]`.
 */

/** An Open311 error: its HTTP status is its code. */
class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const closedStates = new Set(['closed', 'evaluated', 'voided', 'duplicate'])

interface ServiceRow {
  id: number
  code: string | null
  name: string
  filing_condition: string | null
}

const serviceCode = (row: { id: number; code: string | null }) => row.code ?? String(row.id)

function serviceOut(row: ServiceRow) {
  return {
    service_code: serviceCode(row),
    service_name: row.name,
    description: row.filing_condition ?? row.name,
    metadata: false,
    type: 'realtime',
    keywords: '',
    group: '',
  }
}

function readCoordinate(value: unknown, name: 'lat' | 'long'): number | null {
  if (value === undefined || value === null || value === '') return null
  const text = String(value).trim()
  const number = Number(text)
  const limit = name === 'lat' ? 90 : 180
  if (!/^-?\d+(\.\d+)?$/.test(text) || Math.abs(number) > limit) throw new Open311Error(400, `${name} must be a decimal number from -${limit} to ${limit}, got "${text.slice(0, 40)}"`)
  return number
}

async function findService(db: Db, code: string): Promise<ServiceRow | undefined> {
  const { rows } = await sql<ServiceRow>`
    SELECT id, code, name, filing_condition FROM category
     WHERE public AND (code = ${code} OR (code IS NULL AND id::text = ${code}))`.execute(db)
  return rows[0]
}

/** An API token given as `api_key` (the GeoReport way) or as a Bearer header. */
async function actorOfKey(db: Db, key: string): Promise<Actor | null> {
  const row = await db
    .selectFrom('api_token')
    .innerJoin('account', 'account.id', 'api_token.account_id')
    .select(['api_token.id as token_id', 'api_token.permissions', 'account.id', 'account.login', 'account.display_name', 'account.party_id'])
    .where('api_token.token_hash', '=', hashToken(key))
    .where('api_token.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_token.expires_at', 'is', null), eb('api_token.expires_at', '>', sql<Date>`now()`)]))
    .where('account.disabled', '=', false)
    .executeTakeFirst()
  if (!row) return null
  return actorOf(row, await loadGrants(db, row.id), { via: 'token', tokenId: row.token_id, permissions: tokenPermissionList(row.permissions) })
}

interface RequestRow {
  id: number
  number: string
  state: string
  category_id: number
  category_code: string | null
  category_name: string
  description: string
  address: string | null
  lon: number
  lat: number
  agency: string | null
  created_at: Date
  updated_at: Date
  due_at: Date | null
  status_notes: string | null
  media_url: string | null
  photo_id: number | null
}

/**
 * The request's media_url: the link another system posted with it, else the first public photo
 * of the case (metadata stripped at upload) served under /open311/v2/media/…; else empty.
 */
function mediaUrlOf(row: Pick<RequestRow, 'media_url' | 'photo_id' | 'number'>, base: string): string {
  if (row.media_url) return row.media_url
  return row.photo_id === null ? '' : `${base}/media/${encodeURIComponent(row.number)}/${row.photo_id}`
}

/** A posted media_url: an http(s) URL of at most 1000 characters, or none. */
function readMediaUrl(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  const text = String(value).trim()
  const url = URL.canParse(text) ? new URL(text) : null
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || text.length > 1000 || /\s/.test(text)) {
    throw new Open311Error(400, `media_url must be an http:// or https:// URL of at most 1000 characters, got "${text.slice(0, 40)}"`)
  }
  return text
}

function requestOut(row: RequestRow, withDescription: boolean, base: string) {
  return {
    service_request_id: row.number,
    status: closedStates.has(row.state) ? 'closed' : 'open',
    status_notes: row.status_notes ?? '',
    service_name: row.category_name,
    service_code: serviceCode({ id: row.category_id, code: row.category_code }),
    // What a citizen wrote may name people: only callers who may read cases get it.
    description: withDescription ? row.description : '',
    agency_responsible: row.agency ?? '',
    service_notice: '',
    requested_datetime: row.created_at.toISOString(),
    updated_datetime: row.updated_at.toISOString(),
    expected_datetime: row.due_at?.toISOString() ?? '',
    address: row.address ?? '',
    address_id: '',
    zipcode: '',
    lat: row.lat,
    long: row.lon,
    media_url: mediaUrlOf(row, base),
    // mySociety's extension: the state behind open/closed.
    extended_attributes: { state: row.state },
  }
}

async function requestRows(db: Db, where: ReturnType<typeof sql>, limit: number): Promise<RequestRow[]> {
  const { rows } = await sql<RequestRow>`
    SELECT c.id, c.number, c.state, c.category_id, cat.code AS category_code, cat.name AS category_name, c.description, c.address,
           ST_X(c.location) AS lon, ST_Y(c.location) AS lat, coalesce(d.name, o.name) AS agency,
           c.created_at, c.updated_at, c.due_at, c.media_url,
           (SELECT p.id FROM case_photo p WHERE p.case_id = c.id AND p.public ORDER BY p.id LIMIT 1) AS photo_id,
           (SELECT e.public_note FROM case_event e WHERE e.case_id = c.id AND e.public AND e.public_note IS NOT NULL ORDER BY e.id DESC LIMIT 1) AS status_notes
      FROM case_file c
      JOIN category cat ON cat.id = c.category_id
      LEFT JOIN party d ON d.id = c.department_id
      LEFT JOIN party o ON o.id = c.owner_party_id
     WHERE cat.public AND ${where}
     ORDER BY c.id DESC
     LIMIT ${limit}`.execute(db)
  return rows
}

function readDate(value: unknown, name: string): Date | null {
  if (value === undefined || value === '') return null
  const date = new Date(String(value))
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(String(value))) throw new Open311Error(400, `${name} must be a W3C date-time (2026-12-02T08:15:30+08:00)`)
  return date
}

const routes: FastifyPluginAsync = async (app) => {
  const db = app.db
  // GeoReport clients post form-encoded bodies; JSON is accepted too.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
  app.setErrorHandler((error: FastifyError | DomainError | Open311Error, request: FastifyRequest, reply: FastifyReply) => {
    const status = error instanceof Open311Error || error instanceof DomainError ? error.status : (error.statusCode ?? 500)
    if (status >= 500) request.log.error({ err: error }, 'open311 request failed')
    const description = status >= 500 ? 'The server could not answer; try again later' : error.message
    return reply.status(status).send([{ code: status, description }])
  })
  app.setNotFoundHandler((_request, reply) => reply.status(404).send([{ code: 404, description: 'No such Open311 resource' }]))
  const config = { access: 'public' as const }
  const schema = { hide: true }
  /** Where this endpoint is published (PUBLIC_URL): discovery and media links point here. */
  const base = `${app.config.publicUrl.replace(/\/+$/, '')}/open311/v2`

  // GeoReport v2 service discovery: the one endpoint this server offers, JSON only.
  app.get('/discovery.json', { config, schema }, async () => ({
    changeset: '2026-12-02T00:00:00Z',
    contact: '各区城市管理指挥中心 (12345)',
    key_service: 'API tokens (api_key) are issued by the district system administrator',
    endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: base, changeset: '2026-12-02T00:00:00Z', type: 'production', formats: ['application/json'] }],
  }))

  // A request's public photo, by its service_request_id (what media_url points to).
  app.get('/media/:number/:photo', { config, schema }, async (request, reply) => {
    const params = request.params as { number: string; photo: string }
    if (!/^\d{1,10}$/.test(params.photo) || params.number.length > 40) throw new Open311Error(404, 'No such media')
    const { rows } = await sql<{ content_type: string; bytes: Uint8Array }>`
      SELECT p.content_type, p.bytes FROM case_photo p JOIN case_file c ON c.id = p.case_id JOIN category cat ON cat.id = c.category_id
       WHERE c.number = ${params.number} AND p.id = ${Number(params.photo)} AND p.public AND cat.public`.execute(db)
    if (!rows[0]) throw new Open311Error(404, `Service request ${params.number.slice(0, 40)} has no public photo ${params.photo}`)
    return reply.type(rows[0].content_type).header('cache-control', 'public, max-age=3600').send(Buffer.from(rows[0].bytes))
  })

  app.get('/services.json', { config, schema }, async (request) => {
    const query = request.query as Record<string, unknown>
    const lat = readCoordinate(query.lat, 'lat')
    const lon = readCoordinate(query.long, 'long')
    if ((lat === null) !== (lon === null)) throw new Open311Error(400, 'lat and long go together')
    const rows =
      lat === null || lon === null
        ? (await sql<ServiceRow>`SELECT id, code, name, filing_condition FROM category WHERE public ORDER BY id`.execute(db)).rows
        : (
            await sql<ServiceRow>`
              SELECT DISTINCT c.id, c.code, c.name, c.filing_condition
                FROM category c
                JOIN category_route r ON r.category_id = c.id
                JOIN zone z ON z.id = r.zone_id
               WHERE c.public AND ST_Intersects(z.area, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))
               ORDER BY c.id`.execute(db)
          ).rows
    return rows.map(serviceOut)
  })

  app.get('/services/:file', { config, schema }, async (request) => {
    const file = (request.params as { file: string }).file
    if (!file.endsWith('.json')) throw new Open311Error(404, 'Only JSON is served: /services/{service_code}.json')
    const service = await findService(db, file.slice(0, -5))
    if (!service) throw new Open311Error(404, `No service has the code ${file.slice(0, -5)}`)
    return { service_code: serviceCode(service), attributes: [] }
  })

  app.post('/requests.json', { config, schema }, async (request, reply) => {
    const body = ((request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>)
    const query = request.query as Record<string, unknown>
    const key = body.api_key ?? query.api_key
    const actor = typeof key === 'string' && key ? await actorOfKey(db, key) : request.actor?.via === 'token' ? request.actor : null
    if (!actor) throw new Open311Error(401, 'Send an API token as api_key (or "Authorization: Bearer <token>")')
    if (!hasPermission(actor, 'cases.report')) throw new Open311Error(403, `The token of ${actor.login} lacks the permission cases.report`)
    if (typeof body.service_code !== 'string' || !body.service_code) throw new Open311Error(400, 'service_code is required')
    const service = await findService(db, body.service_code)
    if (!service) throw new Open311Error(400, `service_code ${body.service_code.slice(0, 40)} names no service (GET services.json lists them)`)
    const lat = readCoordinate(body.lat, 'lat')
    const lon = readCoordinate(body.long, 'long')
    if (lat === null || lon === null) throw new Open311Error(400, 'lat and long are required (address_string alone is not located here)')
    const details: { field?: string; reason: string }[] = []
    const description = readText(body.description, 'description', 2000, details, true)
    const address = readText(body.address_string, 'address_string', 300, details)
    const name = [body.last_name, body.first_name].filter((part) => typeof part === 'string' && part.trim()).join('')
    const phone = readPhone(body.phone, 'phone', details)
    if (details.length) throw new Open311Error(400, details.map((detail) => `${detail.field} ${detail.reason}`).join('; '))
    const mediaUrl = readMediaUrl(body.media_url)
    const now = app.clock()
    const category = await requireCaseCategory(db, service.id, true)
    const point = { lon, lat }
    const routing = await routePoint(db, category, point, null, now)
    const input: IntakeInput = {
      channel: 'open311',
      categoryId: category.id,
      description: description!,
      point,
      accuracyM: null,
      address,
      signboardCode: null,
      reporterName: name ? name.slice(0, 100) : null,
      reporterPhone: phone,
      externalId: null,
      flags: [],
      mediaUrl,
    }
    const created = await insertCase(db, input, routing, { accountId: actor.accountId, login: actor.login, displayName: actor.displayName }, now)
    // Outside /api/ the audit hook does not see this write: it is recorded here.
    await appendAudit(db, {
      accountId: actor.accountId, login: actor.login, via: 'token', address: request.ip, userAgent: request.headers['user-agent'] ?? null,
      action: 'case.create', objectType: 'case', objectId: created.id, objectCode: created.number, after: { channel: 'open311', service_code: body.service_code, ...(mediaUrl ? { media_url: mediaUrl } : {}) },
      outcome: 'ok', status: 201, method: 'POST', path: request.url.split('?')[0]!, route: 'POST /open311/v2/requests.json',
    })
    return reply.status(201).send([{ service_request_id: created.number, service_notice: '', account_id: null }])
  })

  app.get('/requests.json', { config, schema }, async (request) => {
    const query = request.query as Record<string, unknown>
    const withDescription = request.actor ? hasPermission(request.actor, 'cases.read') : false
    const conditions = [sql`true`]
    if (typeof query.service_request_id === 'string' && query.service_request_id) {
      const ids = query.service_request_id.split(',').map((id) => id.trim()).filter(Boolean).slice(0, 100)
      conditions.push(sql`c.number = ANY(${ids}::text[])`)
    } else {
      const start = readDate(query.start_date, 'start_date')
      const end = readDate(query.end_date, 'end_date')
      // GeoReport: without dates, the last 90 days.
      conditions.push(sql`c.created_at >= ${start ?? new Date(app.clock().getTime() - 90 * 86_400_000)}`)
      if (end) conditions.push(sql`c.created_at <= ${end}`)
      if (typeof query.service_code === 'string' && query.service_code) {
        const codes = query.service_code.split(',').map((code) => code.trim())
        conditions.push(sql`(cat.code = ANY(${codes}::text[]) OR (cat.code IS NULL AND cat.id::text = ANY(${codes}::text[])))`)
      }
      if (query.status !== undefined && query.status !== '') {
        if (query.status !== 'open' && query.status !== 'closed') throw new Open311Error(400, 'status must be open or closed')
        conditions.push(query.status === 'closed' ? sql`c.state = ANY(${[...closedStates]}::text[])` : sql`NOT (c.state = ANY(${[...closedStates]}::text[]))`)
      }
    }
    const rows = await requestRows(db, sql.join(conditions, sql` AND `), 1000)
    return rows.map((row) => requestOut(row, withDescription, base))
  })

  app.get('/requests/:file', { config, schema }, async (request) => {
    const file = (request.params as { file: string }).file
    if (!file.endsWith('.json')) throw new Open311Error(404, 'Only JSON is served: /requests/{service_request_id}.json')
    const withDescription = request.actor ? hasPermission(request.actor, 'cases.read') : false
    const rows = await requestRows(db, sql`c.number = ${file.slice(0, -5)}`, 1)
    if (!rows[0]) throw new Open311Error(404, `No service request has the id ${file.slice(0, -5)}`)
    return rows.map((row) => requestOut(row, withDescription, base))
  })
}

export default routes
