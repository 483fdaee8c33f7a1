import { describe, expect, it } from 'vitest'
import {
  addLimit,
  addWorkingDays,
  addWorkingTime,
  computeDue,
  escalationAt,
  nextWorkingInstant,
  periodsProblem,
  workingMsBetween,
  type WorkCalendar,
} from './working-time.js'

// Hand-derived cases. Periods 08:30–12:00 and 13:30–17:30 (7.5 working hours a day), Beijing time.
const H = 3_600_000
const at = (local: string): Date => new Date(`${local}+08:00`)
const calendar = (exceptions: Record<string, boolean> = {}, warnRatio = 0.75): WorkCalendar => ({
  periods: [
    ['08:30', '12:00'],
    ['13:30', '17:30'],
  ],
  exceptions: new Map(Object.entries(exceptions)),
  warnRatio,
})
// The State Council's 2026 arrangement around the Spring Festival: 2-15..2-23 off, Sat 2-14 and Sat 2-28 worked.
const spring2026: Record<string, boolean> = { '2026-02-14': true, '2026-02-28': true }
for (let d = 15; d <= 23; d++) spring2026[`2026-02-${d}`] = false

describe('working hours', () => {
  it('Friday 16:00 + 4 working hours = Monday 11:00 (1.5 h Friday, 2.5 h Monday from 08:30)', () => {
    // 2026-12-04 is a Friday.
    expect(addLimit(calendar(), at('2026-12-04T16:00:00'), { value: 4, unit: 'working_hours' })).toEqual(at('2026-12-07T11:00:00'))
  })

  it('a limit that exactly hits a period end ends there, not at the next period start', () => {
    // Monday 13:30 + 4 h = 17:30 the same day; 08:30 + 3.5 h = 12:00.
    expect(addLimit(calendar(), at('2026-12-07T13:30:00'), { value: 4, unit: 'working_hours' })).toEqual(at('2026-12-07T17:30:00'))
    expect(addWorkingTime(calendar(), at('2026-12-07T08:30:00'), 3.5 * H)).toEqual(at('2026-12-07T12:00:00'))
    // A whole day's 7.5 h from 08:30 ends at 17:30 the same day.
    expect(addWorkingTime(calendar(), at('2026-12-07T08:30:00'), 7.5 * H)).toEqual(at('2026-12-07T17:30:00'))
  })

  it('a start outside working time starts at the next period', () => {
    // Lunch: 12:15 → 13:30, + 1 h = 14:30. Evening: 19:00 Monday → Tuesday 08:30 + 1 h = 09:30.
    expect(addLimit(calendar(), at('2026-12-07T12:15:00'), { value: 1, unit: 'working_hours' })).toEqual(at('2026-12-07T14:30:00'))
    expect(addLimit(calendar(), at('2026-12-07T19:00:00'), { value: 1, unit: 'working_hours' })).toEqual(at('2026-12-08T09:30:00'))
    // Saturday → Monday 08:30.
    expect(nextWorkingInstant(calendar(), at('2026-12-05T10:00:00'))).toEqual(at('2026-12-07T08:30:00'))
    // A period's end is not working time: 12:00 → 13:30.
    expect(nextWorkingInstant(calendar(), at('2026-12-07T12:00:00'))).toEqual(at('2026-12-07T13:30:00'))
  })

  it('across a 调休 Saturday: Friday 2026-02-13 16:00 + 4 h = Saturday 2026-02-14 11:00', () => {
    expect(addLimit(calendar(spring2026), at('2026-02-13T16:00:00'), { value: 4, unit: 'working_hours' })).toEqual(at('2026-02-14T11:00:00'))
  })

  it('across the Spring Festival week: Saturday 2026-02-14 16:00 + 4 h = Tuesday 2026-02-24 11:00', () => {
    // 2-15 (Sun) to 2-23 (Mon) are holidays; 2-24 is the next working day.
    expect(addLimit(calendar(spring2026), at('2026-02-14T16:00:00'), { value: 4, unit: 'working_hours' })).toEqual(at('2026-02-24T11:00:00'))
  })
})

