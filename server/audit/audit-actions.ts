import type { FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import { zoneFeatureById, findZoneById } from '../zones/zones.repository.js'
import { findPartyById } from '../parties/parties.repository.js'
import { assignmentById, listAssignments } from '../assignments/assignments.repository.js'
import { listCategoryDetails, routesForZone } from '../categories/categories.repository.js'
import { calendarDay, readCalendarHead } from '../calendar/calendar.repository.js'
import { loadPolicy } from '../auth/policy.js'
import { accountState, grantState, tokenState } from './audit.service.js'

/** The object an event is about, found before the write (or from its answer, for a create). */
export interface AuditObject {
  type: string
  id?: string | number | null
  code?: string | null
}

export interface BeforeState {
  state: unknown
  object?: AuditObject
}

export interface AnswerFacts {
  status: number
  /** The JSON answer, parsed, when there is one. */
  answer: unknown
  request: FastifyRequest
  personalData: boolean
}

/** How one route is recorded. */
export interface RouteAudit {
  /** `resource.verb`; a function when the outcome decides it (a login that failed). */
  action: string | ((facts: AnswerFacts) => string)
  /** The object's type; its id comes from the path's `:id` unless `before` or `fromAnswer` says more. */
  objectType?: string
  /** The state before the write, read in a preHandler through the feature's repository. */
  before?: (db: Db, request: FastifyRequest) => Promise<BeforeState | undefined>
  /** The created object, from the 2xx answer (a create has no `:id` in its path). */
  fromAnswer?: (answer: Record<string, unknown>) => AuditObject | undefined
  /** Keep the answer as the after state (default yes). No for answers that are data, not a change. */
  keepAfter?: boolean
}

type Params = Record<string, unknown>
const paramId = (request: FastifyRequest): number => Number((request.params as Params).id)
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {})

const zoneBefore = async (db: Db, request: FastifyRequest): Promise<BeforeState | undefined> => {
  const feature = await zoneFeatureById(db, paramId(request))
  return feature && { state: feature, object: { type: 'zone', id: feature.id, code: feature.properties.code } }
}

/** Assignment and category writes are recorded on their zone, so the zone's history shows them. */
const onZone = (read: (db: Db, zoneId: number, request: FastifyRequest) => Promise<unknown>) =>
  async (db: Db, request: FastifyRequest): Promise<BeforeState | undefined> => {
    const zone = await findZoneById(db, paramId(request))
    if (!zone) return undefined
    return { state: await read(db, zone.id, request), object: { type: 'zone', id: zone.id, code: zone.code } }
  }

const zoneFromAnswer = (answer: Record<string, unknown>): AuditObject => ({
  type: 'zone',
  id: answer.id as number,
  code: (record(answer.properties).code as string | undefined) ?? null,
})
const named = (type: string) => (answer: Record<string, unknown>): AuditObject => ({
  type,
  id: answer.id as number,
  code: ((answer.name ?? answer.login) as string | undefined) ?? null,
})

function loginAction({ status, answer }: AnswerFacts): string {
  if (status === 423) return 'session.login_locked'
  if (status >= 400) return 'session.login_failed'
  return record(answer).second_factor_required === true ? 'session.login_challenge' : 'session.login'
}

/**
 * Every write route, by `METHOD route-url`, and the GETs that hand out personal data. A write to a
 * route missing here is still recorded, as `request.<method>`; tests/api/audit-trail.test.ts lists
 * the write routes missing from this table and fails.
 */
