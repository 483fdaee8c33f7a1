import { DomainError, badRequest } from '../errors.js'
import { paperOf, pixelSize, paperSizes, type Orientation, type PaperSize } from './paper.js'

/**
 * What one signboard may cost the server. A PNG is rasterised whole in memory (4 bytes a pixel,
 * then the PNG encoder's copy): four A1 PNGs at 250 dpi once took 2.4 GB and over a minute each.
 * So a PNG is capped in pixels, and renders run a few at a time.
 */

/** About 100 MB of pixels: A1 up to 179 dpi, A2 254, A3 359, A4 508. */
export const MAX_PIXELS = 25_000_000

/** The highest dpi whose PNG of this paper stays within MAX_PIXELS (the same in both orientations). */
export function maxDpiFor(paper: PaperSize): number {
  const size = paperOf(paper)
  const area = (size.widthMm / 25.4) * (size.heightMm / 25.4)
  let dpi = Math.floor(Math.sqrt(MAX_PIXELS / area))
  while (dpi > 1 && pixelsAt(paper, 'landscape', dpi) > MAX_PIXELS) dpi--
  return dpi
}

const pixelsAt = (paper: PaperSize, orientation: Orientation | undefined, dpi: number) => {
  const size = pixelSize(paperOf(paper, orientation), dpi)
  return size.width * size.height
}

/** Refuses a PNG over the cap before anything is rendered, naming the field and the paper's maximum. */
export function checkPngSize(paper: PaperSize, orientation: Orientation | undefined, dpi: number, field: string): void {
  if (pixelsAt(paper, orientation, dpi) <= MAX_PIXELS) return
  const size = pixelSize(paperOf(paper, orientation), dpi)
  const max = maxDpiFor(paper)
  throw badRequest(
    'too_large',
    `A PNG of ${paper} paper at ${dpi} dpi would be ${size.width}×${size.height} pixels, over the cap of ${MAX_PIXELS / 1_000_000} megapixels: ${field} must be at most ${max} for ${paper}; use a lower dpi or the PDF`,
    [{ field, reason: `must be at most ${max} for ${paper} (a PNG is capped at ${MAX_PIXELS / 1_000_000} megapixels), got ${dpi}` }],
  )
}

/** The maximum dpi of every paper size, for the docs and the OpenAPI description. */
export const maxDpiByPaper = Object.fromEntries(paperSizes.map((paper) => [paper, maxDpiFor(paper)])) as Record<PaperSize, number>

export interface RenderSlotsOptions {
  /** Renders at once. */
  limit: number
  /** Requests that may wait for a slot; beyond that they are refused at once. */
  queue: number
  /** How long a request waits for a slot before it is refused. */
  waitMs: number
}

/** Seconds a refused client is told to wait (Retry-After). */
export const RETRY_AFTER_S = 5

/**
 * A counting semaphore for signboard renders. A request that finds every slot taken waits in a
 * short queue for a bounded time, else it is refused with 503 `busy`; a batch job waits its turn.
 */
export class RenderSlots {
  private running = 0
  private readonly waiting: { grant: () => void; timer?: NodeJS.Timeout }[] = []

  constructor(private options: RenderSlotsOptions) {}

  configure(options: Partial<RenderSlotsOptions>): void {
    this.options = { ...this.options, ...options }
  }

  get limit(): number {
    return this.options.limit
  }

  /** A slot for a request: waits at most `waitMs` in a queue of at most `queue`, else 503 busy. */
  async acquire(): Promise<() => void> {
    return this.take(true)
  }

  /** A slot for background work (a batch): waits as long as it takes. */
  async acquireEventually(): Promise<() => void> {
    return this.take(false)
  }

  private take(bounded: boolean): Promise<() => void> {
    if (this.running < this.options.limit) {
      this.running++
      return Promise.resolve(this.releaser())
    }
    if (bounded && this.waiting.filter((entry) => entry.timer).length >= this.options.queue) return Promise.reject(this.busy())
    return new Promise((resolve, reject) => {
      const entry: (typeof this.waiting)[number] = { grant: () => resolve(this.releaser()) }
      if (bounded) {
        entry.timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1)
          reject(this.busy())
        }, this.options.waitMs)
      }
      this.waiting.push(entry)
    })
  }

  private releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (!next) {
        this.running--
        return
      }
      // The slot passes straight to the next in line.
      clearTimeout(next.timer)
      next.grant()
    }
  }

  private busy(): DomainError {
    return new DomainError(
      'busy',
      `The server is rendering ${this.options.limit} signboard${this.options.limit === 1 ? '' : 's'} at once, its limit (SIGNBOARD_RENDERS), and ${this.options.queue} more are waiting: try again in ${RETRY_AFTER_S} seconds`,
    )
  }
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < minimum) throw new Error(`${name} must be a whole number of at least ${minimum}, got "${raw}"`)
  return value
}

/**
 * The process's one set of slots: memory is the process's, so every app in it shares them.
 * SIGNBOARD_RENDERS (default 2) renders at once, SIGNBOARD_RENDER_QUEUE (default 4) waiting.
 */
export const renderSlots = new RenderSlots({
  limit: positiveInteger(process.env, 'SIGNBOARD_RENDERS', 2, 1),
  queue: positiveInteger(process.env, 'SIGNBOARD_RENDER_QUEUE', 4, 0),
  waitMs: 20_000,
})
