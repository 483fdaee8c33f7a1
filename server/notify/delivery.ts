import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { registerJob } from '../jobs/scheduler.js'
import { deliverToInbox, type NoticePayload, type OutboxChannel } from './notices.js'
import { noticeSettings, type NoticeSettings } from './settings.js'
import { sendDingtalk } from './senders/dingtalk.js'
import type { SendResult } from './senders/http.js'
import { sendSms } from './senders/sms.js'
import { sendWecom } from './senders/wecom.js'

/** The wait before attempt n+1 after n failed ones: 1 min, 5 min, 30 min, 2 h, then 6 h each. */
const backoffMs = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000]
export function retryDelayMs(failedAttempts: number): number {
  return backoffMs[failedAttempts - 1] ?? 6 * 3_600_000
}

interface TakenRow {
  id: string
  channel: OutboxChannel
  target: string
  case_id: number | null
  payload: NoticePayload
  attempts: number
  secret: string | null
}

export interface DeliveryReport {
  sent: number
  retried: number
  dead: number
}

/**
 * One delivery run: takes the due rows under a lease (pending ones whose time has come, and
 * `sending` ones whose lease expired: their process died mid-send), sends each, and marks it sent,
 * or pending again after its back-off, or dead after the last attempt. At least once: a process
 * that dies between a send and its mark sends the message again when the lease has expired.
 */
export async function deliverOutbox(db: Db, now: Date, settings: NoticeSettings = noticeSettings()): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, dead: 0 }
  const leasedUntil = new Date(now.getTime() + settings.leaseMs)
  const { rows } = await sql<TakenRow>`
    WITH taken AS (
      UPDATE outbox SET state = 'sending', leased_until = ${leasedUntil}, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM outbox
          WHERE (state = 'pending' AND next_attempt_at <= ${now}) OR (state = 'sending' AND leased_until <= ${now})
          ORDER BY next_attempt_at, id
          LIMIT ${settings.batchSize}
          FOR UPDATE SKIP LOCKED)
      RETURNING id, channel, target, case_id, payload, attempts, notify_channel_id)
    SELECT taken.id, taken.channel, taken.target, taken.case_id, taken.payload, taken.attempts, nc.secret
      FROM taken LEFT JOIN notify_channel nc ON nc.id = taken.notify_channel_id
     ORDER BY taken.id`.execute(db)
  for (const row of rows) {
    const result = await sendOne(db, row, now, settings)
    if (result.ok) {
      if (row.channel !== 'inbox') {
        await sql`
          UPDATE outbox SET state = 'sent', sent_at = ${now}, leased_until = NULL, last_error = NULL
           WHERE id = ${row.id} AND state = 'sending' AND attempts = ${row.attempts}`.execute(db)
      }
      report.sent++
    } else if (row.attempts >= settings.maxAttempts) {
      await sql`
        UPDATE outbox SET state = 'dead', leased_until = NULL, last_error = ${result.error.slice(0, 2000)}
         WHERE id = ${row.id} AND state = 'sending' AND attempts = ${row.attempts}`.execute(db)
      report.dead++
    } else {
      await sql`
        UPDATE outbox SET state = 'pending', leased_until = NULL, last_error = ${result.error.slice(0, 2000)},
               next_attempt_at = ${new Date(now.getTime() + retryDelayMs(row.attempts))}
         WHERE id = ${row.id} AND state = 'sending' AND attempts = ${row.attempts}`.execute(db)
      report.retried++
    }
  }
  return report
}

async function sendOne(db: Db, row: TakenRow, now: Date, settings: NoticeSettings): Promise<SendResult> {
  try {
    switch (row.channel) {
      case 'wecom':
        return await sendWecom(row.target, row.payload, settings.sendTimeoutMs)
      case 'dingtalk':
        return await sendDingtalk(row.target, row.secret, row.payload, now, settings.sendTimeoutMs)
      case 'sms':
        return await sendSms(settings.smsGateway, row.target, row.payload, settings.sendTimeoutMs)
      case 'inbox':
        await deliverToInbox(db, row.id, Number(row.target), row.case_id, row.payload)
        return { ok: true }
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

export const OUTBOX_JOB = 'outbox-delivery'

registerJob({
  name: OUTBOX_JOB,
  intervalMs: 15_000,
  run: async (db, now) => {
    await deliverOutbox(db, now)
  },
})