describe('working days', () => {
  it('the same local time on the Nth following working day', () => {
    // Wednesday 2026-12-02 10:00 + 3 working days = Monday 2026-12-07 10:00 (Thu, Fri, Mon).
    expect(addWorkingDays(calendar(), at('2026-12-02T10:00:00'), 3)).toEqual(at('2026-12-07T10:00:00'))
    // A start at lunch moves to 13:30 first.
    expect(addWorkingDays(calendar(), at('2026-12-02T12:30:00'), 1)).toEqual(at('2026-12-03T13:30:00'))
    // A Saturday start moves to Monday 08:30; + 2 = Wednesday 08:30.
    expect(addWorkingDays(calendar(), at('2026-12-05T09:00:00'), 2)).toEqual(at('2026-12-09T08:30:00'))
  })

  it('skips the holiday week and counts the 调休 Saturdays', () => {
    // Friday 2-13 10:00: +1 = Sat 2-14 (调休), +2 = Tue 2-24, +5 = Fri 2-27, +6 = Sat 2-28 (调休).
    const cal = calendar(spring2026)
    expect(addWorkingDays(cal, at('2026-02-13T10:00:00'), 1)).toEqual(at('2026-02-14T10:00:00'))
    expect(addWorkingDays(cal, at('2026-02-13T10:00:00'), 2)).toEqual(at('2026-02-24T10:00:00'))
    expect(addWorkingDays(cal, at('2026-02-13T10:00:00'), 6)).toEqual(at('2026-02-28T10:00:00'))
  })

  it('one working day equals 7.5 working hours from a start in working time', () => {
    const cal = calendar()
    const from = at('2026-12-04T10:00:00')
    expect(addLimit(cal, from, { value: 1, unit: 'working_days' })).toEqual(addWorkingTime(cal, from, 7.5 * H))
  })
})

describe('calendar time, warnings, escalations, working time between', () => {
  it('hours and days are calendar time', () => {
    expect(addLimit(calendar(), at('2026-12-04T16:00:00'), { value: 4, unit: 'hours' })).toEqual(at('2026-12-04T20:00:00'))
    expect(addLimit(calendar(), at('2026-12-04T16:00:00'), { value: 2, unit: 'days' })).toEqual(at('2026-12-06T16:00:00'))
  })

  it('warning at 75 % of the limit in working time', () => {
    // Friday 16:00 + 4 h: 3 h of working time = 1.5 h Friday + 1.5 h Monday → Monday 10:00.
    expect(computeDue(calendar(), at('2026-12-04T16:00:00'), { value: 4, unit: 'working_hours' })).toEqual({
      warnAt: at('2026-12-07T10:00:00'),
      dueAt: at('2026-12-07T11:00:00'),
    })
    // 4 calendar hours from 16:00: warning at 19:00.
    expect(computeDue(calendar(), at('2026-12-04T16:00:00'), { value: 4, unit: 'hours' }).warnAt).toEqual(at('2026-12-04T19:00:00'))
    // 2 working days from Monday 08:30 = Wednesday 08:30; 15 h × 0.75 = 11.25 h → Tuesday 08:30 + 3.75 h = 13:45.
    expect(computeDue(calendar(), at('2026-12-07T08:30:00'), { value: 2, unit: 'working_days' }).warnAt).toEqual(at('2026-12-08T13:45:00'))
  })

  it('escalation level k at due + k × limit', () => {
    // Due Monday 11:00 (4 working hours): level 1 = 4 h later: 1 h to 12:00, 3 h from 13:30 → Monday 16:30;
    // level 2 = 8 h later: 1 h to 12:00, 4 h to 17:30, 3 h Tuesday from 08:30 → Tuesday 11:30.
    const limit = { value: 4, unit: 'working_hours' } as const
    expect(escalationAt(calendar(), at('2026-12-07T11:00:00'), limit, 1)).toEqual(at('2026-12-07T16:30:00'))
    expect(escalationAt(calendar(), at('2026-12-07T11:00:00'), limit, 2)).toEqual(at('2026-12-08T11:30:00'))
  })

  it('working time between two instants', () => {
    // Friday 16:00 → Monday 11:00: 1.5 h + 2.5 h = 4 h.
    expect(workingMsBetween(calendar(), at('2026-12-04T16:00:00'), at('2026-12-07T11:00:00'))).toBe(4 * H)
    expect(workingMsBetween(calendar(), at('2026-12-07T11:00:00'), at('2026-12-04T16:00:00'))).toBe(0)
    // The holiday week is no working time: Sat 2-14 17:00 → Tue 2-24 09:00 = 0.5 h + 0.5 h.
    expect(workingMsBetween(calendar(spring2026), at('2026-02-14T17:00:00'), at('2026-02-24T09:00:00'))).toBe(1 * H)
  })

  it('periods must be HH:MM, ascending, not overlapping', () => {
    expect(periodsProblem([['08:30', '12:00'], ['13:30', '17:30']])).toBeNull()
    expect(periodsProblem([])).toMatch(/at least one/)
    expect(periodsProblem([['8:30', '12:00']])).toMatch(/HH:MM/)
    expect(periodsProblem([['12:00', '08:30']])).toMatch(/before it ends/)
    expect(periodsProblem([['08:30', '12:00'], ['11:00', '17:30']])).toMatch(/overlaps/)
    expect(periodsProblem([['13:30', '17:30'], ['08:30', '12:00']])).toMatch(/overlaps|ascend/)
    expect(periodsProblem([['25:00', '26:00']])).toMatch(/HH:MM/)
  })
})
