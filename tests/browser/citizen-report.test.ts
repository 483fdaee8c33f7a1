import { mkdirSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pointOnFeature } from '@turf/turf'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { inject } from 'vitest'
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { adminHeaders } from './accounts.js'

/**
 * A citizen on a phone (390×844) scans a signboard: 我要反映问题, a category, a description and
 * a photo, and gets the case number and the follow-up link; the follow-up page says 已上报. Once
 * with the phone's position (a fixed point on a demo frontage), once with it refused: then the
 * case is placed by the signboard's street.
 */

const baseUrl = () => inject('browserBaseUrl')

async function api<T>(pathAndQuery: string): Promise<T> {
  const response = await fetch(`${baseUrl()}${pathAndQuery}`, { headers: adminHeaders })
  if (!response.ok) throw new Error(`GET ${pathAndQuery}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** A 40×30 PNG of one colour, built here (RFC 2083: signature, IHDR, IDAT, IEND). */
function smallPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([length, body, sum])
  }
  const width = 40, height = 30
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([200, 16, 46]))])
  const pixels = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))])
}

interface Resolution {
  status: string
  primary: { zone: { kind: string; code: string } } | null
  chain: { zone: { kind: string; code: string } }[]
}
interface CaseView {
  id: number
  number: string
  state: string
  location: { lon: number; lat: number }
  flags: string[]
  photos: { content_type: string }[]
}

let browser: Browser
let target: { lon: number; lat: number; street: string }
const errors: string[] = []

async function phone(geolocation: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    ...(geolocation ? { geolocation: { longitude: target.lon, latitude: target.lat, accuracy: 8 }, permissions: ['geolocation'] } : { permissions: [] }),
  })
  const page = await context.newPage()
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.request().method()} ${response.url()}`)
  })
  return { context, page }
}

/** From the signboard's page to the number: the whole report as a citizen makes it. */
async function report(page: Page, description: string): Promise<{ number: string; followUrl: string }> {
  await page.goto(`${baseUrl()}/r/${target.street}`)
  await page.getByTestId('report').tap()
  await page.waitForURL(/\/report\?kind=street$/)
  const category = page.getByTestId('category')
  await expect.poll(() => category.locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(1)
  const first = await category.locator('option').nth(1).getAttribute('value')
  await category.selectOption(first!)
  await page.getByTestId('description').fill(description)
  await expect.poll(() => page.getByTestId('count').textContent()).toBe(`${description.length} / 500`)
  await page.getByTestId('photo').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: smallPng() })
  await expect.poll(() => page.getByTestId('preview').isVisible(), { timeout: 10_000 }).toBe(true)
  await page.getByTestId('submit').tap()
  const number = page.getByTestId('case-number')
  await expect.poll(() => number.isVisible(), { timeout: 20_000 }).toBe(true)
  const text = (await number.textContent())!.trim()
  const followUrl = (await page.getByTestId('follow-link').getAttribute('href'))!
  return { number: text, followUrl }
}

/** A step of the workflow as the administrator (every permission, every scope) takes it. */
async function adminStep(id: number, body: Record<string, unknown>): Promise<{ version: number; state: string }> {
  const current = await api<{ version: number }>(`/api/cases/${id}`)
  const response = await fetch(`${baseUrl()}/api/cases/${id}/actions`, {
    method: 'POST', headers: { ...adminHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ version: current.version, ...body }),
  })
  if (!response.ok) throw new Error(`${String(body.action)}: ${response.status} ${await response.text()}`)
  return (await response.json()) as { version: number; state: string }
}

async function caseByNumber(number: string): Promise<CaseView> {
  const list = await api<{ cases: { id: number; number: string }[] }>(`/api/cases?q=${encodeURIComponent(number)}`)
  const found = list.cases.find((c) => c.number === number)
  expect(found, `case ${number} in the list`).toBeDefined()
  return api<CaseView>(`/api/cases/${found!.id}`)
}

beforeAll(async () => {
  browser = await chromium.connect(inject('browserWsEndpoint'))
  // A point inside a demo frontage that the engine resolves to it, and the street it lies on.
  const frontages = await api<FeatureCollection<Polygon | MultiPolygon, { kind: string }>>('/api/zones?kind=frontage&limit=10000')
  for (const frontage of frontages.features.slice(0, 30)) {
    const [lon, lat] = pointOnFeature(frontage).geometry.coordinates as [number, number]
    const resolved = await api<Resolution>(`/api/resolve?lon=${lon}&lat=${lat}`)
    const street = resolved.chain.find((link) => link.zone.kind === 'street')
    if (resolved.primary?.zone.kind === 'frontage' && street) {
      target = { lon: Number(lon.toFixed(6)), lat: Number(lat.toFixed(6)), street: street.zone.code }
      break
    }
  }
  expect(target, 'a demo frontage on a street').toBeDefined()
})

afterAll(async () => {
  await browser?.close()
})

