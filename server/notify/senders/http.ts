/** What a send came to: sent, or an error kept in outbox.last_error (the row is retried). */
export type SendResult = { ok: true } | { ok: false; error: string }

export interface HttpSend {
  url: string
  headers?: Record<string, string>
  body: unknown
  timeoutMs: number
}

/** POSTs JSON with a timeout; the answer's status and text, or the reason nothing came back. */
export async function postJson(send: HttpSend): Promise<{ status: number; text: string } | { failed: string }> {
  try {
    const response = await fetch(send.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...send.headers },
      body: JSON.stringify(send.body),
      signal: AbortSignal.timeout(send.timeoutMs),
      redirect: 'error',
    })
    const text = await response.text()
    return { status: response.status, text: text.slice(0, 2000) }
  } catch (error) {
    const reason = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${send.timeoutMs} ms` : (error.cause instanceof Error ? error.cause.message : error.message)) : String(error)
    return { failed: reason }
  }
}

/** The group robots' reply: HTTP 200 and JSON `{"errcode":0,…}`; anything else is an error. */
export function robotResult(answer: { status: number; text: string } | { failed: string }): SendResult {
  if ('failed' in answer) return { ok: false, error: answer.failed }
  if (answer.status < 200 || answer.status > 299) return { ok: false, error: `HTTP ${answer.status}: ${answer.text.slice(0, 200)}` }
  let reply: unknown
  try {
    reply = JSON.parse(answer.text)
  } catch {
    return { ok: false, error: `HTTP ${answer.status}, not JSON: ${answer.text.slice(0, 200)}` }
  }
  const errcode = (reply as { errcode?: unknown } | null)?.errcode
  if (errcode === 0) return { ok: true }
  const errmsg = (reply as { errmsg?: unknown } | null)?.errmsg
  return { ok: false, error: `errcode ${String(errcode)}: ${typeof errmsg === 'string' ? errmsg.slice(0, 200) : ''}` }
}
