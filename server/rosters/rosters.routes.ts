import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  assertGlobalScope, assertZoneInScope, assertZoneReadable, assertZonesInScopeLocked, installPhoneMasking, zonesInScopeSql,
} from '../auth/scope.js'
import type { DbOrTx } from '../db/database.js'
import { notFound } from '../errors.js'
import { errorResponses, IdParams } from '../kernel/schemas.js'
import { findZoneById } from '../zones/zones.repository.js'
import {
  CreateStaffBody, DeleteStaffQuery, GapsQuery, GapsReport, PutRequirementBody, PutSignboardSettingBody, Requirement, RequirementsAnswer,
  RequirementsQuery, SignboardSetting, SixStaffReport, SplitShiftsBody, Staff, StaffList, StaffListQuery, UpdateStaffBody,
} from './rosters.schemas.js'
import { deleteRequirement, effectiveRequirements, listRequirements, putRequirement, requirementById, requirementTarget } from './requirements.service.js'
import { listSignboardSettings, putSignboardSetting, settingJurisdiction } from './signboard-settings.js'
import { sixStaffGaps, sixStaffReport } from './six-staff.service.js'
import { createSplitShifts, createStaff, deleteStaff, listStaff, readDay, staffZoneId, updateStaff } from './staff.service.js'

