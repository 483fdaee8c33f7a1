import { describe, expect, it } from 'vitest'
import { beijingDay, defaultChoice, isoWeekOf, lastWholeQuarter, lastWholeWeek, periodParams } from './period-choice.js'

describe('the ranking page’s period picker', () => {
  it('opens on the last whole month in Beijing time (at 07:30 UTC on 1 December it is already December there)', () => {
    expect(defaultChoice(new Date('2026-12-01T07:30:00Z'))).toEqual({ kind: 'month', value: '2026-11', fromDay: '2026-11-01', toDay: '2026-11-30' })
    // 23:30 UTC on 31 December is 07:30 on 1 January in Beijing: the last whole month is December.
    expect(defaultChoice(new Date('2026-12-31T23:30:00Z')).value).toBe('2026-12')
    expect(defaultChoice(new Date('2027-01-15T00:00:00Z')).value).toBe('2026-12')
  })

  it('numbers ISO weeks: 1 January 2027 (a Friday) is in 2026-W53, 4 January 2027 starts 2027-W01', () => {
    expect(isoWeekOf(2027, 1, 1)).toBe('2026-W53')
    expect(isoWeekOf(2027, 1, 4)).toBe('2027-W01')
    expect(isoWeekOf(2026, 12, 2)).toBe('2026-W49')
    expect(lastWholeWeek(new Date('2026-12-02T04:00:00Z'))).toBe('2026-W48')
    expect(lastWholeQuarter(new Date('2026-12-02T04:00:00Z'))).toBe('2026-Q3')
    expect(lastWholeQuarter(new Date('2027-02-02T04:00:00Z'))).toBe('2026-Q4')
  })

  it('sends custom days with the last day included (to is exclusive in the query), across a month end', () => {
    expect(periodParams({ kind: 'custom', value: '', fromDay: '2026-11-20', toDay: '2026-11-30' })).toEqual({ from: '2026-11-20', to: '2026-12-01' })
    expect(periodParams({ kind: 'week', value: '2026-W48', fromDay: '', toDay: '' })).toEqual({ period: '2026-W48' })
  })

  it('shows a period’s instants as Beijing days, the exclusive end as the last day', () => {
    expect(beijingDay('2026-10-31T16:00:00.000Z')).toBe('2026-11-01')
    expect(beijingDay('2026-11-30T16:00:00.000Z', { last: true })).toBe('2026-11-30')
  })
})
