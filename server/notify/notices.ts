import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { smsNumber } from '../kernel/phone.js'
import { noticeSettings } from './settings.js'

/** The steps of a case that tell someone (common10: the shared contract of issue 10). */
export type CaseNoticeEvent = 'dispatched' | 'warning' | 'overdue' | 'escalated' | 'sent_back' | 'closed' | 'handed_back'
export const caseNoticeEvents: readonly CaseNoticeEvent[] = ['dispatched', 'warning', 'overdue', 'escalated', 'sent_back', 'closed', 'handed_back']

export type OutboxChannel = 'wecom' | 'dingtalk' | 'sms' | 'inbox'

/** What a queued message carries: each sender builds its own request from it. */
export interface NoticePayload {
  title: string
  /** Plain text (SMS, DingTalk text, the inbox body). */
  text: string
  /** The same as WeCom markdown. */
  markdown: string
  case_id: number
  number: string
  url: string
  /** Mobiles to @-mention in a group robot's message (the assignee's, when it is a mobile). */
  mobiles: string[]
}

const titles: Record<CaseNoticeEvent, string> = {
  dispatched: '新派遣案卷',
  warning: '案卷临近处置时限',
  overdue: '案卷已超过处置时限',
  escalated: '超时案卷升级督办',
  sent_back: '案卷核查未通过，返工',
  closed: '案卷已核查结案',
  handed_back: '案卷被回退，待重新派遣',
}

/** An instant as Beijing time (UTC+8, no daylight saving): 2026-12-02 14:30. */
export function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** Where a message links to: the case in the staff app. */
export function caseUrl(publicUrl: string, caseId: number): string {
  return `${publicUrl}/?case=${caseId}`
}

interface CaseForNotice {
  id: number
  number: string
  category: string
  address: string | null
  zone_name: string | null
  due_at: Date | null
  assignee_party_id: number | null
  owner_party_id: number | null
  department_id: number | null
  zone_ids: number[]
  rework_count: number
  extension_count: number
  handback_count: number
  escalation_level: number
}

interface PartyForNotice {
  id: number
  name: string
  phone: string | null
}

/**
 * The step number a message is deduplicated by when the caller gives none: a step that can
 * happen again (a second dispatch after a hand-back, a second rework, the next escalation, a
 * warning after an extension) gets a new number, a retry of the same step the same one.
 */
function defaultStep(event: CaseNoticeEvent, row: CaseForNotice): number {
  switch (event) {
    case 'dispatched':
    case 'handed_back':
      return row.handback_count + row.rework_count
    case 'warning':
    case 'overdue':
      return row.extension_count
    case 'escalated':
      return row.escalation_level
    case 'sent_back':
      return row.rework_count
    case 'closed':
      return 0
  }
}

function composeText(event: CaseNoticeEvent, row: CaseForNotice, url: string, escalatedTo: PartyForNotice | null): { title: string; text: string; markdown: string } {
  const title = titles[event]
  const place = row.address ?? row.zone_name ?? '（无地址）'
  const lines = [`【街长制】${title}`, `案卷：${row.number}（${row.category}）`, `地点：${place}`]
  if (row.due_at && event !== 'closed') lines.push(`处置时限：${beijingTime(row.due_at)}（北京时间）`)
  if (escalatedTo) lines.push(`升级至：${escalatedTo.name}`)
  lines.push(`查看：${url}`)
  const markdown = [
    `**${title}**`,
    `> 案卷：<font color="info">${row.number}</font>（${row.category}）`,
    `> 地点：${place}`,
    ...(row.due_at && event !== 'closed' ? [`> 处置时限：<font color="warning">${beijingTime(row.due_at)}</font>（北京时间）`] : []),
    ...(escalatedTo ? [`> 升级至：${escalatedTo.name}`] : []),
    `[查看案卷](${url})`,
  ].join('\n')
  return { title, text: lines.join('\n'), markdown }
}

interface Queued {
  channel: OutboxChannel
  target: string
  notifyChannelId: number | null
}

/**
 * Queues the messages a step of a case sends: called inside the transaction that makes the step,
 * so they exist exactly when the step does. Recipients (docs/notifications.md):
 * - the assignee party (for `escalated` also `options.partyId`, the party up the chain; a case
 *   without an assignee: its owner): an inbox message, delivered here in the same transaction,
 *   and an SMS to its phone when an SMS gateway is configured and the phone is a mobile;
 * - every enabled notify_channel whose zone is one of the case's zones, or whose party is the
 *   assignee, the escalation party or the department (a road's liaison group robot).
 * Each row's dedupe_key is `${caseId}:${event}:${step}:${channel}:${target}`, so a retried step
 * queues nothing twice.
 */