describe("the citizen's report from a signboard", () => {
  it('files a report with the phone\'s position and a photo, keeps its number over a reload, and follows it up as 已上报', { timeout: 120_000 }, async () => {
    const { context, page } = await phone(true)
    try {
      const { number, followUrl } = await report(page, '人行道上堆了建筑垃圾，挡住了盲道')
      expect(number).toMatch(/^\d{8}-\d+$/)
      expect(followUrl).toMatch(/^\/c\/[A-Za-z0-9_-]+$/)
      await expect.poll(() => page.getByTestId('where').textContent()).toContain('已获取您的位置')

      // The number stays on the page after a reload (localStorage).
      await page.reload()
      await expect.poll(() => page.getByTestId('case-number').textContent(), { timeout: 10_000 }).toBe(number)

      const stored = await caseByNumber(number)
      expect(stored.state).toBe('reported')
      expect(stored.location.lon).toBeCloseTo(target.lon, 5)
      expect(stored.location.lat).toBeCloseTo(target.lat, 5)
      expect(stored.flags).not.toContain('location_from_signboard')
      // The photo went up as the page's JPEG (resized in a canvas), not as the PNG chosen.
      expect(stored.photos.map((p) => p.content_type)).toEqual(['image/jpeg'])

      await page.getByTestId('follow-link').tap()
      await page.waitForURL(new RegExp(`${followUrl}$`))
      await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toBe('已上报')
      expect(await page.getByTestId('case-number').textContent()).toBe(number)
      mkdirSync('.test-results/screenshots', { recursive: true })
      await page.screenshot({ path: '.test-results/screenshots/citizen-follow-up.png' })
    } finally {
      await context.close()
    }
  })

  it("files with the signboard's street when the phone's position is refused", { timeout: 120_000 }, async () => {
    const { context, page } = await phone(false)
    try {
      const { number } = await report(page, '路灯不亮')
      await expect.poll(() => page.getByTestId('where').textContent()).toContain('将按二维码所在的')
      const stored = await caseByNumber(number)
      expect(stored.flags).toContain('location_from_signboard')
      const resolved = await api<Resolution>(`/api/resolve?lon=${stored.location.lon}&lat=${stored.location.lat}`)
      expect(resolved.chain.map((link) => link.zone.code)).toContain(target.street)
      await page.goto(`${baseUrl()}/c/${(await page.getByTestId('follow-link').getAttribute('href'))!.slice(3)}`)
      await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toBe('已上报')
    } finally {
      await context.close()
    }
    expect(errors).toEqual([])
  })

  it('lets the citizen rate the closed case once on the follow-up page, with the Chinese messages for no star and for a second rating', { timeout: 120_000 }, async () => {
    // The report through the citizen's route, closed by the administrator through the workflow.
    const categories = await api<{ id: number }[]>(`/api/public/categories?lon=${target.lon}&lat=${target.lat}`)
    const filed = await fetch(`${baseUrl()}/api/public/cases`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category_id: categories[0]!.id, description: '店外占道摆放货架', location: { lon: target.lon, lat: target.lat, accuracy_m: 10 } }),
    })
    expect(filed.status).toBe(201)
    const { number, token } = (await filed.json()) as { number: string; token: string }
    const id = (await caseByNumber(number)).id
    await adminStep(id, { action: 'file' })
    await adminStep(id, { action: 'dispatch' })
    const upload = await fetch(`${baseUrl()}/api/cases/${id}/photos?purpose=feedback`, { method: 'POST', headers: { ...adminHeaders, 'content-type': 'image/png' }, body: new Uint8Array(smallPng()) })
    expect(upload.status).toBe(201)
    await adminStep(id, { action: 'handle', note: '货架已搬回店内', photo_ids: [((await upload.json()) as { id: number }).id] })
    expect((await adminStep(id, { action: 'close', note: '核查通过' })).state).toBe('closed')

    const first = await phone(false)
    const second = await first.context.newPage()
    try {
      const { page } = first
      await page.goto(`${baseUrl()}/c/${token}`)
      await second.goto(`${baseUrl()}/c/${token}`)
      await expect.poll(() => page.getByTestId('state').textContent(), { timeout: 10_000 }).toBe('已结案')
      // No star chosen: the page says so in Chinese and sends nothing.
      await page.getByTestId('rate').tap()
      await expect.poll(() => page.getByTestId('rating-error').textContent()).toBe('请选择 1 到 5 颗星。')
      await page.locator('label[for="star-4"]').tap()
      await page.getByTestId('comment').fill('处理很快，谢谢')
      await page.getByTestId('rate').tap()
      await expect.poll(() => page.getByTestId('rated').isVisible(), { timeout: 10_000 }).toBe(true)
      expect(await page.getByTestId('rated').textContent()).toContain('★★★★☆')
      expect(await page.getByTestId('rated').textContent()).toContain('处理很快，谢谢')
      expect(await page.getByTestId('rating-form').count()).toBe(0)
      expect(await page.getByTestId('state').textContent()).toBe('已评价')

      // The other tab still shows the form: its rating is refused (409) with the Chinese reason.
      await second.locator('label[for="star-1"]').tap()
      await second.getByTestId('rate').tap()
      await expect.poll(() => second.getByTestId('rating-error').textContent(), { timeout: 10_000 }).toBe('此问题已评价过或尚未结案，无法评价。')
      const stored = await api<{ state: string; rating: number; rating_comment: string }>(`/api/cases/${id}`)
      expect(stored).toMatchObject({ state: 'evaluated', rating: 4, rating_comment: '处理很快，谢谢' })
    } finally {
      await first.context.close()
    }
    expect(errors.filter((error) => !(error.startsWith('409 POST') && error.includes(`/api/public/cases/${token}/rating`)) && !error.includes('409 (Conflict)'))).toEqual([])
  })
})
