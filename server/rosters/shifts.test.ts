import { describe, expect, it } from 'vitest'
import { minutesOf, shiftsOverlap, splitDay } from './shifts.js'

describe('shifts', () => {
  it("cuts Lanzhou's day from 07:00 to 23:00 into three shifts of 5 h 20 min", () => {
    // 16 h = 960 min; 960 / 3 = 320 min = 5 h 20 min.
    expect(splitDay('07:00', '23:00', 3)).toEqual([
      { label: '早班', start: '07:00', end: '12:20' },
      { label: '中班', start: '12:20', end: '17:40' },
      { label: '晚班', start: '17:40', end: '23:00' },
    ])
  })

  it('gives the minutes left over to the first shifts and may end at 24:00', () => {
    // 08:00–24:00 is 960 min; in 7: 137 min each and 1 left over for the first shift.
    const shifts = splitDay('08:00', '24:00', 7)
    expect(shifts[0]).toEqual({ label: '第1班', start: '08:00', end: '10:18' })
    expect(shifts[1]).toEqual({ label: '第2班', start: '10:18', end: '12:35' })
    expect(shifts.at(-1)!.end).toBe('24:00')
  })

  it('refuses a day that crosses midnight, a bad time and a count out of range, naming the argument', () => {
    expect(() => splitDay('22:00', '06:00', 2)).toThrow(/^end: must be after start/)
    expect(() => splitDay('7:00', '23:00', 3)).toThrow(/^start:/)
    expect(() => splitDay('07:00', '24:01', 3)).toThrow(/^end:/)
    expect(() => splitDay('07:00', '23:00', 0)).toThrow(/^count:/)
    expect(() => splitDay('07:00', '07:02', 3)).toThrow(/^count:/)
  })

  it('reads HH:MM only, and counts touching shifts as not overlapping', () => {
    expect(minutesOf('23:59')).toBe(1439)
    expect(minutesOf('24:00')).toBe(1440)
    expect(minutesOf('24:30')).toBeNull()
    expect(minutesOf('12:60')).toBeNull()
    expect(minutesOf('12:00:00')).toBeNull()
    expect(shiftsOverlap({ start: '07:00', end: '12:20' }, { start: '12:20', end: '17:40' })).toBe(false)
    expect(shiftsOverlap({ start: '07:00', end: '12:21' }, { start: '12:20', end: '17:40' })).toBe(true)
    expect(shiftsOverlap({ start: '08:00', end: '20:00' }, { start: '09:00', end: '10:00' })).toBe(true)
  })
})
