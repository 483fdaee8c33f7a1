import { describe, expect, it } from 'vitest'
import { fixtureReport, fixtureRow } from '../../tests/api/reports.fixture.js'
import { buildRanking, rankChangeText, rankRows } from './ranking.js'

describe('rankRows', () => {
  it('ranks by score, best first; equal scores share a rank and the next rank skips (1, 2, 2, 4); ties by code', () => {
    const rows = [fixtureRow('G4', '四', 70), fixtureRow('G3', '三', 88.5), fixtureRow('G2', '二', 88.5), fixtureRow('G1', '一', 92)]
    const ranked = rankRows(rows, 'score')
    expect(ranked.map((entry) => [entry.row.code, entry.rank])).toEqual([['G1', 1], ['G2', 2], ['G3', 2], ['G4', 4]])
  })

  it('ranks 返工率 the other way (lower is better) and puts units without a value last, unranked', () => {
    const rows = [
      fixtureRow('A', 'a', 50, { due: 10, reworked: 3 }), // 0.3
      fixtureRow('B', 'b', 50, { due: 0 }), // no cases due: no rate
      fixtureRow('C', 'c', 50, { due: 20, reworked: 1 }), // 0.05
    ]
    expect(rankRows(rows, 'rework_rate').map((entry) => [entry.row.code, entry.rank, entry.value])).toEqual([['C', 1, 0.05], ['A', 2, 0.3], ['B', null, null]])
  })

  it('takes rates equal but for floating-point noise as a tie (0.7 as 7/10 and 0.1 + 0.6)', () => {
    const rows = [fixtureRow('A', 'a', 0.1 + 0.6), fixtureRow('B', 'b', 0.7)]
    expect(rankRows(rows, 'score').map((entry) => entry.rank)).toEqual([1, 1])
  })
})

describe('buildRanking', () => {
  it('gives each unit its rank in the period before, the places gained and the change of the value', () => {
    const current = fixtureReport('2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z', 'grid', [
      fixtureRow('G1', '一', 80, { patrols: 5 }), fixtureRow('G2', '二', 90, { patrols: 9 }), fixtureRow('G3', '三', 85, { patrols: 2 }), fixtureRow('G9', '新', 60),
    ])
    const previous = fixtureReport('2026-09-30T16:00:00.000Z', '2026-10-31T16:00:00.000Z', 'grid', [
      fixtureRow('G1', '一', 95, { patrols: 7 }), fixtureRow('G2', '二', 70, { patrols: 9 }), fixtureRow('G3', '三', 85, { patrols: 1 }),
    ])
    const ranking = buildRanking(current, previous, 'score')
    // Before: G1 95 (1), G3 85 (2), G2 70 (3). Now: G2 90 (1), G3 85 (2), G1 80 (3), G9 60 (4).
    expect(ranking.rows.map((row) => [row.code, row.rank, row.previous?.rank ?? null, row.rank_change, row.value_change])).toEqual([
      ['G2', 1, 3, 2, 20], ['G3', 2, 2, 0, 0], ['G1', 3, 1, -2, -15], ['G9', 4, null, null, null],
    ])
    expect(ranking.rows.map(rankChangeText)).toEqual(['↑2', '—', '↓2', '新'])
    expect(ranking.previous_from).toBe('2026-09-30T16:00:00.000Z')

    const byPatrols = buildRanking(current, previous, 'patrols')
    expect(byPatrols.rows.map((row) => [row.code, row.value, row.value_change])).toEqual([['G2', 9, 0], ['G1', 5, -2], ['G3', 2, 1], ['G9', 0, null]])
  })
})
