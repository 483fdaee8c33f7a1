import { mkdirSync } from 'node:fs'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from './accounts.js'
import { apiGet, givenTheAppIsOpen, openDriver, screenshotDir, thenSaveAScreenshot, type Driver } from './driver.js'

type Zone = Feature<Geometry, { id: number; kind: string; code: string; name: string; version: number }>

const drivers: Driver[] = []
const open = async (as: string | null) => {
  const driver = await openDriver({ as })
  drivers.push(driver)
  return driver
}

afterEach(async () => {
  while (drivers.length) await drivers.pop()!.close()
})

/** A grid of 天水社区 (330105003002), inside the demo planner's 天水街道 (330105003). */
async function aGridOfTianshui(driver: Driver): Promise<Zone> {
  const grids = await apiGet<FeatureCollection<Geometry, Zone['properties']>>(driver, '/api/zones?kind=grid&limit=10000')
  const grid = grids.features.find((g) => g.properties.code.startsWith('330105003002'))
  if (!grid) throw new Error('the demo has no grid in 天水社区')
  return grid as Zone
}

async function whenIOpenTheZone(driver: Driver, zone: Zone) {
  const { code, name } = zone.properties
  await driver.page.getByTestId('search').fill(code)
  await driver.page.getByTestId('search').press('Enter')
  await driver.page.getByTestId('search-results').getByRole('button', { name: `${name} 单元网格 ${code}`, exact: true }).click()
  await expect.poll(() => driver.page.getByTestId('zone-code').textContent()).toBe(code)
}

describe('signing in', () => {
  it('shows the sign-in page in Chinese, says a wrong password is wrong, and opens the map with the name after the right one', { timeout: 180_000 }, async () => {
    const driver = await open(null)
    await driver.page.goto(`${driver.baseUrl}/`)
    const page = driver.page.getByTestId('sign-in-page')
    await expect.poll(() => page.isVisible(), { timeout: 60_000 }).toBe(true)
    expect(await page.textContent()).toContain('登录')
    // The demo is loaded, so the hint lists the demo accounts (README).
    await driver.page.getByTestId('demo-hint').locator('summary').click()
    expect(await driver.page.getByTestId('demo-hint').textContent()).toContain('planner')

    await driver.page.getByTestId('sign-in-login').fill('planner')
    await driver.page.getByTestId('sign-in-password').fill('not-the-password')
    await driver.page.getByTestId('sign-in-submit').click()
    await expect.poll(() => driver.page.getByTestId('sign-in-error').textContent()).toBe('账号或密码错误')
    await thenSaveAScreenshotOfThePage(driver, 'sign-in-wrong-password')

    await driver.page.getByTestId('sign-in-password').fill(DEMO_PASSWORD)
    await driver.page.getByTestId('sign-in-submit').click()
    await driver.page.waitForFunction(() => window.jiezhang?.ready === true, null, { timeout: 90_000 })
    expect(await driver.page.getByTestId('sign-in-page').count()).toBe(0)
    // The user menu names the person and their role with its scope.
    expect(await driver.page.getByTestId('user-name').textContent()).toBe('天水街道规划员（演示）')
    await driver.page.getByTestId('user-menu-button').click()
    expect(await driver.page.getByTestId('user-grants').textContent()).toContain('规划员 · 天水街道（330105003）')
    await thenSaveAScreenshot(driver, 'sign-in-signed-in')
  })

  it('the English sign-in page says so in English', async () => {
    const driver = await open(null)
    await driver.page.goto(`${driver.baseUrl}/?lang=en`)
    await expect.poll(() => driver.page.getByTestId('sign-in-page').isVisible(), { timeout: 60_000 }).toBe(true)
    await driver.page.getByTestId('sign-in-login').fill('nobody-here')
    await driver.page.getByTestId('sign-in-password').fill('whatever-it-is')
    await driver.page.getByTestId('sign-in-submit').click()
    await expect.poll(() => driver.page.getByTestId('sign-in-error').textContent()).toBe('The login or the password is wrong')
  })

  it('signing out returns to the sign-in page, and the session is gone after a reload', { timeout: 180_000 }, async () => {
    const driver = await open('viewer')
    await givenTheAppIsOpen(driver)
    await driver.page.getByTestId('user-menu-button').click()
    await driver.page.getByTestId('sign-out').click()
    await expect.poll(() => driver.page.getByTestId('sign-in-page').isVisible()).toBe(true)
    await driver.page.reload()
    await expect.poll(() => driver.page.getByTestId('sign-in-page').isVisible(), { timeout: 60_000 }).toBe(true)
    expect(await driver.page.getByTestId('map').count()).toBe(0)
  })

  it('a session ended elsewhere brings the sign-in page back on the same address, and signing in returns to the map', { timeout: 180_000 }, async () => {
    const driver = await open('viewer')
    await givenTheAppIsOpen(driver, '?lang=zh')
    const address = driver.page.url()
    // Another tab signs out: this page's next request answers 401.
    await driver.page.request.delete(`${driver.baseUrl}/api/session`, { headers: { 'x-csrf-token': await csrfOf(driver) } })
    await driver.page.getByTestId('search').fill('天水')
    await driver.page.getByTestId('search').press('Enter')
    await expect.poll(() => driver.page.getByTestId('sign-in-page').isVisible()).toBe(true)
    expect(driver.page.url()).toBe(address)
    await driver.page.getByTestId('sign-in-login').fill('viewer')
    await driver.page.getByTestId('sign-in-password').fill(DEMO_PASSWORD)
    await driver.page.getByTestId('sign-in-submit').click()
    await driver.page.waitForFunction(() => window.jiezhang?.ready === true, null, { timeout: 90_000 })
    expect(await driver.page.getByTestId('user-name').textContent()).toBe('只读用户（演示）')
  })
})

