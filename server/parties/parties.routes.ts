import { assertPartyInScope, assertPartyReadable, maskPartyPhones, partiesVisibleSql, phoneSearchableSql } from '../auth/scope.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, IdParams } from '../kernel/schemas.js'
import { CreatePartyBody, Party, PartyList, PartyListQuery, UpdatePartyBody, VersionQuery } from './parties.schemas.js'
import { createParty, deleteParty, getParty, searchParties, updateParty } from './parties.service.js'

/** Parties: chiefs, departments, merchants and fall-back parties. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const errors = errorResponses(400, 404, 409, 413, 415, 422)
  const deleted = { type: 'null', description: 'Deleted' } as const

  app.get(
    '/parties',
    {
      config: { access: 'parties.read' },
      schema: {
        tags: ['parties'],
        summary: 'Find parties by type and name or phone, with the zones each answers for now',
        querystring: PartyListQuery,
        response: { 200: PartyList, ...errorResponses(400) },
      },
    },
    async (request) => {
      // A scoped reader finds the parties of its scope only, and a phone only where it sees it unmasked.
      const scope = { within: partiesVisibleSql(request.actor!), phoneSearchable: phoneSearchableSql(request.actor) }
      return maskPartyPhones(app.db, request.actor, await searchParties(app.db, request.query, scope))
    },
  )

  app.get(
    '/parties/:id',
    { config: { access: 'parties.read' }, schema: { tags: ['parties'], summary: 'One party', params: IdParams, response: { 200: Party, ...errorResponses(400, 404) } } },
    async (request) => {
      const party = await getParty(app.db, request.params.id)
      await assertPartyReadable(app.db, request.actor!, party.id)
      return (await maskPartyPhones(app.db, request.actor, [party]))[0]
    },
  )

  app.post(
    '/parties',
    {
      config: { access: 'parties.edit' },
      schema: {
        tags: ['parties'],
        summary: 'Create a party; department names are unique',
        body: CreatePartyBody,
        response: { 201: Party, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await createParty(app.db, request.body)),
  )

  app.patch(
    '/parties/:id',
    {
      config: { access: 'parties.edit' },
      schema: {
        tags: ['parties'],
        summary: 'Change a party, naming the version edited (a stale one is a 409)',
        params: IdParams,
        body: UpdatePartyBody,
        response: { 200: Party, ...errors },
      },
    },
    async (request) => {
      await assertPartyInScope(app.db, request.actor!, 'parties.edit', request.params.id)
      return updateParty(app.db, request.params.id, request.body)
    },
  )

  app.delete(
    '/parties/:id',
    {
      config: { access: 'parties.edit' },
      schema: {
        tags: ['parties'],
        summary: 'Delete a party that answers for nothing and has no history',
        params: IdParams,
        querystring: VersionQuery,
        response: { 204: deleted, ...errors },
      },
    },
    async (request, reply) => {
      await assertPartyInScope(app.db, request.actor!, 'parties.edit', request.params.id)
      await deleteParty(app.db, request.params.id, request.query.version)
      return reply.status(204).send(null)
    },
  )
}

export default routes
