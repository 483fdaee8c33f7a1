import { afterEach, describe, expect, it, vi } from 'vitest'
import { DomainError } from '../errors.js'
import { checkPngSize, MAX_PIXELS, maxDpiFor, RenderSlots } from './render-limits.js'

describe('the PNG pixel cap', () => {
  it('allows each paper the highest dpi whose pixels stay within the cap', () => {
    // ISO 216 sides in mm over 25.4 mm per inch, times dpi, rounded (paper.ts pixelSize). A1 at
    // 179 dpi: 841 → 5926.7 → 5927 px, 594 → 4186.1 → 4186 px, 24 810 422 px; at 180:
    // 5960 × 4209 = 25 085 640 px, over 25 000 000. A2 at 254: 5940 × 4200 = 24 948 000; at 255:
    // 5963 × 4217 = 25 145 971. A3 at 359: 5936 × 4198 = 24 919 328; at 360: 5953 × 4209 = 25 056 177.
    // A4 at 508: 5940 × 4200; at 509: 5952 × 4208 = 25 046 016.
    expect(MAX_PIXELS).toBe(25_000_000)
    expect({ A1: maxDpiFor('A1'), A2: maxDpiFor('A2'), A3: maxDpiFor('A3'), A4: maxDpiFor('A4') }).toEqual({ A1: 179, A2: 254, A3: 359, A4: 508 })
  })

  it('refuses the A1 PNG at 250 dpi of the hostile test, naming dpi and the maximum for A1, in either orientation', () => {
    for (const orientation of ['landscape', 'portrait'] as const) {
      const refusal = (() => {
        try {
          checkPngSize('A1', orientation, 250, 'query.dpi')
        } catch (error) {
          return error as DomainError
        }
        return null
      })()
      expect(refusal).toBeInstanceOf(DomainError)
      expect(refusal).toMatchObject({ code: 'too_large', status: 400, details: [{ field: 'query.dpi', reason: expect.stringContaining('at most 179 for A1') }] })
      expect(refusal!.message).toContain('at most 179 for A1')
    }
    expect(() => checkPngSize('A1', 'landscape', 179, 'query.dpi')).not.toThrow()
  })
})

describe('render slots', () => {
  afterEach(() => vi.useRealTimers())

  it('lets `limit` renders run, queues `queue` more and refuses the next with 503 busy', async () => {
    const slots = new RenderSlots({ limit: 1, queue: 1, waitMs: 60_000 })
    const first = await slots.acquire()
    let secondGranted = false
    const second = slots.acquire().then((release) => {
      secondGranted = true
      return release
    })
    await expect(slots.acquire()).rejects.toMatchObject({ code: 'busy', status: 503, message: expect.stringContaining('SIGNBOARD_RENDERS') })
    expect(secondGranted).toBe(false)
    first()
    const releaseSecond = await second
    expect(secondGranted).toBe(true)
    releaseSecond()
    // Everything released: a new request runs at once.
    ;(await slots.acquire())()
  })

  it('refuses a queued request once it has waited waitMs, and lets background work wait on', async () => {
    vi.useFakeTimers()
    const slots = new RenderSlots({ limit: 1, queue: 2, waitMs: 1_000 })
    const held = await slots.acquire()
    const queued = slots.acquire()
    const background = slots.acquireEventually()
    const refused = expect(queued).rejects.toMatchObject({ code: 'busy' })
    await vi.advanceTimersByTimeAsync(1_001)
    await refused
    held()
    // The slot passes to the batch that waited past waitMs.
    ;(await background)()
  })

  it('counts a released slot once, however often release is called', async () => {
    const slots = new RenderSlots({ limit: 1, queue: 0, waitMs: 1_000 })
    const release = await slots.acquire()
    release()
    release()
    const again = await slots.acquire()
    await expect(slots.acquire()).rejects.toMatchObject({ code: 'busy' })
    again()
  })
})
