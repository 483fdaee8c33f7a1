import { describe, expect, it } from 'vitest'
import { workingTimeBetween, type OfficeCalendar } from './working-time.js'

// The demo calendar of migration 009: 08:30–12:00 and 13:30–17:30, i.e. 7.5 working hours a day.
const calendar: OfficeCalendar = { periods: [['08:30', '12:00'], ['13:30', '17:30']], days: [] }
const at = (local: string) => new Date(`${local}+08:00`)
const hours = (ms: number) => ms / 3600_000

describe('working time left before a due time (Beijing time)', () => {
  it('counts only the working periods of one day', () => {
    // 09:00 → 15:00 on Wednesday 2 December 2026: 09:00–12:00 (3 h) + 13:30–15:00 (1.5 h).
    expect(hours(workingTimeBetween(calendar, at('2026-12-02T09:00:00'), at('2026-12-02T15:00:00')))).toBe(4.5)
  })

  it('skips the weekend', () => {
    // Friday 4 Dec 16:30 → Monday 7 Dec 09:30: 1 h on Friday, 1 h on Monday.
    expect(hours(workingTimeBetween(calendar, at('2026-12-04T16:30:00'), at('2026-12-07T09:30:00')))).toBe(2)
  })

  it('follows the calendar: a holiday off, a 调休 Saturday on', () => {
    const swapped: OfficeCalendar = { ...calendar, days: [{ day: '2026-12-07', working: false }, { day: '2026-12-05', working: true }] }
    // Friday 16:30 → Monday 09:30 with Saturday worked and Monday off: 1 h + 7.5 h.
    expect(hours(workingTimeBetween(swapped, at('2026-12-04T16:30:00'), at('2026-12-07T09:30:00')))).toBe(8.5)
  })

  it('is zero when the due time has passed, and for a lunch break', () => {
    expect(workingTimeBetween(calendar, at('2026-12-02T15:00:00'), at('2026-12-02T09:00:00'))).toBe(0)
    expect(workingTimeBetween(calendar, at('2026-12-02T12:10:00'), at('2026-12-02T13:20:00'))).toBe(0)
  })
})
