import { describe, expect, it } from 'vitest'
import type { SessionInfo } from '../api/types.js'
import { phoneOrder } from './PhonePage.js'
import { linkedCaseId, wantsPhonePage } from './route.js'

const withPermissions = (permissions: string[]) => ({ permissions }) as unknown as SessionInfo

describe('who lands on the phone page', () => {
  const chief = withPermissions(['zones.read', 'cases.read', 'cases.report', 'cases.handle'])
  const dispatcher = withPermissions(['zones.read', 'cases.read', 'cases.dispatch', 'cases.verify'])
  it('a handler on a 390 px screen, unless they chose the map', () => {
    expect(wantsPhonePage(chief, '', 390)).toBe(true)
    expect(wantsPhonePage(chief, '#/map', 390)).toBe(false)
    expect(wantsPhonePage(chief, '', 1400)).toBe(false)
  })
  it('anyone who reads cases at #/m; a dispatcher on a phone keeps the desk; nobody without cases.read', () => {
    expect(wantsPhonePage(dispatcher, '#/m', 1400)).toBe(true)
    expect(wantsPhonePage(dispatcher, '', 390)).toBe(false)
    expect(wantsPhonePage(withPermissions(['zones.read']), '#/m', 390)).toBe(false)
  })
})

describe('the phone page’s order', () => {
  it('overdue first, then by due time, no due time last', () => {
    const cases = [
      { id: 1, due_at: null, overdue: false },
      { id: 2, due_at: '2026-12-03T09:00:00+08:00', overdue: false },
      { id: 3, due_at: '2026-12-04T09:00:00+08:00', overdue: true },
      { id: 4, due_at: '2026-12-02T15:00:00+08:00', overdue: false },
    ]
    expect([...cases].sort(phoneOrder).map((c) => c.id)).toEqual([3, 4, 2, 1])
  })
})

describe('the case a notification links to', () => {
  it('reads ?case=<id> as written by server/notify/notices.ts, and nothing else', () => {
    expect(linkedCaseId('?case=42')).toBe(42)
    expect(linkedCaseId('?lang=zh&case=7')).toBe(7)
    for (const search of ['', '?case=', '?case=0', '?case=-3', '?case=4.5', '?case=abc', '?case=99999999999']) expect(linkedCaseId(search), search).toBeNull()
  })
})
