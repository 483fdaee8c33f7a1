import { describe, expect, it } from 'vitest'
import { WorkLock } from './work-lock.js'

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('the work lock', () => {
  it('makes a writer wait until the snapshot reader (a batch) has released, and lets writers share', async () => {
    const lock = new WorkLock()
    const releaseBatch = await lock.acquireSnapshot()
    const order: string[] = []
    const writer = lock.acquireWrite().then((release) => {
      order.push('writer')
      return release
    })
    await tick()
    expect(order).toEqual([])
    expect(lock.state).toMatchObject({ snapshotReaders: 1, waitingWriters: 1 })
    order.push('batch done')
    releaseBatch()
    const releaseWriter = await writer
    expect(order).toEqual(['batch done', 'writer'])
    // A second writer does not wait for the first: PGlite orders their statements itself.
    const releaseSecond = await lock.acquireWrite()
    expect(lock.state.writers).toBe(2)
    releaseWriter()
    releaseSecond()
    expect(lock.state).toMatchObject({ writers: 0, snapshotReaders: 0 })
  })

  it('lets a waiting writer go before a batch that comes after it', async () => {
    const lock = new WorkLock()
    const releaseFirst = await lock.acquireSnapshot()
    const order: string[] = []
    const writer = lock.acquireWrite().then((release) => {
      order.push('writer')
      return release
    })
    const secondBatch = lock.acquireSnapshot().then((release) => {
      order.push('second batch')
      return release
    })
    await tick()
    releaseFirst()
    const releaseWriter = await writer
    await tick()
    expect(order).toEqual(['writer'])
    releaseWriter()
    ;(await secondBatch)()
    expect(order).toEqual(['writer', 'second batch'])
  })

  it('lets long work wait for foreground requests between statements, but not for ever', async () => {
    const lock = new WorkLock()
    const leave = lock.enterForeground()
    let resumed = false
    const pause = lock.yieldToForeground(10_000).then(() => (resumed = true))
    await tick()
    await tick()
    expect(resumed).toBe(false)
    leave()
    await pause
    expect(resumed).toBe(true)
    // Under a request that does not end, the pause ends at its bound.
    lock.enterForeground()
    await lock.yieldToForeground(20)
    expect(lock.state.foreground).toBe(1)
  })

  it('releases once however often the release is called', async () => {
    const lock = new WorkLock()
    const release = await lock.acquireSnapshot()
    release()
    release()
    expect(lock.state.snapshotReaders).toBe(0)
  })
})