/** Duties and rosters (五定, 下沉六员): staff, shifts and required patrol frequencies per zone (docs/rosters.md) */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  // The staff's phones: private ones masked unless the caller has parties.contact in scope.
  installPhoneMasking(app)
  const errors = errorResponses(400, 403, 404, 409, 413, 415, 422)
  const tags = ['rosters']

  /** 404 for a zone that does not exist, then the scoped read of zones (as assignments: the zone itself in scope). */
  const readableZone = async (actor: Parameters<typeof assertZoneReadable>[1], id: number) => {
    const zone = await findZoneById(app.db, id)
    if (!zone) throw notFound(`Zone ${id}`)
    await assertZoneReadable(app.db, actor, 'zones.read', id)
    return zone
  }
  const lockedScope = (actor: Parameters<typeof assertZoneReadable>[1], zoneId: number) => ({
    checkScope: (tx: DbOrTx) => assertZonesInScopeLocked(tx, actor, 'rosters.edit', [zoneId]),
  })

  app.get(
    '/zones/:id/staff',
    {
      config: { access: 'zones.read' },
      schema: { tags, summary: "A zone's staff (五定): people, roles, 六员 kinds, shifts, duties and standards", params: IdParams, querystring: StaffListQuery, response: { 200: StaffList, ...errors } },
    },
    async (request) => {
      await readableZone(request.actor!, request.params.id)
      const at = request.query.at === undefined ? undefined : readDay(request.query.at, 'at')
      return listStaff(app.db, [request.params.id], at ? { at } : {})
    },
  )

  app.post(
    '/zones/:id/staff',
    {
      config: { access: 'rosters.edit' },
      schema: { tags, summary: 'Put a person on a zone, with a role, a 六员 kind, a shift, duties and standards', params: IdParams, body: CreateStaffBody, response: { 201: Staff, ...errors } },
    },
    async (request, reply) => {
      if (!(await findZoneById(app.db, request.params.id))) throw notFound(`Zone ${request.params.id}`)
      await assertZoneInScope(app.db, request.actor!, 'rosters.edit', request.params.id)
      return reply.status(201).send(await createStaff(app.db, request.params.id, request.body, lockedScope(request.actor!, request.params.id)))
    },
  )

  app.post(
    '/zones/:id/staff/shifts',
    {
      config: { access: 'rosters.edit' },
      schema: {
        tags,
        summary: 'The shift helper: a day (e.g. 07:00–23:00) cut into N equal shifts, one person each; all rows or none',
        params: IdParams,
        body: SplitShiftsBody,
        response: { 201: StaffList, ...errors },
      },
    },
    async (request, reply) => {
      if (!(await findZoneById(app.db, request.params.id))) throw notFound(`Zone ${request.params.id}`)
      await assertZoneInScope(app.db, request.actor!, 'rosters.edit', request.params.id)
      return reply.status(201).send(await createSplitShifts(app.db, request.params.id, request.body, lockedScope(request.actor!, request.params.id)))
    },
  )

  app.put(
    '/zone-staff/:id',
    {
      config: { access: 'rosters.edit' },
      schema: { tags, summary: 'Change a staff row (the whole row, at the version read)', params: IdParams, body: UpdateStaffBody, response: { 200: Staff, ...errors } },
    },
    async (request) => {
      const zoneId = await staffZoneId(app.db, request.params.id)
      if (zoneId === undefined) throw notFound(`Staff ${request.params.id}`)
      await assertZoneInScope(app.db, request.actor!, 'rosters.edit', zoneId)
      return updateStaff(app.db, request.params.id, request.body, lockedScope(request.actor!, zoneId))
    },
  )

  app.delete(
    '/zone-staff/:id',
    {
      config: { access: 'rosters.edit' },
      schema: { tags, summary: 'Take a person off a zone (at the version read)', params: IdParams, querystring: DeleteStaffQuery, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      const zoneId = await staffZoneId(app.db, request.params.id)
      if (zoneId === undefined) throw notFound(`Staff ${request.params.id}`)
      await assertZoneInScope(app.db, request.actor!, 'rosters.edit', zoneId)
      await deleteStaff(app.db, request.params.id, request.query.version, lockedScope(request.actor!, zoneId))
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/zones/:id/six-staff',
    {
      config: { access: 'zones.read' },
      schema: { tags, summary: "A street's 下沉六员: which of the six departments have staff on it, which are missing", params: IdParams, querystring: StaffListQuery, response: { 200: SixStaffReport, ...errors } },
    },
    async (request) => {
      const zone = await readableZone(request.actor!, request.params.id)
      return sixStaffReport(app.db, zone, readDay(request.query.at, 'at'))
    },
  )

  app.get(
    '/rosters/gaps',
    {
      config: { access: 'zones.read' },
      schema: { tags, summary: 'Streets missing any of the six departments’ staff (下沉六员), in the caller’s scope', querystring: GapsQuery, response: { 200: GapsReport, ...errors } },
    },
    async (request) => {
      const at = readDay(request.query.at, 'at')
      let withinId: number | null = null
      if (request.query.within !== undefined) {
        const zone = await app.db.selectFrom('zone').select('id').where('code', '=', request.query.within).orderBy('id').executeTakeFirst()
        if (!zone) throw notFound(`Zone ${request.query.within}`)
        await assertZoneReadable(app.db, request.actor!, 'zones.read', zone.id, { context: true })
        withinId = zone.id
      }
      return sixStaffGaps(app.db, at, { readable: zonesInScopeSql(request.actor!, 'zones.read'), withinId })
    },
  )

  app.get(
    '/patrol-requirements',
    {
      config: { access: 'zones.read' },
      schema: {
        tags,
        summary: 'Required patrol frequencies: per zone kind, per-zone overrides, and with zone_id what that zone requires role by role',
        querystring: RequirementsQuery,
        response: { 200: RequirementsAnswer, ...errors },
      },
    },
    async (request) => {
      const listed = await listRequirements(app.db, zonesInScopeSql(request.actor!, 'zones.read'))
      if (request.query.zone_id === undefined) return listed
      await readableZone(request.actor!, request.query.zone_id)
      return { ...listed, effective: (await effectiveRequirements(app.db, [request.query.zone_id])).get(request.query.zone_id)! }
    },
  )

  app.put(
    '/patrol-requirements',
    {
      config: { access: 'rosters.edit' },
      schema: {
        tags,
        summary: "Set one role's required patrols for a zone kind (scope all) or for one zone (its override)",
        body: PutRequirementBody,
        response: { 200: Requirement, 201: Requirement, ...errors },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const { zoneKind, zoneId } = requirementTarget(request.body)
      if (zoneId === null) await assertGlobalScope(app.db, actor, 'rosters.edit', `The patrol requirement of every ${zoneKind}`)
      else {
        if (!(await findZoneById(app.db, zoneId))) throw notFound(`Zone ${zoneId}`)
        await assertZoneInScope(app.db, actor, 'rosters.edit', zoneId)
      }
      const { created, requirement } = await putRequirement(app.db, request.body, {
        checkScope: async (tx) => {
          if (zoneId !== null) await assertZonesInScopeLocked(tx, actor, 'rosters.edit', [zoneId])
        },
      })
      return reply.status(created ? 201 : 200).send(requirement)
    },
  )

  app.delete(
    '/patrol-requirements/:id',
    {
      config: { access: 'rosters.edit' },
      schema: { tags, summary: "Remove a requirement (a zone's override: its kind's row applies again)", params: IdParams, querystring: DeleteStaffQuery, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      const actor = request.actor!
      const requirement = await requirementById(app.db, request.params.id)
      if (!requirement) throw notFound(`Requirement ${request.params.id}`)
      if (requirement.zone === null) await assertGlobalScope(app.db, actor, 'rosters.edit', `The patrol requirement of every ${requirement.zone_kind}`)
      else await assertZoneInScope(app.db, actor, 'rosters.edit', requirement.zone.id)
      await deleteRequirement(app.db, request.params.id, request.query.version, {
        checkScope: async (tx) => {
          if (requirement.zone !== null) await assertZonesInScopeLocked(tx, actor, 'rosters.edit', [requirement.zone.id])
        },
      })
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/rosters/signboard-settings',
    {
      config: { access: 'zones.read' },
      schema: { tags, summary: 'Where the signboards list the publicly shown staff (per jurisdiction, per kind)', response: { 200: Type.Array(SignboardSetting), ...errors } },
    },
    async () => listSignboardSettings(app.db),
  )

  app.put(
    '/rosters/signboard-settings',
    {
      config: { access: 'rosters.edit' },
      schema: {
        tags,
        summary: 'Switch the staff on or off the signboards of a jurisdiction (and kind), or of a kind city-wide (scope all)',
        body: PutSignboardSettingBody,
        response: { 200: SignboardSetting, 201: SignboardSetting, ...errors },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const jurisdictionId = await settingJurisdiction(app.db, request.body)
      if (jurisdictionId === null) await assertGlobalScope(app.db, actor, 'rosters.edit', 'A signboard switch without a jurisdiction')
      else await assertZoneInScope(app.db, actor, 'rosters.edit', jurisdictionId)
      const { created, setting } = await putSignboardSetting(app.db, jurisdictionId, request.body, {
        checkScope: async (tx) => {
          if (jurisdictionId !== null) await assertZonesInScopeLocked(tx, actor, 'rosters.edit', [jurisdictionId])
        },
      })
      return reply.status(created ? 201 : 200).send(setting)
    },
  )
}

export default routes
