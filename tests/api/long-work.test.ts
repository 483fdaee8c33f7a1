import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../server/app.js'
import { workLockOf } from '../../server/db/work-lock.js'
import { DEMO_FILE } from '../../server/transfer/demo.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { adminHeaders } from '../helpers/auth.js'
import { standbyOf } from '../../server/resolve/import-standby.js'
import { ANSWERED_FROM_HEADER } from '../../server/http/work-lock-hooks.js'
import { tiledDemo } from '../../scripts/bench/tiled-demo.js'

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

describe('a large import and single resolutions', () => {
  it('answers a resolution while an import holds the embedded database, with the state before the import', async () => {
    const db = t.handle.db
    const lock = workLockOf(db)
    // A resolution the database answers: its credentials are then known to be good (import-standby.ts).
    const before = await singleResolve()
    expect(before.statusCode).toBe(200)
    // The demo tiled 6 times: 1,944 features, a transaction of seconds on the embedded database.
    const order: string[] = []
    const importing = t.app.inject({ method: 'POST', url: '/api/import?dry_run=1', payload: tiledDemo(6) }).then((response) => {
      order.push('import')
      return response
    })
    if (lock) {
      // Wait until the import's transaction holds the connection and has read its standby.
      while (standbyOf(db) === null && order.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      expect(order).toEqual([])
      expect(await standbyOf(db)).not.toBeNull()
      const during = await singleResolve()
      order.push('resolve')
      expect(during.statusCode).toBe(200)
      expect(during.headers[ANSWERED_FROM_HEADER]).toBe('import-standby')
      // The state before the import, which is also the state after this dry run.
      expect(during.json()).toEqual(before.json())
      // A resolution the standby does not answer (a past instant) waits for the database.
      const past = t.app.inject({ method: 'GET', url: '/api/resolve?lon=120.1595&lat=30.2711&at=2024-01-01T00:00:00Z' }).then((response) => {
        order.push('resolve at')
        return response
      })
      expect((await importing).statusCode).toBe(200)
      expect((await past).statusCode).toBe(200)
      expect(order).toEqual(['resolve', 'import', 'resolve at'])
      expect(standbyOf(db)).toBeNull()
    } else {
      // PostgreSQL: other connections answer; no standby is needed or made.
      const during = await singleResolve()
      expect(during.statusCode).toBe(200)
      expect(during.headers[ANSWERED_FROM_HEADER]).toBeUndefined()
      expect((await importing).statusCode).toBe(200)
    }
    const after = await singleResolve()
    expect(after.headers[ANSWERED_FROM_HEADER]).toBeUndefined()
    expect(after.json()).toEqual(before.json())
  })

  it('does not answer from the standby for a caller the database has not accepted before the import', async () => {
    const db = t.handle.db
    const lock = workLockOf(db)
    const order: string[] = []
    const importing = t.app.inject({ method: 'POST', url: '/api/import?dry_run=1', payload: tiledDemo(6) }).then((response) => {
      order.push('import')
      return response
    })
    while (lock && standbyOf(db) === null && order.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(order).toEqual([])
    // A bad token: the standby does not know it, so it waits for the database, which refuses it.
    const stranger = await t.app.inject({ method: 'GET', url: '/api/resolve?lon=120.1595&lat=30.2711', headers: { authorization: 'Bearer not-a-real-token-0000000000' } })
    order.push('stranger')
    expect(stranger.statusCode).toBe(401)
    expect((await importing).statusCode).toBe(200)
    // Embedded: it was answered once the import let go. PostgreSQL: at once, on another connection.
    expect(order).toEqual(lock ? ['import', 'stranger'] : ['stranger', 'import'])
  })
})
