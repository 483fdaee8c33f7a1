import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { renderSlots } from '../../server/signboards/render-limits.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { seedSignboardDistrict } from './signboards.fixture.js'

describe('what one signboard request may cost', () => {
  let t: TestApp
  const defaults = { limit: renderSlots.limit }
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    await seedSignboardDistrict(t.handle.db)
  })
  afterAll(async () => t?.close())
  afterEach(() => renderSlots.configure({ limit: defaults.limit, queue: 4 }))

  it('refuses a PNG over the pixel cap with 400 too_large naming dpi and the maximum for the paper', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.png?paper=A1&dpi=250' })
    expect(response.statusCode).toBe(400)
    const { error } = response.json()
    expect(error.code).toBe('too_large')
    // 841 mm / 25.4 × 250 = 8277.6, 594 mm / 25.4 × 250 = 5846.5; at most 179 dpi for A1 (see render-limits.test.ts).
    expect(error.message).toContain('8278×5846 pixels')
    expect(error.message).toContain('at most 179 for A1')
    expect(error.details).toEqual([{ field: 'query.dpi', reason: expect.stringContaining('at most 179 for A1') }])
    const batch = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'TS', format: 'zip', file_format: 'png', paper: 'A2', dpi: 300 } })
    expect(batch.statusCode).toBe(400)
    expect(batch.json().error.details).toEqual([{ field: 'body.dpi', reason: expect.stringContaining('at most 254 for A2') }])
  })

  it('answers 503 busy with Retry-After while every render slot is taken and the queue is full, and renders again once one is free', async () => {
    renderSlots.configure({ limit: 1, queue: 0 })
    const held = await renderSlots.acquire()
    const busy = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.svg' })
    expect(busy.statusCode).toBe(503)
    expect(busy.headers['retry-after']).toBe('5')
    expect(busy.json().error).toMatchObject({ code: 'busy', message: expect.stringContaining('SIGNBOARD_RENDERS') })
    held()
    const after = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.svg' })
    expect(after.statusCode).toBe(200)
  })

  it('makes a batch wait for a slot rather than fail', async () => {
    renderSlots.configure({ limit: 1, queue: 0 })
    const held = await renderSlots.acquire()
    const start = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'TS-S01', kind: 'street', format: 'zip', file_format: 'svg' } })
    expect(start.statusCode).toBe(202)
    const id = start.json().id
    expect((await t.app.inject({ method: 'GET', url: `/api/signboards/jobs/${id}` })).json()).toMatchObject({ status: 'running', done: 0 })
    held()
    let job = { status: 'running' }
    for (let attempt = 0; attempt < 600 && job.status === 'running'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      job = (await t.app.inject({ method: 'GET', url: `/api/signboards/jobs/${id}` })).json()
    }
    expect(job).toMatchObject({ status: 'done', done: 1, total: 1 })
  })
})
