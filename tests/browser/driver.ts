import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { inject } from 'vitest'
import { adminHeaders, CITY_PLANNER, DEMO_PASSWORD } from './accounts.js'

export { adminHeaders }

/**
 * A small given/when/then driver over the real page: it targets data-testid hooks and clicks the
 * map at known coordinates through window.jiezhang.
 */
export const screenshotDir = path.resolve('.test-results/screenshots')

export interface Driver {
  browser: Browser
  page: Page
  baseUrl: string
  consoleErrors: string[]
  close(): Promise<void>
}

export interface DriverOptions {
  /**
   * Who the page is signed in as before anything opens: a demo login (password
   * Demo-2026-jiezhang), the tests' city-wide planner (the default), or null for nobody.
   */
  as?: string | null
}

export async function openDriver({ as = CITY_PLANNER.login }: DriverOptions = {}): Promise<Driver> {
  const browser = await chromium.connect(inject('browserWsEndpoint'))
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  const consoleErrors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
  page.on('response', (response) => {
    if (response.status() >= 400) consoleErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`)
  })
  const driver: Driver = {
    browser,
    page,
    baseUrl: inject('browserBaseUrl'),
    consoleErrors,
    close: async () => {
      await context.close()
      await browser.close()
    },
  }
  if (as !== null) await givenISignedInAs(driver, as)
  return driver
}

/**
 * Signs the page in through the API: page.request shares the browser context's cookies, so the
 * session cookie it gets is the page's own (the sign-in page itself is tested in sign-in.test.ts).
 */
export async function givenISignedInAs(driver: Driver, login: string): Promise<void> {
  const password = login === CITY_PLANNER.login ? CITY_PLANNER.password : DEMO_PASSWORD
  const response = await driver.page.request.post(`${driver.baseUrl}/api/session`, { data: { login, password } })
  if (response.status() !== 200) throw new Error(`signing in as ${login}: ${response.status()} ${await response.text()}`)
}

/**
 * Opens the app and waits until the map has drawn the zones; returns how long that took in the
 * page, from the start of navigation to the map's first idle frame with the zones drawn.
 */
export async function givenTheAppIsOpen(driver: Driver, query = ''): Promise<number> {
  const started = Date.now()
  await driver.page.goto(`${driver.baseUrl}/${query}`)
  await driver.page.waitForFunction(() => window.jiezhang?.ready === true, null, { timeout: 60_000 })
  const elapsed = Date.now() - started
  const timings = await driver.page.evaluate(() => window.jiezhang.timings)
  console.log(`[browser] page ready in ${elapsed} ms; in-page timings ${JSON.stringify(timings, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`)
  return timings.idle ?? elapsed
}

export async function whenIClickTheMapAt(driver: Driver, lonLat: number[], options: { double?: boolean } = {}): Promise<void> {
  const { x, y } = await driver.page.evaluate(([lon, lat]) => window.jiezhang.controller.project([lon!, lat!]), lonLat)
  const box = (await driver.page.getByTestId('map').boundingBox())!
  if (options.double) await driver.page.mouse.dblclick(box.x + x, box.y + y)
  else await driver.page.mouse.click(box.x + x, box.y + y)
}

export async function whenIZoomTo(driver: Driver, bbox: number[], maxZoom = 18): Promise<void> {
  await driver.page.evaluate(([w, s, e, n, z]) => {
    window.jiezhang.map.fitBounds([[w!, s!], [e!, n!]], { animate: false, padding: 80, maxZoom: z! })
  }, [...bbox, maxZoom])
  await waitForMapIdle(driver)
}

export async function waitForMapIdle(driver: Driver): Promise<void> {
  await driver.page.evaluate(() => new Promise<void>((resolve) => {
    const map = window.jiezhang.map
    if (map.loaded() && !map.isMoving()) {
      map.once('idle', () => resolve())
      map.triggerRepaint()
    } else {
      map.once('idle', () => resolve())
    }
  }))
}

export async function whenIPress(driver: Driver, key: string): Promise<void> {
  await driver.page.keyboard.press(key)
}

/** Waits for the engine to have applied the edits the page made (each is counted on window). */
export async function waitForEdits(driver: Driver, atLeast: number): Promise<void> {
  await driver.page.waitForFunction((n) => window.jiezhang.edits >= n, atLeast, { timeout: 30_000 })
}

export async function thenSaveAScreenshot(driver: Driver, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true })
  const file = path.join(screenshotDir, `${name}.png`)
  await waitForMapIdle(driver)
  await driver.page.screenshot({ path: file })
  return file
}

/** The tests' own look at what the engine holds: as the bootstrap administrator, not as the page's person. */
export async function apiGet<T>(driver: Driver, pathAndQuery: string): Promise<T> {
  const response = await fetch(`${driver.baseUrl}${pathAndQuery}`, { headers: adminHeaders })
  if (!response.ok) throw new Error(`GET ${pathAndQuery}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

export interface DrawnZone {
  id: number
  kind: string
  code: string
  parent_code: string | null
}

/**
 * The zones the map has drawn in one of its layers (MapLibre's rendered features, one per zone):
 * at a coordinate when one is given (a few pixels around it), else anywhere in the view.
 */
export async function thenTheMapDraws(driver: Driver, layer: string, lonLat?: number[]): Promise<DrawnZone[]> {
  return driver.page.evaluate(([layerId, at]) => {
    const { map, controller } = window.jiezhang
    let hits
    if (at) {
      const { x, y } = controller.project(at)
      hits = map.queryRenderedFeatures([[x - 2, y - 2], [x + 2, y + 2]], { layers: [layerId] })
    } else {
      hits = map.queryRenderedFeatures({ layers: [layerId] })
    }
    const byId = new Map<number, DrawnZone>()
    for (const hit of hits) {
      const p = hit.properties
      byId.set(Number(p.id), { id: Number(p.id), kind: String(p.kind), code: String(p.code), parent_code: p.parent_code == null ? null : String(p.parent_code) })
    }
    return [...byId.values()].sort((a, b) => a.id - b.id)
  }, [layer, lonLat ?? null] as const)
}
