import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from './accounts.js'
import { aCategory, admin, chiefParty, openPhone, pointOnTheStreet, type PhonePage } from './cases-fixtures.js'

/**
 * The handler's phone page at 390×844: the demo chief signs in on the sign-in page of a narrow
 * screen and lands on their cases (not the map); they accept one and ask for an extension, and
 * hand another back with a reason, which takes it off their list. The cases are made through
 * the API as the bootstrap administrator (entered, filed, dispatched to the chief).
 */
const open: PhonePage[] = []
afterEach(async () => {
  while (open.length) await open.pop()!.close()
})

interface Made { id: number; number: string; version: number; state: string }

async function aCaseDispatchedToTheChief(baseUrl: string, description: string): Promise<Made> {
  const [lon, lat] = await pointOnTheStreet(baseUrl)
  const category = await aCategory(baseUrl)
  const chief = await chiefParty(baseUrl)
  let made = await admin<Made>(baseUrl, 'POST', '/api/cases', { channel: 'hotline', category_id: category.id, description, location: { lon, lat } })
  made = await admin<Made>(baseUrl, 'POST', `/api/cases/${made.id}/actions`, { action: 'file', version: made.version })
  made = await admin<Made>(baseUrl, 'POST', `/api/cases/${made.id}/actions`, { action: 'dispatch', version: made.version, assignee_party_id: chief.id })
  expect(made.state).toBe('dispatched')
  return made
}

describe('the handler’s phone page', () => {
  it('a chief signing in on a phone lands on their cases; accepts one, asks for an extension, hands another back', { timeout: 180_000 }, async () => {
    const phone = await openPhone('chief')
    open.push(phone)
    const { page, baseUrl } = phone
    const first = await aCaseDispatchedToTheChief(baseUrl, '路面破损（手机页测试一）')
    const second = await aCaseDispatchedToTheChief(baseUrl, '井盖缺失（手机页测试二）')

    // Signing in on the sign-in page itself (the session of openPhone is dropped first).
    await page.context().clearCookies()
    await page.goto(`${baseUrl}/`)
    await expect.poll(() => page.getByTestId('sign-in-page').isVisible(), { timeout: 60_000 }).toBe(true)
    await page.getByTestId('sign-in-login').fill('chief')
    await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD)
    await page.getByTestId('sign-in-submit').click()
    await expect.poll(() => page.getByTestId('phone-page').isVisible(), { timeout: 60_000 }).toBe(true)
    expect(await page.getByTestId('map').count()).toBe(0)

    // Both cases are listed, 已派遣; the page fits the phone's width.
    const one = page.getByTestId(`phone-case-${first.number}`)
    const two = page.getByTestId(`phone-case-${second.number}`)
    await expect.poll(() => one.isVisible()).toBe(true)
    await expect.poll(() => two.isVisible()).toBe(true)
    expect(await one.getByTestId('phone-case-state').textContent()).toBe('已派遣')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

    // 接收, then 申请延期 with a reason and an amount: the state stays 已接收, the timeline says so.
    if ((await one.getAttribute('data-expanded')) !== 'true') await one.getByTestId('phone-case-toggle').click()
    await expect.poll(() => one.getByTestId('phone-map').isVisible()).toBe(true)
    await one.getByTestId('case-action-accept').click()
    await expect.poll(() => one.getByTestId('phone-case-state').textContent()).toBe('已接收')
    await one.getByTestId('case-action-request_extension').click()
    await one.getByTestId('case-form-reason').fill('需等待配件')
    await one.getByTestId('case-form-extension-value').fill('2')
    await one.getByTestId('case-form-extension-unit').selectOption('working_days')
    await one.getByTestId('case-form-submit').click()
    await expect.poll(async () => {
      const stored = await admin<{ events: { action: string; note: string | null }[]; state: string }>(baseUrl, 'GET', `/api/cases/${first.id}`)
      return { state: stored.state, asked: stored.events.some((e) => e.action === 'extension_requested') }
    }).toEqual({ state: 'accepted', asked: true })
    await page.screenshot({ path: '.test-results/screenshots/cases-phone-extension.png' })

    // 回退 with a reason: the case goes back to the dispatcher (已立案) and leaves the chief's list.
    if ((await two.getAttribute('data-expanded')) !== 'true') await two.getByTestId('phone-case-toggle').click()
    await two.getByTestId('case-action-hand_back').click()
    await two.getByTestId('case-form-reason').fill('不属于本路段')
    await two.getByTestId('case-form-submit').click()
    await expect.poll(() => page.getByTestId(`phone-case-${second.number}`).count()).toBe(0)
    const back = await admin<{ state: string }>(baseUrl, 'GET', `/api/cases/${second.id}`)
    expect(back.state).toBe('filed')
  })

  it("a notification's link /?case=<id> opens that case on the phone page, not the first of the list", { timeout: 180_000 }, async () => {
    const phone = await openPhone('chief')
    open.push(phone)
    const { page, baseUrl } = phone
    const first = await aCaseDispatchedToTheChief(baseUrl, '路灯不亮（通知链接测试一）')
    const second = await aCaseDispatchedToTheChief(baseUrl, '占道经营（通知链接测试二）')
    await page.goto(`${baseUrl}/?case=${second.id}`)
    await expect.poll(() => page.getByTestId('phone-page').isVisible(), { timeout: 60_000 }).toBe(true)
    const linked = page.getByTestId(`phone-case-${second.number}`)
    await expect.poll(() => linked.getAttribute('data-expanded'), { timeout: 20_000 }).toBe('true')
    await expect.poll(() => linked.getByTestId('phone-map').isVisible()).toBe(true)
    // The other case is listed, closed: only the linked one is open.
    expect(await page.getByTestId(`phone-case-${first.number}`).getAttribute('data-expanded')).toBe('false')
  })
})
