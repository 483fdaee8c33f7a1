import { describe, expect, it } from 'vitest'
import { centroid, diffAudits, gapKey, type AuditLists } from './audit-diff.js'

const square = (west: number, south: number, size: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]],
})

const lists = (partial: Partial<AuditLists>): AuditLists => ({
  gaps: [],
  overlaps: [],
  spills: [],
  uncovered_streets: [],
  unassigned: [],
  ...partial,
})

describe('centroid', () => {
  it('weights by area and subtracts holes, whichever way rings wind', () => {
    expect(centroid(square(120, 30, 0.002))).toEqual([expect.closeTo(120.001, 9), expect.closeTo(30.001, 9)])
    const clockwise = { type: 'Polygon', coordinates: [[[0, 0], [0, 2], [2, 2], [2, 0], [0, 0]]] }
    expect(centroid(clockwise)).toEqual([1, 1])
    // A 4x4 square with a 2x2 hole in its east half: the centroid moves west.
    const holed = {
      type: 'Polygon',
      coordinates: [
        [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
        [[2, 1], [4, 1], [4, 3], [2, 3], [2, 1]],
      ],
    }
    const [x, y] = centroid(holed)!
    expect(x).toBeCloseTo((16 * 2 - 4 * 3) / 12, 12)
    expect(y).toBeCloseTo(2, 12)
    const multi = { type: 'MultiPolygon', coordinates: [square(0, 0, 1).coordinates, square(10, 0, 1).coordinates] }
    expect(centroid(multi)).toEqual([5.5, 0.5])
  })

  it('falls back to the mean vertex for a degenerate ring and is null for non-polygons', () => {
    expect(centroid({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [4, 0], [0, 0]]] })).toEqual([1.5, 0])
    expect(centroid({ type: 'LineString', coordinates: [[0, 0], [1, 1]] })).toBeNull()
  })
})

describe('diffAudits', () => {
  const overlap = { a: 'G1', b: 'G2', area_m2: 50, geometry: square(0, 0, 1) }
  const chief = { code: 'G3', kind: 'grid' as const, name: '三号网格', missing: 'chief' as const }
  const category = { code: 'G3', kind: 'category' as const, name: 'G3', missing: 'department' as const }

  it('reports findings present after and not before as added, and the reverse as resolved', () => {
    const before = lists({ unassigned: [chief, category], spills: [{ grid: 'G9', area_m2: 3, geometry: square(5, 5, 1) }] })
    const after = lists({ overlaps: [overlap], unassigned: [category] })
    const diff = diffAudits(before, after)
    expect(diff.added).toEqual({ ...lists({}), overlaps: [{ ...overlap, key: 'G1|G2' }] })
    expect(diff.resolved.unassigned).toEqual([{ ...chief, key: 'grid:G3:chief' }])
    expect(diff.resolved.spills.map((spill) => spill.key)).toEqual(['G9'])
    expect(diff.resolved.overlaps).toEqual([])
  })

  it('keys an overlap by its pair and a street by its code, not by how big they are', () => {
    const street = { street: 'S1', name: '河坊街', length_m: 40, geometry: { type: 'LineString' as const, coordinates: [] } }
    const diff = diffAudits(
      lists({ overlaps: [overlap], uncovered_streets: [street] }),
      lists({ overlaps: [{ ...overlap, area_m2: 80 }], uncovered_streets: [{ ...street, length_m: 10 }] }),
    )
    expect(diff).toEqual({ added: lists({}), resolved: lists({}) })
  })

  it('tells unassigned findings apart by kind and duty', () => {
    const street = { ...chief, kind: 'street' as const }
    const diff = diffAudits(lists({ unassigned: [chief] }), lists({ unassigned: [street] }))
    expect(diff.added.unassigned.map((item) => item.key)).toEqual(['street:G3:chief'])
    expect(diff.resolved.unassigned.map((item) => item.key)).toEqual(['grid:G3:chief'])
  })

  it('knows a gap by its place and size, tolerating a rounding flip but not a real change', () => {
    const gap = { area_m2: 1234.4, geometry: square(120.1, 30.2, 0.001) }
    expect(gapKey(gap)).toBe('120.10050,30.20050:1234')
    const sameSpot = { area_m2: 1234.6, geometry: square(120.1 + 2e-7, 30.2, 0.001) }
    expect(gapKey(sameSpot)).not.toBe(gapKey(gap))
    expect(diffAudits(lists({ gaps: [gap] }), lists({ gaps: [sameSpot] }))).toEqual({ added: lists({}), resolved: lists({}) })

    const grown = { area_m2: 2000, geometry: square(120.1, 30.2, 0.0013) }
    const elsewhere = { area_m2: 1234.4, geometry: square(120.2, 30.2, 0.001) }
    const diff = diffAudits(lists({ gaps: [gap] }), lists({ gaps: [grown, elsewhere] }))
    expect(diff.added.gaps.map((item) => item.area_m2)).toEqual([2000, 1234.4])
    expect(diff.resolved.gaps).toEqual([{ ...gap, key: gapKey(gap) }])
  })

  it('treats a missing side as empty: a new jurisdiction adds everything, a deleted one resolves everything', () => {
    const after = lists({ gaps: [{ area_m2: 10, geometry: square(0, 0, 1) }], unassigned: [chief] })
    expect(diffAudits(null, after).added.unassigned).toHaveLength(1)
    expect(diffAudits(null, after).added.gaps).toHaveLength(1)
    expect(diffAudits(after, null).resolved.gaps).toHaveLength(1)
    expect(diffAudits(after, null).added).toEqual(lists({}))
  })
})
