import { Type, type Static } from 'typebox'
import { literals, nullable } from '../kernel/schemas.js'

export const channelKinds = ['wecom', 'dingtalk', 'sms'] as const
export const outboxStates = ['pending', 'sending', 'sent', 'dead'] as const

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })

export const NotifyChannel = Type.Object({
  id: Type.Integer(),
  kind: literals(channelKinds, '企业微信 group robot, 钉钉 robot, or an SMS number'),
  name: Type.String(),
  zone: nullable(Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() })),
  party: nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  target: Type.String({ description: 'The webhook URL (its key shown in part only) or the phone number' }),
  has_secret: Type.Boolean({ description: 'A 钉钉 signing secret is set; the secret itself is never returned' }),
  enabled: Type.Boolean(),
  version: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
})
export type NotifyChannel = Static<typeof NotifyChannel>

export const NotifyChannelList = Type.Object({ channels: Type.Array(NotifyChannel) })

export const CreateChannelBody = Type.Object(
  {
    kind: literals(channelKinds),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    zone_id: Type.Optional(nullable(Id)),
    party_id: Type.Optional(nullable(Id)),
    target: Type.String({ minLength: 1, maxLength: 500 }),
    secret: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type CreateChannelBody = Static<typeof CreateChannelBody>

export const UpdateChannelBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    zone_id: Type.Optional(nullable(Id)),
    party_id: Type.Optional(nullable(Id)),
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    secret: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type UpdateChannelBody = Static<typeof UpdateChannelBody>

export const OutboxRow = Type.Object({
  id: Type.Integer(),
  channel: Type.String(),
  notify_channel_id: nullable(Type.Integer()),
  target: Type.String(),
  case_id: nullable(Type.Integer()),
  event: Type.String(),
  title: Type.String(),
  text: Type.String(),
  state: literals(outboxStates),
  attempts: Type.Integer(),
  next_attempt_at: Type.String({ format: 'date-time' }),
  last_error: nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  sent_at: nullable(Type.String({ format: 'date-time' })),
})
export type OutboxRow = Static<typeof OutboxRow>

export const OutboxQuery = Type.Object(
  {
    state: Type.Optional(literals(outboxStates)),
    case_id: Type.Optional(Id),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
)
export type OutboxQuery = Static<typeof OutboxQuery>

export const OutboxList = Type.Object({ rows: Type.Array(OutboxRow), next_before: nullable(Type.Integer()) })

export const OutboxParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

export const InboxMessage = Type.Object({
  id: Type.Integer(),
  party_id: Type.Integer(),
  case_id: nullable(Type.Integer()),
  case_number: nullable(Type.String()),
  title: Type.String(),
  body: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  read_at: nullable(Type.String({ format: 'date-time' })),
})
export type InboxMessage = Static<typeof InboxMessage>

export const InboxQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean()),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
)
export type InboxQuery = Static<typeof InboxQuery>

export const InboxList = Type.Object({
  party_ids: Type.Array(Type.Integer(), { description: "The parties whose inbox this is: the account's party and those of its party grants" }),
  unread: Type.Integer(),
  messages: Type.Array(InboxMessage),
  next_before: nullable(Type.Integer()),
})