export async function queueCaseNotices(
  tx: DbOrTx,
  caseId: number,
  event: CaseNoticeEvent,
  options: { step?: number; partyId?: number } = {},
): Promise<void> {
  if (!caseNoticeEvents.includes(event)) throw new Error(`unknown case notice event "${String(event)}"`)
  const settings = noticeSettings()
  const { rows } = await sql<CaseForNotice>`
    SELECT c.id, c.number, cat.name AS category, c.address, z.name AS zone_name, c.due_at,
           c.assignee_party_id, c.owner_party_id, c.department_id, c.zone_ids,
           c.rework_count, c.extension_count, c.handback_count, c.escalation_level
      FROM case_file c
      JOIN category cat ON cat.id = c.category_id
      LEFT JOIN zone z ON z.id = c.owner_zone_id
     WHERE c.id = ${caseId}`.execute(tx)
  const row = rows[0]
  if (!row) throw new Error(`case ${caseId} does not exist`)
  const step = options.step ?? defaultStep(event, row)

  const personal = new Set<number>()
  const assignee = row.assignee_party_id ?? row.owner_party_id
  if (assignee !== null) personal.add(assignee)
  if (event === 'escalated' && options.partyId !== undefined) personal.add(options.partyId)
  const partyIds = [...personal]
  const parties = partyIds.length
    ? (await sql<PartyForNotice>`SELECT id, name, phone FROM party WHERE id = ANY(${partyIds}::int[])`.execute(tx)).rows
    : []
  const escalatedTo = event === 'escalated' && options.partyId !== undefined ? (parties.find((p) => p.id === options.partyId) ?? null) : null

  const url = caseUrl(settings.publicUrl, row.id)
  const { title, text, markdown } = composeText(event, row, url, escalatedTo)
  const assigneeMobile = smsNumber(parties.find((p) => p.id === assignee)?.phone)
  const mobiles = assigneeMobile ? [assigneeMobile.replace(/^\+86/, '')] : []
  const payload: NoticePayload = { title, text, markdown, case_id: row.id, number: row.number, url, mobiles }

  const queued: Queued[] = []
  for (const party of parties) {
    queued.push({ channel: 'inbox', target: String(party.id), notifyChannelId: null })
    const mobile = settings.smsGateway ? smsNumber(party.phone) : null
    if (mobile) queued.push({ channel: 'sms', target: mobile, notifyChannelId: null })
  }
  const channelParties = [...partyIds, ...(row.department_id !== null ? [row.department_id] : [])]
  const { rows: channels } = await sql<{ id: number; kind: 'wecom' | 'dingtalk' | 'sms'; target: string }>`
    SELECT id, kind, target FROM notify_channel
     WHERE enabled AND (zone_id = ANY(${row.zone_ids}::int[]) OR party_id = ANY(${channelParties}::int[]))
     ORDER BY id`.execute(tx)
  for (const channel of channels) {
    if (channel.kind === 'sms' && !settings.smsGateway) continue
    queued.push({ channel: channel.kind, target: channel.kind === 'sms' ? (smsNumber(channel.target) ?? channel.target) : channel.target, notifyChannelId: channel.id })
  }

  for (const message of queued) {
    // The channel id, not the URL, names a robot in the key: a secret URL is not repeated in it.
    const target = message.notifyChannelId !== null ? `c${message.notifyChannelId}` : message.target
    const dedupeKey = `${caseId}:${event}:${step}:${message.channel}:${target}`
    const inserted = await sql<{ id: string }>`
      INSERT INTO outbox (channel, notify_channel_id, target, case_id, event, payload, dedupe_key)
      VALUES (${message.channel}, ${message.notifyChannelId}, ${message.target}, ${caseId}, ${event},
              ${JSON.stringify(payload)}::jsonb, ${dedupeKey})
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id`.execute(tx)
    const outboxId = inserted.rows[0]?.id
    if (outboxId !== undefined && message.channel === 'inbox') {
      // The inbox is this database: delivered at once, in the step's own transaction.
      await deliverToInbox(tx, outboxId, Number(message.target), caseId, payload)
    }
  }
}

/** Puts an outbox row into its party's inbox and marks it sent; a second delivery changes nothing. */
export async function deliverToInbox(tx: DbOrTx, outboxId: string, partyId: number, caseId: number | null, payload: NoticePayload): Promise<void> {
  await sql`
    INSERT INTO inbox_message (party_id, case_id, outbox_id, title, body)
    VALUES (${partyId}, ${caseId}, ${outboxId}, ${payload.title}, ${payload.text})
    ON CONFLICT (outbox_id) DO NOTHING`.execute(tx)
  await sql`
    UPDATE outbox SET state = 'sent', sent_at = now(), attempts = attempts + 1, leased_until = NULL, last_error = NULL
     WHERE id = ${outboxId}`.execute(tx)
}
