import { describe, expect, it } from 'vitest'
import { requiredOf, requirementUnits } from '../../server/assessment/required.js'
import { beijingDaysOf, periodBounds, readPeriodQuery } from '../../server/assessment/period.js'
import { partOf, scoreOf, ratesOf } from '../../server/assessment/score.js'
import { defaultRules, readRules } from '../../server/assessment/rules.js'

/** The pure arithmetic of the assessment (docs/assessment.md), checked against hand derivations. */

describe('patrols required: units of a requirement', () => {
  it('counts a whole calendar month as exactly one month, 30 days and 30 ÷ 7 weeks (November 2026)', () => {
    const november = [{ days: 30, daysInMonth: 30 }]
    expect(requirementUnits('month', november)).toBe(1)
    expect(requirementUnits('day', november)).toBe(30)
    expect(requirementUnits('week', november)).toBeCloseTo(30 / 7, 12)
    // Leaders ≥ 4 a month: 4; grid workers daily: 30; chiefs weekly: round(4.2857…) = 4; segment chiefs twice a week: round(8.571…) = 9.
    expect(requiredOf(4, 'month', november)).toBe(4)
    expect(requiredOf(1, 'day', november)).toBe(30)
    expect(requiredOf(1, 'week', november)).toBe(4)
    expect(requiredOf(2, 'week', november)).toBe(9)
  })

  it('weighs a period across a month boundary by each month’s own length (16 Nov – 15 Dec 2026)', () => {
    // 15 days of November's 30 and 15 of December's 31: 15/30 + 15/31 = 0.98387…; 4 a month → round(3.935…) = 4.
    const across = [{ days: 15, daysInMonth: 30 }, { days: 15, daysInMonth: 31 }]
    expect(requirementUnits('month', across)).toBeCloseTo(0.5 + 15 / 31, 12)
    expect(requiredOf(4, 'month', across)).toBe(4)
    // 10 a month: round(9.8387…) = 10; the same 30 days weekly: round(30/7) = 4.
    expect(requiredOf(10, 'month', across)).toBe(10)
    expect(requiredOf(1, 'week', across)).toBe(4)
  })

  it('gives a holder valid half the period half the requirement (15 of November’s 30 days)', () => {
    const half = [{ days: 15, daysInMonth: 30 }]
    expect(requiredOf(4, 'month', half)).toBe(2)
    expect(requiredOf(1, 'day', half)).toBe(15)
    // 15 ÷ 7 = 2.142… → 2; twice a week → round(4.2857…) = 4.
    expect(requiredOf(1, 'week', half)).toBe(2)
    expect(requiredOf(2, 'week', half)).toBe(4)
  })

  it('lists the Beijing days whose midnight lies in the period', () => {
    const days = beijingDaysOf(new Date('2026-11-01T00:00:00+08:00'), new Date('2026-12-01T00:00:00+08:00'))
    expect(days).toHaveLength(30)
    expect([days[0], days[29]]).toEqual(['2026-11-01', '2026-11-30'])
    // From 10:00 on the 1st: the 1st's midnight is before, so the 2nd is the first day.
    expect(beijingDaysOf(new Date('2026-11-01T10:00:00+08:00'), new Date('2026-11-03T00:00:00+08:00'))).toEqual(['2026-11-02'])
  })
})

describe('periods', () => {
  it('reads months, quarters, ISO weeks and days as Beijing periods', () => {
    const iso = (text: string) => {
      const bounds = periodBounds(text)!
      return [bounds.from.toISOString(), bounds.to.toISOString()]
    }
    expect(iso('2026-12')).toEqual(['2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'])
    expect(iso('2026-Q1')).toEqual(['2025-12-31T16:00:00.000Z', '2026-03-31T16:00:00.000Z'])
    // ISO 8601: 2026-W01 starts Monday 29 December 2025 (1 January 2026 is a Thursday); 2026 has 53 weeks.
    expect(iso('2026-W01')).toEqual(['2025-12-28T16:00:00.000Z', '2026-01-04T16:00:00.000Z'])
    expect(iso('2026-W53')).toEqual(['2026-12-27T16:00:00.000Z', '2027-01-03T16:00:00.000Z'])
    expect(periodBounds('2027-W53')).toBeNull()
    expect(periodBounds('2026-02-29')).toBeNull()
  })

  it('names the field of every problem', () => {
    const problems = (query: Record<string, string>) => {
      const read = readPeriodQuery(query)
      return 'problems' in read ? read.problems.map((p) => p.field) : []
    }
    expect(problems({ period: '2026-11' })).toEqual(['by'])
    expect(problems({ from: '2026-11-01', by: 'grid' })).toEqual(['to'])
    expect(problems({ from: '2024-01-01', to: '2026-01-05', by: 'grid' })).toEqual(['to'])
    expect(problems({ from: '2024-01-01', to: '2026-01-01', by: 'grid' })).toEqual([])
  })
})

describe('score', () => {
  it('earns an indicator’s full part at its threshold and nothing at its floor, linearly between', () => {
    const onTime = { weight: 30, threshold: 0.7, floor: 0.4 }
    expect(partOf('on_time_rate', onTime, 0.7)).toBe(1)
    expect(partOf('on_time_rate', onTime, 0.4)).toBe(0)
    expect(partOf('on_time_rate', onTime, 0.55)).toBeCloseTo(0.5, 12)
    // 返工率: lower is better; full at ≤ 10 %, nothing at ≥ 40 %, 25 % → half.
    const rework = { weight: 10, threshold: 0.1, floor: 0.4 }
    expect(partOf('rework_rate', rework, 0.05)).toBe(1)
    expect(partOf('rework_rate', rework, 0.25)).toBeCloseTo(0.5, 12)
    expect(partOf('rework_rate', rework, 0.5)).toBe(0)
  })

  it('weighs the parts and leaves out an indicator without a denominator', () => {
    const { rules } = readRules({
      indicators: {
        filing_rate: { weight: 0 }, dispatch_rate: { weight: 0 }, closing_rate: { weight: 0 }, extension_rate: { weight: 0 }, satisfaction: { weight: 0 },
        on_time_rate: { weight: 3, threshold: 0.7, floor: 0.4 }, rework_rate: { weight: 1, threshold: 0.1, floor: 0.4 }, patrol_rate: { weight: 1, threshold: 1, floor: 0.5 },
      },
    }, defaultRules)
    const counts = {
      received: 10, filed: 10, dispatched: 10, due: 20, closed: 15, closed_on_time: 11, reworked: 5, extended: 0, parked: 0, found_on_patrol: 0,
      reported_by_public: 0, patrols: 0, patrols_required: 0, mean_handling_hours: null, ratings: 0, mean_rating: null,
    }
    // on time 11/20 = 0.55 → part 0.5; rework 5/20 = 0.25 → part 0.5; patrols 0/0 left out.
    // (3 × 0.5 + 1 × 0.5) ÷ (3 + 1) × 100 = 50; parts 37.5 and 12.5.
    expect(scoreOf(ratesOf(counts), rules)).toEqual({ score: 50, score_parts: { on_time_rate: 37.5, rework_rate: 12.5 } })
  })
})
