import { describe, expect, it } from 'vitest'
import { chooseCuts, seededRandom } from './streets.js'

describe('chooseCuts', () => {
  it('cuts at the junction nearest each third when one lies close', () => {
    const junctions = [
      { name: '展览西路', fraction: 0.28 },
      { name: '延安路', fraction: 0.4 },
      { name: '中山北路', fraction: 0.7 },
    ]
    expect(chooseCuts(3, junctions)).toEqual([
      { fraction: 0.28, name: '展览西路' },
      { fraction: 0.7, name: '中山北路' },
    ])
  })

  it('cuts at equal lengths where no junction is near, and never twice at one junction', () => {
    expect(chooseCuts(2, [{ name: '远处', fraction: 0.9 }])).toEqual([{ fraction: 0.5, name: null }])
    const cuts = chooseCuts(3, [{ name: '唯一', fraction: 0.45 }])
    expect(cuts.map((cut) => cut.name)).toEqual(['唯一', null])
    expect(cuts[1]!.fraction).toBeCloseTo(2 / 3)
  })

  it('makes one whole segment for a count of one', () => {
    expect(chooseCuts(1, [{ name: '路口', fraction: 0.5 }])).toEqual([])
  })
})

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed, within [0, 1)', () => {
    const a = seededRandom(7)
    const b = seededRandom(7)
    const values = Array.from({ length: 100 }, () => a())
    expect(Array.from({ length: 100 }, () => b())).toEqual(values)
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true)
    expect(seededRandom(8)()).not.toBe(values[0])
  })
})
