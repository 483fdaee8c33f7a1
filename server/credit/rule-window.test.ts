import { describe, expect, it } from 'vitest'
import { firings, type Fact } from './rule-window.js'

const day = (n: number, key = `case:${n}`): Fact => ({ key, at: new Date(Date.UTC(2026, 0, 1) + n * 86_400_000) })
const keys = (groups: Fact[][]) => groups.map((group) => group.map((fact) => fact.key))

describe('credit rule windows', () => {
  it('fires once for three cases within 90 days and uses them up (a fourth does not fire again)', () => {
    expect(keys(firings({ count: 3, windowDays: 90 }, [day(0), day(10), day(20), day(30)]))).toEqual([['case:0', 'case:10', 'case:20']])
  })

  it('does not fire when the third case falls a day after the first one left the window', () => {
    // day 0 and day 91: 91 days apart, outside a 90-day window; days 50, 91 and 100 are within.
    expect(keys(firings({ count: 3, windowDays: 90 }, [day(0), day(50), day(91)]))).toEqual([])
    expect(keys(firings({ count: 3, windowDays: 90 }, [day(0), day(50), day(91), day(100)]))).toEqual([['case:50', 'case:91', 'case:100']])
  })

  it('counts a fact exactly at the edge of the window as inside it', () => {
    expect(keys(firings({ count: 2, windowDays: 180 }, [day(0), day(180)]))).toEqual([['case:0', 'case:180']])
  })

  it('fires for every fact of a count-1 rule, in time order whatever the input order', () => {
    expect(keys(firings({ count: 1, windowDays: null }, [day(5), day(1)]))).toEqual([['case:1'], ['case:5']])
  })

  it('fires twice for six facts in the window, three each', () => {
    expect(firings({ count: 3, windowDays: 90 }, [0, 1, 2, 3, 4, 5].map((n) => day(n)))).toHaveLength(2)
  })
})
