import { describe, expect, it } from 'vitest'
import { calendarSpan, lastWholeMonth, periodLabel, previousPeriod } from './period.js'

// Beijing midnight of 1 March 2026 is 28 February 16:00 UTC (UTC+8, no daylight saving).
const at = (iso: string) => new Date(iso)

describe('previousPeriod', () => {
  it('is the month before a month, whatever its length: March 2026 (31 days) before is February (28)', () => {
    const march = { from: at('2026-02-28T16:00:00Z'), to: at('2026-03-31T16:00:00Z') }
    expect(calendarSpan(march)).toBe('month')
    expect(previousPeriod(march)).toEqual({ from: at('2026-01-31T16:00:00Z'), to: at('2026-02-28T16:00:00Z') })
  })

  it('crosses the year: January 2027 before is December 2026; a quarter before Q1 is Q4', () => {
    expect(previousPeriod({ from: at('2026-12-31T16:00:00Z'), to: at('2027-01-31T16:00:00Z') })).toEqual({ from: at('2026-11-30T16:00:00Z'), to: at('2026-12-31T16:00:00Z') })
    const q1 = { from: at('2026-12-31T16:00:00Z'), to: at('2027-03-31T16:00:00Z') }
    expect(calendarSpan(q1)).toBe('quarter')
    expect(previousPeriod(q1)).toEqual({ from: at('2026-09-30T16:00:00Z'), to: at('2026-12-31T16:00:00Z') })
  })

  it('is the same length before for a week or a custom range', () => {
    const week = { from: at('2026-11-22T16:00:00Z'), to: at('2026-11-29T16:00:00Z') }
    expect(calendarSpan(week)).toBeNull()
    expect(previousPeriod(week)).toEqual({ from: at('2026-11-15T16:00:00Z'), to: at('2026-11-22T16:00:00Z') })
  })
})

describe('labels and defaults', () => {
  it('names a month, a quarter and a range of days in Chinese', () => {
    expect(periodLabel({ from: at('2026-10-31T16:00:00Z'), to: at('2026-11-30T16:00:00Z') })).toBe('2026年11月')
    expect(periodLabel({ from: at('2026-09-30T16:00:00Z'), to: at('2026-12-31T16:00:00Z') })).toBe('2026年第四季度')
    expect(periodLabel({ from: at('2026-11-22T16:00:00Z'), to: at('2026-11-29T16:00:00Z') })).toBe('2026-11-23 至 2026-11-29')
    expect(periodLabel({ from: at('2026-11-22T16:00:00Z'), to: at('2026-11-23T16:00:00Z') })).toBe('2026-11-23')
  })

  it('takes the last whole month in Beijing: at 00:30 on 1 December Beijing time it is November', () => {
    expect(lastWholeMonth(at('2026-11-30T16:30:00Z'))).toEqual({ from: at('2026-10-31T16:00:00Z'), to: at('2026-11-30T16:00:00Z') })
    expect(lastWholeMonth(at('2026-11-30T15:30:00Z'))).toEqual({ from: at('2026-09-30T16:00:00Z'), to: at('2026-10-31T16:00:00Z') })
  })
})
