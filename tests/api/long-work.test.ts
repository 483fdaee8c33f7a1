import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../server/app.js'
import { workLockOf } from '../../server/db/work-lock.js'
import { DEMO_FILE } from '../../server/transfer/demo.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { adminHeaders } from '../helpers/auth.js'

/**
 * Long work must not starve the embedded database's one connection (issue 13, defect 6): a batch
 * of 200,000 points once held it in one transaction, and every single resolution waited for it.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t?.close())

/** 200,000 points over the demo's extent, in a seeded order (a linear congruential walk). */
function batchPoints() {
  let state = 13
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
  return Array.from({ length: 200_000 }, (_, id) => ({ id, lon: 120.1521 + next() * 0.0147, lat: 30.2656 + next() * 0.0108 }))
}

const singleResolve = () => t.app.inject({ method: 'GET', url: '/api/resolve?lon=120.1595&lat=30.2711' })

describe('a large batch and the rest of the server', () => {
  it('answers single resolutions one after another while a 200,000-point batch runs', async () => {
    const order: string[] = []
    const batch = t.app.inject({ method: 'POST', url: '/api/resolve/batch', payload: { points: batchPoints() } }).then((response) => {
      order.push('batch')
      return response
    })
    // Five resolutions in sequence: in one long transaction, all but perhaps the first would wait for the batch.
    for (let i = 0; i < 5; i++) {
      const single = await singleResolve()
      expect(single.statusCode).toBe(200)
      order.push(`single ${i}`)
    }
    const answer = await batch
    expect(answer.statusCode).toBe(200)
    expect((answer.json() as { results: unknown[] }).results).toHaveLength(200_000)
    expect(order).toEqual(['single 0', 'single 1', 'single 2', 'single 3', 'single 4', 'batch'])
  })

  it('keeps one view of the data for the whole batch: on the embedded database a write waits for it', async () => {
    const order: string[] = []
    const batch = t.app.inject({ method: 'POST', url: '/api/resolve/batch', payload: { points: batchPoints() } }).then((response) => {
      order.push('batch')
      return response
    })
    const lock = workLockOf(t.handle.db)
    if (lock) {
      // Embedded: the batch holds the snapshot side of the work lock while it runs.
      while (lock.state.snapshotReaders === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    } else {
      // PostgreSQL: the batch's repeatable-read transaction is its view; a single resolution
      // answered first is enough to know the batch is under way.
      await singleResolve()
    }
    const write = await t.app.inject({ method: 'POST', url: '/api/parties', payload: { type: 'department', name: '长任务测试部门' } })
    expect(write.statusCode).toBe(201)
    order.push('write')
    if (lock) {
      // The write was sent while the batch held its view and came through only once it let go
      // (the batch's answer may still be streaming out: its reads are done).
      expect(lock.state.snapshotReaders).toBe(0)
    }
    expect((await batch).statusCode).toBe(200)
    // On PostgreSQL the write is not held up at all: it is done long before the batch.
    if (!lock) expect(order).toEqual(['write', 'batch'])
  })

  it('keeps the connection of a long import open past the idle timeout, and answers it', async () => {
    // An idle timeout of 100 ms, far shorter than a dry run of the demo's 324 features takes.
    const app = await buildApp({ db: t.handle.db, timeouts: { idleMs: 100 } })
    await app.listen({ host: '127.0.0.1', port: 0 })
    try {
      const port = (app.server.address() as AddressInfo).port
      const body = readFileSync(DEMO_FILE, 'utf8').replace(/330105/g, '610105')
      const response = await fetch(`http://127.0.0.1:${port}/api/import?dry_run=1`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...adminHeaders },
      })
      expect(response.status).toBe(200)
      expect(((await response.json()) as { dry_run: boolean }).dry_run).toBe(true)
    } finally {
      await app.close()
    }
  })
})
