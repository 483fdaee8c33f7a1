import { createHmac } from 'node:crypto'
import type { NoticePayload } from '../notices.js'
import { postJson, robotResult, type SendResult } from './http.js'

/**
 * 钉钉 custom robot (自定义机器人): POST JSON `{msgtype:'text', text:{content}, at:{atMobiles}}`
 * to the webhook URL (https://oapi.dingtalk.com/robot/send?access_token=…). With 加签 (a secret
 * starting SEC…), `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(secret,
 * `${timestamp}\n${secret}`))) are appended as query parameters; DingTalk refuses a timestamp
 * more than an hour off. Success is `{"errcode":0,"errmsg":"ok"}`.
 */
export function dingtalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64')
}

export function dingtalkUrl(url: string, secret: string | null, timestamp: number): string {
  if (!secret) return url
  // encodeURIComponent is the urlencode of the documented examples (+, / and = escaped).
  const separator = url.includes('?') ? '&' : '?'
  return `${url}${separator}timestamp=${timestamp}&sign=${encodeURIComponent(dingtalkSign(secret, timestamp))}`
}

export function dingtalkBody(payload: NoticePayload): unknown {
  // A mobile in atMobiles is only mentioned when the text names it as @mobile.
  const mentions = payload.mobiles.map((mobile) => `@${mobile}`).join(' ')
  return {
    msgtype: 'text',
    text: { content: mentions ? `${payload.text}\n${mentions}` : payload.text },
    at: { atMobiles: payload.mobiles, isAtAll: false },
  }
}

export async function sendDingtalk(url: string, secret: string | null, payload: NoticePayload, now: Date, timeoutMs: number): Promise<SendResult> {
  return robotResult(await postJson({ url: dingtalkUrl(url, secret, now.getTime()), body: dingtalkBody(payload), timeoutMs }))
}
