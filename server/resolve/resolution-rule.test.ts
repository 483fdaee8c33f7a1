import { describe, expect, it } from 'vitest'
import type { ZoneKind } from '../kernel/zone-kinds.js'
import {
  applyResolutionRule,
  compareCodes,
  compareZones,
  departmentSource,
  fallbackPrimary,
  nearestJurisdiction,
  type RuleZone,
} from './resolution-rule.js'

/**
 * The rule on hand-made covering lists: what a locator would find at each point of a small
 * jurisdiction. Expected answers are derived from DESIGN §4 by hand, not read off the code.
 *
 *   district D, sub-district S, community C1 (grids G01, G02 sharing an edge), community C2
 *   (grid G201, street JFL ⊃ segment JFL-1 ⊃ frontage JFL-1-F1)
 */
let nextId = 1
const zone = (kind: ZoneKind, code: string, id = nextId++): RuleZone => ({ id, kind, code })

const district = zone('district', '330102')
const subdistrict = zone('subdistrict', '330102001')
const community1 = zone('community', '330102001001')
const community2 = zone('community', '330102001002')
// Ids in the opposite order of codes, so that a rule ordering by id would be caught.
const grid02 = zone('grid', '33010200100102', 50)
const grid01 = zone('grid', '33010200100101', 51)
const grid201 = zone('grid', '33010200100201')
const street = zone('street', 'JFL')
const segment = zone('segment', 'JFL-1')
const frontage = zone('frontage', 'JFL-1-F1')

const codes = (zones: RuleZone[]) => zones.map((z) => z.code)
const alternativeCodes = (outcome: ReturnType<typeof applyResolutionRule>) => outcome.alternatives.map((a) => [a.zone.code, a.distance_m])

