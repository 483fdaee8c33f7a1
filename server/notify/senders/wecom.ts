import type { NoticePayload } from '../notices.js'
import { postJson, robotResult, type SendResult } from './http.js'

/**
 * 企业微信 group robot (群机器人): POST JSON to the webhook URL
 * (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…). A message that @-mentions someone is
 * `text` with `mentioned_mobile_list` (markdown cannot mention by mobile); otherwise `markdown`.
 * Success is `{"errcode":0,"errmsg":"ok"}` (docs/notifications.md).
 */
export function wecomBody(payload: NoticePayload): unknown {
  if (payload.mobiles.length > 0) return { msgtype: 'text', text: { content: payload.text, mentioned_mobile_list: payload.mobiles } }
  return { msgtype: 'markdown', markdown: { content: payload.markdown } }
}

export async function sendWecom(url: string, payload: NoticePayload, timeoutMs: number): Promise<SendResult> {
  return robotResult(await postJson({ url, body: wecomBody(payload), timeoutMs }))
}
