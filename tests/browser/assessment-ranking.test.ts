import path from 'node:path'
import type { AddressInfo } from 'node:net'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildApp } from '../../server/app.js'
import { bootstrapAccounts } from '../../server/auth/bootstrap.js'
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js'
import { migrate } from '../../server/db/migrate.js'
import { loadDemo } from '../../server/transfer/demo.js'
import { DEMO_PASSWORD } from './accounts.js'

/**
 * The ranking page 考核排行 (issue 11): a leader opens it, ranks the grids by patrols and colours
 * the map by them; a patrol with its credit on one grid is written (as a stopped patrol leaves it,
 * straight into this test's own database); after 刷新 the grid's count is one more and its colour
 * on the map is another. The file serves the built app over a database of its own (the demo
 * district), so that it can write the patrol with SQL.
 */
let handle: DatabaseHandle
let app: FastifyInstance
let baseUrl: string
let browser: Browser
let context: BrowserContext
let page: Page
const failures: string[] = []

beforeAll(async () => {
  handle = await connectDatabase({})
  await migrate(handle)
  await loadDemo(handle.db)
  await bootstrapAccounts(handle.db, { demo: true })
  app = await buildApp({ db: handle.db, publicUrl: 'http://127.0.0.1', rateLimits: 'off' })
  await app.register(fastifyStatic, { root: path.resolve('dist/client'), wildcard: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  browser = await chromium.connect(inject('browserWsEndpoint'))
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' })
  page = await context.newPage()
  page.on('pageerror', (error) => failures.push(error.message))
  page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.request().method()} ${response.url()}`)
  })
  const signIn = await page.request.post(`${baseUrl}/api/session`, { data: { login: 'leader', password: DEMO_PASSWORD } })
  if (signIn.status() !== 200) throw new Error(`signing in as leader: ${signIn.status()} ${await signIn.text()}`)
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await app?.close()
  await handle?.close()
})

/** The colour the grid layer paints at a point of the map (the feature MapLibre rendered there). */
async function colourAt(lonLat: [number, number]): Promise<string | null> {
  return page.evaluate(([lon, lat]) => {
    const { map, controller } = window.jiezhang
    const { x, y } = controller.project([lon!, lat!])
    const hits = map.queryRenderedFeatures([[x - 2, y - 2], [x + 2, y + 2]], { layers: ['assessment-grid-fill'] })
    return hits[0] ? String(hits[0].properties.colour) : null
  }, lonLat)
}

async function mapIdle(): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => {
    const map = window.jiezhang.map
    map.once('idle', () => resolve())
    map.triggerRepaint()
  }))
}

describe('the ranking page', () => {
  it('a leader sees a grid’s patrol count and colour; a patrol on that grid is written; after 刷新 both change', { timeout: 240_000 }, async () => {
    const { rows } = await sql<{ id: number; code: string; name: string; lon: number; lat: number; w: number; s: number; e: number; n: number }>`
      SELECT id, code, name, ST_X(p) AS lon, ST_Y(p) AS lat, ST_XMin(g) AS w, ST_YMin(g) AS s, ST_XMax(g) AS e, ST_YMax(g) AS n
      FROM (SELECT id, code, name, area AS g, ST_PointOnSurface(area) AS p FROM zone WHERE kind = 'grid' ORDER BY code LIMIT 1) grid`.execute(handle.db)
    const grid = rows[0]!
    const before = (await sql<{ count: number }>`SELECT count(*)::int AS count FROM patrol_credit WHERE zone_id = ${grid.id}`.execute(handle.db)).rows[0]!.count

    // Given the map app is open, when the leader opens 考核排行 and ranks grids by 巡查次数, with the map coloured by it.
    await page.goto(`${baseUrl}/`)
    await page.waitForFunction(() => window.jiezhang?.ready === true, null, { timeout: 60_000 })
    await page.getByTestId('ranking-tool').click()
    await expect.poll(() => page.getByTestId('ranking-panel').isVisible()).toBe(true)
    await page.getByTestId('rank-sort').selectOption('patrols')
    await page.getByTestId('rank-map-indicator').selectOption('patrols')
    const row = page.getByTestId(`rank-row-${grid.code}`)
    await expect.poll(() => row.getByTestId('rank-value').textContent(), { timeout: 30_000 }).toBe(String(before))
    await page.evaluate(([w, s, e, n]) => window.jiezhang.map.fitBounds([[w!, s!], [e!, n!]], { animate: false, padding: 80 }), [grid.w, grid.s, grid.e, grid.n])
    await mapIdle()
    await expect.poll(() => colourAt([grid.lon, grid.lat]), { timeout: 20_000 }).not.toBeNull()
    const colourBefore = await colourAt([grid.lon, grid.lat])
    await page.screenshot({ path: '.test-results/screenshots/assessment-ranking-before.png' })

    // When a grid worker's patrol (stopped, credited 600 m and 15 minutes in the grid) is recorded in the period shown.
    const period = (await page.getByTestId('rank-period-text').textContent())!
    const from = period.slice(0, 10)
    const startedAt = `${from.slice(0, 8)}15T10:00:00+08:00`
    const { rows: patrol } = await sql<{ id: number }>`
      INSERT INTO patrol (role, source, state, started_at, ended_at, distance_m, walking_s)
      VALUES ('grid_worker', 'phone', 'done', ${startedAt}::timestamptz, ${startedAt}::timestamptz + interval '20 minutes', 600, 900) RETURNING id`.execute(handle.db)
    await sql`
      INSERT INTO patrol_credit (patrol_id, zone_id, zone_kind, zone_code, seconds, metres, first_at, last_at)
      VALUES (${patrol[0]!.id}, ${grid.id}, 'grid', ${grid.code}, 900, 600, ${startedAt}::timestamptz, ${startedAt}::timestamptz + interval '15 minutes')`.execute(handle.db)

    // Then after 刷新 the table shows one patrol more, the grid first alone, and its colour on the map is another.
    await page.getByTestId('rank-refresh').click()
    await expect.poll(() => row.getByTestId('rank-value').textContent(), { timeout: 30_000 }).toBe(String(before + 1))
    expect(await row.getByTestId('rank-rank').textContent()).toBe('1')
    await mapIdle()
    await expect.poll(() => colourAt([grid.lon, grid.lat]), { timeout: 20_000 }).not.toBe(colourBefore)
    // The legend names the classes, the darkest ending at the largest count.
    expect(await page.getByTestId('rank-legend').textContent()).toContain(`– ${before + 1}`)
    await page.screenshot({ path: '.test-results/screenshots/assessment-ranking-after.png' })
    expect(failures).toEqual([])
  })
})