export const routeAudits: Record<string, RouteAudit> = {
  'POST /api/session': { action: loginAction, objectType: 'account', fromAnswer: (answer) => {
    const account = record(answer.account)
    return account.id === undefined ? undefined : { type: 'account', id: account.id as number, code: account.login as string }
  } },
  'DELETE /api/session': {
    action: ({ request }) => (String(record(request.query).everywhere) === 'true' ? 'session.logout_everywhere' : 'session.logout'),
  },
  'PUT /api/session/password': { action: 'session.password_change' },
  'POST /api/session/totp': { action: 'session.totp_enrol' },
  'POST /api/session/totp/confirm': { action: 'session.totp_enable' },

  'POST /api/zones': { action: 'zone.create', fromAnswer: zoneFromAnswer },
  'PATCH /api/zones/:id': { action: 'zone.update', objectType: 'zone', before: zoneBefore },
  'DELETE /api/zones/:id': { action: 'zone.delete', objectType: 'zone', before: zoneBefore },
  'POST /api/zones/:id/assignments': {
    action: 'assignment.create',
    objectType: 'zone',
    before: onZone(async (db, zoneId) => (await listAssignments(db, zoneId)).filter((assignment) => assignment.valid_to === null)),
  },
  'POST /api/assignments/:id/end': {
    action: 'assignment.end',
    objectType: 'zone',
    before: async (db, request) => {
      const assignment = await assignmentById(db, paramId(request))
      if (!assignment) return undefined
      const zone = await findZoneById(db, assignment.zone_id)
      return { state: assignment, object: { type: 'zone', id: assignment.zone_id, code: zone?.code ?? null } }
    },
  },
  'POST /api/categories': { action: 'category.create', fromAnswer: named('category') },
  // deadlines (issue 10): category limits and the working calendar.
  'PATCH /api/categories/:id': {
    action: 'category.update',
    objectType: 'category',
    before: async (db, request) => {
      const current = (await listCategoryDetails(db, paramId(request)))[0]
      return current ? { state: current } : undefined
    },
  },
  'PUT /api/calendar': { action: 'calendar.update', objectType: 'calendar', before: async (db) => ({ state: await readCalendarHead(db) }) },
  'PUT /api/calendar/days/:day': { action: 'calendar_day.set', objectType: 'calendar_day', before: calendarDayBefore },
  'DELETE /api/calendar/days/:day': { action: 'calendar_day.delete', objectType: 'calendar_day', before: calendarDayBefore },
  'PUT /api/zones/:id/categories/:category': {
    action: 'zone_category.set',
    objectType: 'zone',
    before: onZone(async (db, zoneId, request) => categoryRoute(db, zoneId, request)),
  },
  'DELETE /api/zones/:id/categories/:category': {
    action: 'zone_category.delete',
    objectType: 'zone',
    before: onZone(async (db, zoneId, request) => categoryRoute(db, zoneId, request)),
  },

  'POST /api/parties': { action: 'party.create', fromAnswer: named('party') },
  'PATCH /api/parties/:id': { action: 'party.update', objectType: 'party', before: partyBefore },
  'DELETE /api/parties/:id': { action: 'party.delete', objectType: 'party', before: partyBefore },

  'POST /api/import': { action: 'import.data' },
  'POST /api/import/osm-roads': { action: 'import.osm_roads' },
  'GET /api/export': { action: ({ personalData }) => (personalData ? 'export.personal' : 'export.data'), keepAfter: false },

  'POST /api/resolve/batch': { action: 'resolve.batch', keepAfter: false },
  'PUT /api/signboards/duties/:kind': { action: 'duty_text.update' },
  'POST /api/signboards/batch': { action: 'signboard.batch' },

  'POST /api/accounts': { action: 'account.create', fromAnswer: named('account') },
  'PATCH /api/accounts/:id': { action: 'account.update', objectType: 'account', before: accountBefore },
  'POST /api/accounts/:id/grants': { action: 'grant.create', objectType: 'account', before: accountBefore },
  'DELETE /api/accounts/:id/grants/:grant': {
    action: 'grant.delete',
    objectType: 'account',
    before: async (db, request) => {
      const grant = await grantState(db, paramId(request), Number((request.params as Params).grant))
      return grant && { state: grant, object: { type: 'account', id: grant.account_id, code: grant.login } }
    },
  },
  'POST /api/accounts/:id/tokens': { action: 'token.create', objectType: 'account', before: accountBefore },
  'DELETE /api/tokens/:id': {
    action: 'token.revoke',
    objectType: 'token',
    before: async (db, request) => {
      const token = await tokenState(db, paramId(request))
      return token && { state: token, object: { type: 'token', id: token.id, code: token.name } }
    },
  },
  'PUT /api/security-policy': {
    action: 'policy.update',
    objectType: 'security_policy',
    before: async (db) => ({ state: await loadPolicy(db), object: { type: 'security_policy', id: 1 } }),
  },

  'GET /api/audit/export': { action: 'audit.export', keepAfter: false },

  // notify (issue 10): channels, a dead message retried, an inbox message read.
  'POST /api/notify/channels': { action: 'notify_channel.create', fromAnswer: named('notify_channel') },
  'PATCH /api/notify/channels/:id': { action: 'notify_channel.update', objectType: 'notify_channel' },
  'DELETE /api/notify/channels/:id': { action: 'notify_channel.delete', objectType: 'notify_channel' },
  'POST /api/outbox/:id/retry': { action: 'outbox.retry', objectType: 'outbox' },
  'POST /api/inbox/:id/read': { action: 'inbox.read', objectType: 'inbox_message', keepAfter: false },

  // cases helper (issue 10): the case's own timeline (case_event) is its history; the trail names the case.
  'POST /api/cases/preview': { action: 'case.preview', keepAfter: false },
  'POST /api/cases': { action: 'case.create', keepAfter: false, fromAnswer: (answer) => ({ type: 'case', id: answer.id as number, code: answer.number as string }) },
  'POST /api/cases/:id/actions': { action: 'case.action', objectType: 'case', keepAfter: false },
  'POST /api/cases/:id/photos': { action: 'case.photo', objectType: 'case' },
  'POST /api/public/cases': { action: 'case.public_create', keepAfter: false, fromAnswer: (answer) => ({ type: 'case', code: answer.number as string }) },
  'POST /api/public/cases/:token/photos': { action: 'case.public_photo', keepAfter: false },
  'POST /api/public/cases/:token/rating': { action: 'case.public_rating', keepAfter: false },

  // rosters (issue 11, docs/rosters.md): staff on a zone (the path's id is the zone), their rows, the patrol frequencies, the signboard switch.
  'POST /api/zones/:id/staff': { action: 'zone_staff.create', objectType: 'zone' },
  'POST /api/zones/:id/staff/shifts': { action: 'zone_staff.shifts', objectType: 'zone' },
  'PUT /api/zone-staff/:id': { action: 'zone_staff.update', objectType: 'zone_staff' },
  'DELETE /api/zone-staff/:id': { action: 'zone_staff.delete', objectType: 'zone_staff' },
  'PUT /api/patrol-requirements': { action: 'patrol_requirement.set', objectType: 'patrol_requirement' },
  'DELETE /api/patrol-requirements/:id': { action: 'patrol_requirement.delete', objectType: 'patrol_requirement' },
  'PUT /api/rosters/signboard-settings': { action: 'rosters.signboard_settings', objectType: 'staff_on_signboard' },
  // assessment (issue 11, docs/assessment.md): the district's rules (考核办法).
  'PUT /api/assessment/rules': { action: 'assessment_rules.update', objectType: 'assessment_rules' },
  // reports (issue 11): the exports of the rankings (with people's names and scores when by=person), and what is published.
  'GET /api/assessment/export.xlsx': { action: ({ request }) => (/person/.test(String(record(request.query).by)) ? 'export.personal' : 'assessment.export'), keepAfter: false },
  'GET /api/assessment/report.pdf': { action: ({ request }) => (/person/.test(String(record(request.query).by)) ? 'export.personal' : 'assessment.report'), keepAfter: false },
  'PUT /api/assessment/publication': { action: 'assessment_publication.update', objectType: 'assessment_publication' },
  // patrols helper (issue 11): positions are personal data (行踪轨迹), so no body is copied into the trail.
  'POST /api/patrols': { action: 'patrol.start', keepAfter: false, fromAnswer: (answer) => ({ type: 'patrol', id: answer.id as number }) },
  'POST /api/patrols/gpx': { action: 'patrol.gpx_upload', keepAfter: false, fromAnswer: (answer) => ({ type: 'patrol', id: answer.id as number }) },
  'POST /api/patrols/:id/fixes': { action: 'patrol.fixes', objectType: 'patrol', keepAfter: false },
  'POST /api/patrols/:id/stop': { action: 'patrol.stop', objectType: 'patrol', keepAfter: false },
  'POST /api/patrols/:id/discard': { action: 'patrol.discard', objectType: 'patrol', keepAfter: false },
  'POST /api/patrols/:id/findings': { action: 'patrol.finding', objectType: 'patrol', keepAfter: false },
}

/** The GET routes recorded (exports of personal data and of the trail itself). */
export const recordedReads = new Set(Object.keys(routeAudits).filter((key) => key.startsWith('GET ')))

async function partyBefore(db: Db, request: FastifyRequest): Promise<BeforeState | undefined> {
  const party = await findPartyById(db, paramId(request))
  return party && { state: party, object: { type: 'party', id: party.id, code: party.name } }
}

async function accountBefore(db: Db, request: FastifyRequest): Promise<BeforeState | undefined> {
  const account = await accountState(db, paramId(request))
  return account && { state: account, object: { type: 'account', id: account.id, code: account.login } }
}

async function categoryRoute(db: Db, zoneId: number, request: FastifyRequest) {
  const category = String((request.params as Params).category)
  const route = (await routesForZone(db, zoneId)).find((candidate) => candidate.category === category)
  return route ?? null
}

/** deadlines (issue 10): a calendar day before its change, named by the day. */
async function calendarDayBefore(db: Db, request: FastifyRequest): Promise<BeforeState | undefined> {
  const day = String((request.params as { day?: unknown }).day ?? '')
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) return undefined
  return { state: (await calendarDay(db, day)) ?? null, object: { type: 'calendar_day', id: day } }
}