describe('the tools follow the roles', () => {
  it('the viewer sees a read-only map: no drawing, editing, import or assignment tools', { timeout: 180_000 }, async () => {
    const driver = await open('viewer')
    await givenTheAppIsOpen(driver)
    const toolbar = driver.page.getByTestId('toolbar')
    expect(await toolbar.getByTestId('mode-inspect').count()).toBe(1)
    expect(await toolbar.getByTestId('mode-measure').count()).toBe(1)
    for (const tool of ['mode-draw-grid', 'mode-draw-street', 'mode-split-street', 'mode-cut-grid', 'mode-reshape', 'import', 'import-shops', 'undo', 'change-comment']) {
      expect(await toolbar.getByTestId(tool).count(), tool).toBe(0)
    }
    expect(await toolbar.getByTestId('read-only').textContent()).toBe('只读')
    // The key of a drawing mode does nothing either.
    await driver.page.keyboard.press('g')
    expect(await driver.page.locator('.hint').textContent()).toBe('点击地图查询责任人')
    const grid = await aGridOfTianshui(driver)
    await whenIOpenTheZone(driver, grid)
    const panel = driver.page.getByTestId('zone-panel')
    expect(await panel.getByTestId('zone-delete').count()).toBe(0)
    expect(await panel.getByTestId('zone-rename').count()).toBe(0)
    expect(await panel.locator('[data-testid^="assign-"]').count()).toBe(0)
    expect(await driver.page.getByTestId('batch-signboards').count()).toBe(0)
    await thenSaveAScreenshot(driver, 'roles-viewer-read-only')
  })

  it('the planner sees the drawing, import and assignment tools', { timeout: 180_000 }, async () => {
    const driver = await open('planner')
    await givenTheAppIsOpen(driver)
    const toolbar = driver.page.getByTestId('toolbar')
    for (const tool of ['mode-draw-grid', 'mode-split-street', 'mode-cut-grid', 'import', 'undo', 'change-comment', 'export']) {
      expect(await toolbar.getByTestId(tool).count(), tool).toBe(1)
    }
    expect(await toolbar.getByTestId('read-only').count()).toBe(0)
    await whenIOpenTheZone(driver, await aGridOfTianshui(driver))
    expect(await driver.page.getByTestId('zone-panel').getByTestId('zone-delete').count()).toBe(1)
    expect(await driver.page.getByTestId('zone-panel').getByTestId('assign-chief-new').count()).toBe(1)
  })
})

