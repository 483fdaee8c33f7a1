import * as turf from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseFeatureCollection } from '../../server/transfer/import-format.js'
import { generateCity, type City, type CityFeature } from './generate.js'

// Two sub-districts (6 copies of the template): small enough for a unit test, big enough to
// hold a copy next to a copy and a gap and an unsegmented street.
let city: City

beforeAll(() => {
  city = generateCity({ scale: 0.005, seed: 11 })
}, 60_000)

const ofKind = (kind: string) => city.features.filter((feature) => feature.properties.kind === kind)
type Area = Feature<Polygon | MultiPolygon>

describe('gen:city', () => {
  it('writes a FeatureCollection the importer reads without a single problem', () => {
    const parsed = parseFeatureCollection({ ...city.head, features: city.features })
    expect(parsed.problems).toEqual([])
    expect(parsed.features.length).toBe(city.features.length)
    expect(city.subdistricts).toBe(2)
    expect(city.counts).toMatchObject({ district: 1, subdistrict: 2, community: 24 })
  })

  it('gives the same city for the same seed and another for another seed', () => {
    const again = generateCity({ scale: 0.005, seed: 11 })
    expect(JSON.stringify(again.features)).toBe(JSON.stringify(city.features))
    expect(again.known).toEqual(city.known)
    const other = generateCity({ scale: 0.005, seed: 12 })
    expect(other.features.length).toBe(city.features.length)
    const firstGrid = (c: City) => c.features.find((feature) => feature.properties.kind === 'grid')!.geometry
    expect(JSON.stringify(firstGrid(other))).not.toBe(JSON.stringify(firstGrid(city)))
  })

  it('is not a lattice: no two copies of a grid have the same shape', () => {
    // The template's first grid in each copy: its area in m² differs from copy to copy (scale and warp).
    const firsts = ofKind('grid').filter((grid) => (grid.properties.code as string).endsWith('01'))
    const areas = new Set(firsts.map((grid) => Math.round(turf.area(grid as Area))))
    expect(areas.size).toBe(firsts.length)
  })

  it('tiles every community with its grids: no overlap, and no gap but the listed ones', () => {
    const grids = ofKind('grid')
    const gapArea = new Map(city.known.gaps.map((gap) => [gap.community, gap.areaM2]))
    for (const community of ofKind('community')) {
      const code = community.properties.code as string
      const own = grids.filter((grid) => grid.properties.parent === code) as Area[]
      for (let a = 0; a < own.length; a++) {
        for (let b = a + 1; b < own.length; b++) {
          const overlap = turf.intersect(turf.featureCollection([own[a]!, own[b]!]))
          expect(overlap ? turf.area(overlap) : 0, `${own[a]!.properties!.code} × ${own[b]!.properties!.code}`).toBeLessThan(1)
        }
      }
      const union = own.length > 1 ? turf.union(turf.featureCollection(own))! : own[0]!
      const uncovered = turf.difference(turf.featureCollection([community as Area, union]))
      const uncoveredM2 = uncovered ? turf.area(uncovered) : 0
      const expected = gapArea.get(code) ?? 0
      expect(Math.abs(uncoveredM2 - expected), code).toBeLessThan(Math.max(1, expected * 0.001))
    }
  })

  it('leaves its listed gaps and unsegmented streets where the sidecar says', () => {
    expect(city.known.gaps.length).toBeGreaterThan(0)
    expect(city.known.unsegmentedStreets.length).toBeGreaterThan(0)
    const codes = new Set(city.features.map((feature) => `${feature.properties.kind}|${feature.properties.code}`))
    for (const gap of city.known.gaps) {
      expect(codes.has(`grid|${gap.missingGrid}`)).toBe(false)
      const community = city.features.find((f) => f.properties.kind === 'community' && f.properties.code === gap.community) as CityFeature
      expect(turf.booleanPointInPolygon(gap.probe, community as Area)).toBe(true)
      for (const grid of ofKind('grid').filter((g) => g.properties.parent === gap.community)) {
        expect(turf.booleanPointInPolygon(gap.probe, grid as Area)).toBe(false)
      }
    }
    for (const { street } of city.known.unsegmentedStreets) {
      expect(codes.has(`street|${street}`)).toBe(true)
      expect(ofKind('segment').filter((segment) => segment.properties.parent === street)).toEqual([])
      // Its frontages hang on the street itself.
      expect(ofKind('frontage').some((frontage) => frontage.properties.parent === street && frontage.properties.parent_kind === 'street')).toBe(true)
    }
  })
})