describe('applyResolutionRule', () => {
  it('resolves a point on the shared edge of two grids to the lower code and lists the other as an alternative', () => {
    // Both grids cover their common edge (ST_Covers includes the boundary); given in "wrong" order.
    const outcome = applyResolutionRule([district, grid02, community1, grid01, subdistrict])
    expect(outcome.status).toBe('owned')
    expect(outcome.start).toBe(grid01)
    expect(codes(outcome.chain)).toEqual([grid01.code, community1.code, subdistrict.code, district.code])
    expect(alternativeCodes(outcome)).toEqual([[grid02.code, 0]])
  })

  it('resolves a vertex shared by two communities and their grids to the lower codes of each kind', () => {
    const outcome = applyResolutionRule([grid201, community2, grid01, community1, subdistrict, district])
    expect(codes(outcome.chain)).toEqual([grid01.code, community1.code, subdistrict.code, district.code])
    // Alternatives by kind first (grid before community), each at distance 0.
    expect(alternativeCodes(outcome)).toEqual([[grid201.code, 0], [community2.code, 0]])
  })

  it('breaks a tie between two overlapping zones with one code by id', () => {
    const twinA = zone('grid', 'DUP', 900)
    const twinB = zone('grid', 'DUP', 899)
    const outcome = applyResolutionRule([twinA, twinB, community1])
    expect(outcome.start).toBe(twinB)
    expect(outcome.alternatives.map((a) => a.zone.id)).toEqual([900])
  })

  it('compares codes byte-wise, as COLLATE "C" does: upper case before lower, digits before letters', () => {
    expect(['b', 'B', 'a1', 'a', 'A', '9'].sort(compareCodes)).toEqual(['9', 'A', 'B', 'a', 'a1', 'b'])
    expect(compareZones(zone('grid', 'Z'), zone('grid', 'a'))).toBeLessThan(0)
  })

  it('names a zone once when two of its parts both cover the point (a point on the cut between parts)', () => {
    const outcome = applyResolutionRule([grid01, grid01, community1, community1])
    expect(codes(outcome.chain)).toEqual([grid01.code, community1.code])
    expect(outcome.alternatives).toEqual([])
  })

  it('answers a point in a coverage gap with fallback, starting at the most specific jurisdiction', () => {
    const outcome = applyResolutionRule([subdistrict, community1, district])
    expect(outcome.status).toBe('fallback')
    expect(outcome.start).toBe(community1)
    expect(codes(outcome.chain)).toEqual([community1.code, subdistrict.code, district.code])
  })

  it('answers a point covered by nothing with outside, no chain and no start', () => {
    expect(applyResolutionRule([])).toEqual({ status: 'outside', chain: [], start: null, alternatives: [] })
  })

  it('orders a frontage inside a segment inside a street inside a grid from the most specific down', () => {
    const outcome = applyResolutionRule([district, grid201, street, subdistrict, frontage, community2, segment])
    expect(outcome.status).toBe('owned')
    expect(outcome.start).toBe(frontage)
    expect(outcome.chain.map((z) => z.kind)).toEqual(['frontage', 'segment', 'street', 'grid', 'community', 'subdistrict', 'district'])
  })

  it('owns a point covered only by a street outside every jurisdiction (the outer half of a boundary street)', () => {
    const outcome = applyResolutionRule([street])
    expect(outcome.status).toBe('owned')
    expect(outcome.start).toBe(street)
  })

  it('adds nearby owner zones after the covering alternatives, by kind, then distance, then code', () => {
    const gridFar = zone('grid', '33010200100103')
    const outcome = applyResolutionRule(
      [grid02, grid01, community1],
      [
        { zone: grid01, distance_m: 0 }, // in the chain: not an alternative
        { zone: grid02, distance_m: 0 }, // already an alternative
        { zone: gridFar, distance_m: 12.3449 },
        { zone: segment, distance_m: 18 },
        { zone: grid201, distance_m: 12.3451 }, // 12.35 shown, so after gridFar's 12.34
      ],
    )
    expect(alternativeCodes(outcome)).toEqual([
      [segment.code, 18],
      [grid02.code, 0],
      [gridFar.code, 12.34],
      [grid201.code, 12.35],
    ])
  })

  it('offers nearby owners in a gap, where the chain holds only jurisdictions', () => {
    const outcome = applyResolutionRule([community1, subdistrict], [{ zone: grid02, distance_m: 9.6 }])
    expect(outcome.status).toBe('fallback')
    expect(alternativeCodes(outcome)).toEqual([[grid02.code, 9.6]])
  })
})

describe('fallbackPrimary', () => {
  it('names the holder found up the tree, or the jurisdiction itself when nobody holds the fall-back', () => {
    expect(fallbackPrimary(community2, subdistrict)).toBe(subdistrict)
    expect(fallbackPrimary(community2, undefined)).toBe(community2)
  })
})

describe('departmentSource', () => {
  const chain = applyResolutionRule([frontage, segment, street, grid201, community2, subdistrict, district]).chain

  it('takes the first zone of the chain that routes the category', () => {
    const routed = new Set([district.id, grid201.id])
    expect(departmentSource(chain, (z) => routed.has(z.id))).toEqual({ via: grid201 })
  })

  it("asks the most specific zone's ancestors when no zone of the chain routes it", () => {
    expect(departmentSource([street], () => false)).toEqual({ inheritedBy: street })
  })

  it('has no source outside every zone', () => {
    expect(departmentSource([], () => true)).toBeNull()
  })
})

describe('nearestJurisdiction', () => {
  it('takes the nearest to the decimetre, the higher level on a shared border, and rounds to the centimetre', () => {
    const found = nearestJurisdiction([
      { zone: community1, distance_m: 955.004 },
      { zone: district, distance_m: 955.031 }, // the same decimetre as the community: the district wins
      { zone: subdistrict, distance_m: 955.2 },
    ])
    expect(found).toEqual({ zone: district, distance_m: 955.03 })
    expect(nearestJurisdiction([{ zone: community1, distance_m: 10 }, { zone: district, distance_m: 10.2 }])?.zone).toBe(community1)
    expect(nearestJurisdiction([])).toBeNull()
  })
})