describe('the audit trail', () => {
  it("lists the planner's edit with its comment for the auditor, and the zone's history names who made it", { timeout: 240_000 }, async () => {
    const comment = '按2026年区划调整天水第3网格'
    const planner = await open('planner')
    const grid = await aGridOfTianshui(planner)
    const newName = `${grid.properties.name}（审计测试）`
    await givenTheAppIsOpen(planner)
    await planner.page.getByTestId('change-comment').fill(comment)
    await whenIOpenTheZone(planner, grid)
    await planner.page.getByTestId('zone-name').fill(newName)
    await planner.page.getByTestId('zone-rename').click()
    await expect.poll(async () => (await apiGet<Zone>(planner, `/api/zones/${grid.properties.id ?? grid.id}`)).properties.name).toBe(newName)
    // The zone panel's history shows who made the change, with the comment.
    const changes = planner.page.getByTestId('zone-changes')
    await expect.poll(() => changes.textContent(), { timeout: 30_000 }).toContain(comment)
    expect(await changes.textContent()).toContain('天水街道规划员（演示）')

    const auditor = await open('auditor')
    await auditor.page.goto(`${auditor.baseUrl}/`)
    const view = auditor.page.getByTestId('audit-view')
    await expect.poll(() => view.isVisible(), { timeout: 60_000 }).toBe(true)
    await auditor.page.getByTestId('audit-filter-login').fill('planner')
    await auditor.page.getByTestId('audit-search').click()
    const row = auditor.page.getByTestId('audit-event').filter({ hasText: comment }).first()
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1)
    expect(await row.textContent()).toContain('planner')
    expect(await row.textContent()).toContain(grid.properties.code)
    expect(await auditor.page.getByTestId('audit-export').getAttribute('href')).toBe('/api/audit/export?login=planner&format=csv')
    // The auditor reads the trail and nothing else: no map.
    expect(await auditor.page.getByTestId('map').count()).toBe(0)
    await thenSaveAScreenshotOfThePage(auditor, 'audit-view-planner-edit')

    // Put the name back for the files after this one.
    await planner.page.getByTestId('undo').click()
    await expect.poll(async () => (await apiGet<Zone>(planner, `/api/zones/${grid.properties.id ?? grid.id}`)).properties.name).toBe(grid.properties.name)
  })

  it('a planner of 武林门社区 renaming 天水街道 above it (which they read, not edit) is told it is outside their jurisdiction', { timeout: 180_000 }, async () => {
    const driver = await open('planner.wulinmen')
    await givenTheAppIsOpen(driver)
    // The sub-district above their community: readable, and refused when renamed.
    const subdistricts = await apiGet<FeatureCollection<Geometry, Zone['properties']>>(driver, '/api/zones?kind=subdistrict&limit=100')
    const tianshui = subdistricts.features.find((z) => z.properties.code === '330105003') as Zone | undefined
    if (!tianshui) throw new Error('天水街道 is not readable as the context of 武林门社区')
    const { code, name } = tianshui.properties
    await driver.page.getByTestId('search').fill(code)
    await driver.page.getByTestId('search').press('Enter')
    await driver.page.getByTestId('search-results').getByRole('button', { name: new RegExp(` ${code}$`) }).click()
    await expect.poll(() => driver.page.getByTestId('zone-code').textContent()).toBe(code)
    await driver.page.getByTestId('zone-name').fill(`${name}（越权）`)
    await driver.page.getByTestId('zone-rename').click()
    await expect.poll(() => driver.page.getByTestId('status').textContent(), { timeout: 30_000 }).toContain('超出您的管辖范围')
    expect((await apiGet<Zone>(driver, `/api/zones/${tianshui.properties.id ?? tianshui.id}`)).properties.name).toBe(name)
  })
})

async function csrfOf(driver: Driver): Promise<string> {
  const response = await driver.page.request.get(`${driver.baseUrl}/api/session`)
  return ((await response.json()) as { csrf_token: string }).csrf_token
}

/** A screenshot of a page without the map (the sign-in page, the audit view). */
async function thenSaveAScreenshotOfThePage(driver: Driver, name: string) {
  mkdirSync(screenshotDir, { recursive: true })
  await driver.page.screenshot({ path: `${screenshotDir}/${name}.png` })
}
