import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local stand-in for the services the outbox talks to, on 127.0.0.1 at a random port, that
 * records every request and answers like the real ones:
 * - `/wecom/send?key=…` — 企业微信 group robot: `{"errcode":0,"errmsg":"ok"}`; a body without a known
 *   msgtype gets errcode 40008 (invalid message type);
 * - `/dingtalk/send?access_token=…` — 钉钉 custom robot: with a secret set, checks `timestamp` (within
 *   an hour of the receiver's clock) and `sign` = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`))
 *   exactly as DingTalk does, else errcode 310000 (sign not match);
 * - `/sms` — the SMS gateway of docs/notifications.md: `Authorization: Bearer <token>`, JSON {to, text}: 200.
 * `failNext(path, statuses)` makes the next requests to a path answer those HTTP statuses first.
 */
export interface ReceivedRequest {
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: unknown
  answered: number
}

export interface WebhookReceiver {
  url: string
  requests: ReceivedRequest[]
  /** What the DingTalk robot verifies signatures with (null: a robot without 加签). */
  dingtalkSecret: string | null
  smsToken: string
  /** The receiver's "now" for DingTalk's one-hour window (default the real clock). */
  clock: () => number
  failNext: (path: string, ...statuses: number[]) => void
  /** Requests to a path wait this long before answering (a timeout test). */
  delayMs: Map<string, number>
  close: () => Promise<void>
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const failures = new Map<string, number[]>()
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    dingtalkSecret: null,
    smsToken: 'sms-gateway-test-token',
    clock: () => Date.now(),
    failNext: (path, ...statuses) => failures.set(path, [...(failures.get(path) ?? []), ...statuses]),
    delayMs: new Map(),
    close: async () => {},
  }
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      const text = await readBody(request)
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        /* recorded as text */
      }
      const answer = (status: number, json: unknown) => {
        receiver.requests.push({ path: url.pathname, query: url.searchParams, headers: request.headers, body, answered: status })
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
        response.end(JSON.stringify(json))
      }
      const delay = receiver.delayMs.get(url.pathname)
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay))
      const failing = failures.get(url.pathname)
      if (failing?.length) return answer(failing.shift()!, { error: 'scripted failure' })
      const message = body as { msgtype?: string } | null
      switch (url.pathname) {
        case '/wecom/send':
          if (!url.searchParams.get('key')) return answer(200, { errcode: 93000, errmsg: 'invalid webhook url' })
          if (message?.msgtype !== 'markdown' && message?.msgtype !== 'text') return answer(200, { errcode: 40008, errmsg: 'invalid message type' })
          return answer(200, { errcode: 0, errmsg: 'ok' })
        case '/dingtalk/send': {
          if (!url.searchParams.get('access_token')) return answer(200, { errcode: 300001, errmsg: 'token is not exist' })
          if (receiver.dingtalkSecret !== null) {
            const timestamp = Number(url.searchParams.get('timestamp'))
            const sign = url.searchParams.get('sign') ?? ''
            if (!Number.isFinite(timestamp) || Math.abs(receiver.clock() - timestamp) > 3_600_000) {
              return answer(200, { errcode: 310000, errmsg: 'timestamp is not within one hour' })
            }
            const expected = createHmac('sha256', receiver.dingtalkSecret).update(`${timestamp}\n${receiver.dingtalkSecret}`).digest()
            const given = Buffer.from(sign, 'base64')
            if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(200, { errcode: 310000, errmsg: 'sign not match' })
          }
          if (message?.msgtype !== 'text') return answer(200, { errcode: 40035, errmsg: 'missing msgtype' })
          return answer(200, { errcode: 0, errmsg: 'ok' })
        }
        case '/sms':
          if (request.headers.authorization !== `Bearer ${receiver.smsToken}`) return answer(401, { error: 'unauthorized' })
          return answer(200, { id: `sms-${receiver.requests.length + 1}` })
        default:
          return answer(404, { error: 'no such path' })
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()))
  return receiver
}
