import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app.js'

/** Sends two requests on one kept-alive connection: the second only once the first is answered. */
function twoRequestsOnOneConnection(port: number, first: string, second: string, between: () => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const answers: string[] = []
    let text = ''
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${first} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`)
      between()
    })
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8')
      const end = text.indexOf('\r\n\r\n')
      const length = /content-length: (\d+)/i.exec(text.slice(0, end))
      if (end < 0 || !length || text.length < end + 4 + Number(length[1])) return
      answers.push(text.slice(0, end + 4 + Number(length[1])))
      text = text.slice(end + 4 + Number(length[1]))
      if (answers.length === 1) socket.write(`GET ${second} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`)
      else socket.end()
    })
    socket.on('close', () => resolve(answers))
    socket.on('error', reject)
    setTimeout(() => reject(new Error(`no second answer after 5 s: ${JSON.stringify(answers)}`)), 5000)
  })
}

describe('a request on a kept-alive connection while the server shuts down', () => {
  it('gets 503 shutting_down in the error envelope with Retry-After, and the connection closes', async () => {
    const app = await buildApp({ db: {} as never })
    app.get('/test/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      return { done: true }
    })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    let closing: Promise<void> | undefined
    const answers = await twoRequestsOnOneConnection(Number(new URL(address).port), '/test/slow', '/api/health', () => {
      // The shutdown starts while the first request is in flight, as SIGTERM would.
      setTimeout(() => (closing = app.close()), 50)
    })
    await closing
    expect(answers).toHaveLength(2)
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /)
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /)
    expect(answers[1]).toMatch(/\r\nretry-after: \d+\r\n/i)
    expect(answers[1]).toMatch(/\r\nconnection: close\r\n/i)
    const body = JSON.parse(answers[1]!.slice(answers[1]!.indexOf('\r\n\r\n') + 4))
    expect(body).toEqual({ error: { code: 'shutting_down', message: expect.stringMatching(/shutting down/) } })
  })
})
