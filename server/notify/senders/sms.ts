import type { NoticePayload } from '../notices.js'
import { postJson, type SendResult } from './http.js'

/**
 * SMS through a configurable HTTP gateway (SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN): POST JSON
 * `{"to":"+8613800000053","text":"…"}` with `Authorization: Bearer <token>`; any 2xx is sent,
 * anything else (or no answer within the timeout) is retried. A small adapter in front of the
 * operator's SMS platform (阿里云, 腾讯云 短信 with their templates) speaks this (docs/notifications.md).
 */
export function smsBody(to: string, payload: NoticePayload): { to: string; text: string } {
  return { to, text: payload.text }
}

export async function sendSms(gateway: { url: string; token: string | null } | null, to: string, payload: NoticePayload, timeoutMs: number): Promise<SendResult> {
  if (!gateway) return { ok: false, error: 'no SMS gateway is configured (SMS_GATEWAY_URL)' }
  const answer = await postJson({
    url: gateway.url,
    headers: gateway.token ? { authorization: `Bearer ${gateway.token}` } : {},
    body: smsBody(to, payload),
    timeoutMs,
  })
  if ('failed' in answer) return { ok: false, error: answer.failed }
  if (answer.status >= 200 && answer.status <= 299) return { ok: true }
  return { ok: false, error: `HTTP ${answer.status}: ${answer.text.slice(0, 200)}` }
}
