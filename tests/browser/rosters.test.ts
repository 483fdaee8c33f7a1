import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import path from 'node:path'
import { givenTheAppIsOpen, openDriver, screenshotDir, thenSaveAScreenshot, type Driver } from './driver.js'

/**
 * The zone panel's 「五定 / 值守」 section (docs/rosters.md): a planner adds a shift for a street's
 * sanitation worker, sees it listed, and the citizen's /r/ page of the street shows it.
 */
let driver: Driver

beforeAll(async () => {
  driver = await openDriver()
})

afterAll(async () => {
  await driver?.close()
})

describe('rosters in the zone panel', () => {
  it('lets a planner add a shift that then appears on the /r/ page', { timeout: 180_000 }, async () => {
    const code = '330105003J10'
    const name = '展览东路'
    await givenTheAppIsOpen(driver)
    await driver.page.getByTestId('search').fill(code)
    await driver.page.getByTestId('search').press('Enter')
    await driver.page.getByTestId('search-results').getByRole('button', { name: `${name} 街巷 ${code}`, exact: true }).click()
    await expect.poll(() => driver.page.getByTestId('zone-code').textContent()).toBe(code)

    const section = driver.page.getByTestId('roster-section')
    await expect.poll(() => section.getByTestId('roster-form').count(), { timeout: 15_000 }).toBe(1)
    expect(await section.locator('h4').first().textContent()).toBe('五定 / 值守')
    // A street: the six departments' report, none of them staffed on 展览东路 in the demo.
    await expect.poll(() => section.getByTestId('six-sanitation').textContent(), { timeout: 15_000 }).toContain('✗ 环卫')

    await section.getByTestId('roster-name').fill('浏览器值守员')
    await section.getByTestId('roster-phone').fill('139-0000-0951')
    await section.getByTestId('roster-role').selectOption('department')
    await section.getByTestId('roster-kind').selectOption('sanitation')
    await section.getByTestId('roster-label').fill('夜班')
    await section.getByTestId('roster-start').fill('18:00')
    await section.getByTestId('roster-end').fill('22:00')
    await section.getByTestId('roster-save').click()

    const row = section.getByTestId('roster-staff-row').filter({ hasText: '浏览器值守员' })
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    expect(await row.getByTestId('roster-shift').textContent()).toBe('夜班 18:00–22:00')
    expect(await row.textContent()).toContain('环卫')
    await expect.poll(() => section.getByTestId('six-sanitation').textContent()).toContain('✓ 环卫')
    await thenSaveAScreenshot(driver, 'rosters-zone-panel')

    await driver.page.goto(`${driver.baseUrl}/r/${code}`)
    const staff = driver.page.getByTestId('staff')
    expect(await staff.locator('h2').textContent()).toBe('值守人员')
    const text = await staff.textContent()
    expect(text).toContain('浏览器值守员')
    expect(text).toContain('环卫保洁员 · 夜班 18:00–22:00')
    expect(text).toContain('139-0000-0951')
    // The /r/ page has no map to wait for.
    await driver.page.screenshot({ path: path.join(screenshotDir, 'rosters-r-page.png'), fullPage: true })
  })
})
