import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses, IdParams } from '../kernel/schemas.js'
import './delivery.js'
import {
  CreateChannelBody,
  InboxList,
  InboxMessage,
  InboxQuery,
  NotifyChannel,
  NotifyChannelList,
  OutboxList,
  OutboxParams,
  OutboxQuery,
  OutboxRow,
  UpdateChannelBody,
} from './notify.schemas.js'
import { setNoticeSettings } from './settings.js'
import { createChannel, deleteChannel, listChannels, listInbox, listOutbox, markInboxRead, retryOutbox, updateChannel } from './notify.service.js'

/** Notification channels, the outbox and the in-app inbox (docs/notifications.md). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Links in messages point to this server's public address (PUBLIC_URL).
  setNoticeSettings({ publicUrl: app.config.publicUrl })
  const tags = ['notify']
  const writeErrors = errorResponses(400, 403, 404, 409, 415)

  app.get(
    '/notify/channels',
    { config: { access: 'cases.configure' }, schema: { tags, summary: 'Notification channels (group robots, SMS numbers) in your scope', response: { 200: NotifyChannelList, ...errorResponses() } } },
    async (request) => ({ channels: await listChannels(app.db, request.actor!) }),
  )
  app.post(
    '/notify/channels',
    { config: { access: 'cases.configure' }, schema: { tags, summary: "Add a channel: a road's liaison group robot, a department's robot, an SMS number", body: CreateChannelBody, response: { 201: NotifyChannel, ...writeErrors } } },
    async (request, reply) => reply.status(201).send(await createChannel(app.db, request.actor!, request.body)),
  )
  app.patch(
    '/notify/channels/:id',
    { config: { access: 'cases.configure' }, schema: { tags, summary: 'Change a channel (secret: a new one, or null to remove it)', params: IdParams, body: UpdateChannelBody, response: { 200: NotifyChannel, ...writeErrors } } },
    async (request) => updateChannel(app.db, request.actor!, request.params.id, request.body),
  )
  app.delete(
    '/notify/channels/:id',
    { config: { access: 'cases.configure' }, schema: { tags, summary: 'Remove a channel', params: IdParams, response: { 200: Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) }), ...errorResponses(400, 403, 404) } } },
    async (request) => deleteChannel(app.db, request.actor!, request.params.id),
  )

  // Access 'session', checked inside: either cases.dispatch or cases.configure lets one read it.
  app.get(
    '/outbox',
    { config: { access: 'session' }, schema: { tags, summary: 'Queued, sent and dead messages (cases.dispatch or cases.configure; your scope)', querystring: OutboxQuery, response: { 200: OutboxList, ...errorResponses(400, 403) } } },
    async (request) => listOutbox(app.db, request.actor!, request.query),
  )
  app.post(
    '/outbox/:id/retry',
    { config: { access: 'session' }, schema: { tags, summary: 'Send a dead message again (dead → pending, attempts from 0)', params: OutboxParams, response: { 200: OutboxRow, ...errorResponses(400, 403, 404, 409) } } },
    async (request) => retryOutbox(app.db, request.actor!, request.params.id),
  )

  app.get(
    '/inbox',
    { config: { access: 'session' }, schema: { tags, summary: "The signed-in person's inbox: their party's messages", querystring: InboxQuery, response: { 200: InboxList, ...errorResponses(400) } } },
    async (request) => listInbox(app.db, request.actor!, request.query),
  )
  app.post(
    '/inbox/:id/read',
    { config: { access: 'session' }, schema: { tags, summary: 'Mark an inbox message read', params: OutboxParams, response: { 200: InboxMessage, ...errorResponses(400, 404) } } },
    async (request) => markInboxRead(app.db, request.actor!, request.params.id),
  )
}

export default routes
