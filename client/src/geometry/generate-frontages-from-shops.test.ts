import { area, booleanPointInPolygon, destination, feature, featureCollection, intersect, kinks, point } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { generateFrontage } from './generate-frontage.js'
import { despike, generateFrontagesFromShops } from './generate-frontages-from-shops.js'
import type { Areal, LineString } from './types.js'

// An east-west street 20 m wide at 30.5 N; a metre is about 1/111320 degree of latitude and
// 1/95 900 degree of longitude there.
const street: LineString = { type: 'LineString', coordinates: [[114.3, 30.5], [114.31, 30.5]] }
const north = (m: number) => 30.5 + m / 111_320
const east = (m: number) => 114.305 + m / 95_900
const streets = [{ street: 'S1', geometry: street, widthM: 20 }]

const overlapM2 = (a: Areal, b: Areal) => {
  const shared = intersect(featureCollection([feature(a), feature(b)]))
  return shared ? area(shared) : 0
}

describe('generateFrontagesFromShops', () => {
  it('makes one strip per shop, facing the nearest street', () => {
    const { strips, problems } = generateFrontagesFromShops({
      shops: [{ key: 1, door: [east(0), north(25)], widthM: 8 }, { key: 2, door: [east(50), north(25)], widthM: 10 }],
      streets,
    })
    expect(problems).toEqual([])
    expect(strips.map((s) => [s.key, s.street])).toEqual([[1, 'S1'], [2, 'S1']])
    expect(area(strips[0]!.geometry)).toBeCloseTo(120, -1)
    expect(area(strips[1]!.geometry)).toBeCloseTo(150, -1)
  })

  it('splits the overlap of neighbours half-way between their doors', () => {
    // 8 m wide fronts 6 m apart overlap by 2 m; each keeps 1 m of it.
    const { strips, problems } = generateFrontagesFromShops({
      shops: [{ key: 'a', door: [east(0), north(25)], widthM: 8 }, { key: 'b', door: [east(6), north(25)], widthM: 8 }],
      streets,
    })
    expect(problems).toEqual([])
    const [a, b] = strips
    expect(overlapM2(a!.geometry, b!.geometry)).toBeLessThan(0.01)
    expect(area(a!.geometry)).toBeCloseTo(7 * 15, -1)
    expect(area(b!.geometry)).toBeCloseTo(7 * 15, -1)
    // The line half-way between the doors (3 m east) divides them.
    expect(booleanPointInPolygon(point([east(2.5), north(20)]), a!.geometry)).toBe(true)
    expect(booleanPointInPolygon(point([east(3.5), north(20)]), b!.geometry)).toBe(true)
  })

  it('gives way to existing frontages and reports a shop left with nothing', () => {
    const existing = generateFrontage({ door: [east(100), north(25)], street, streetWidthM: 20, frontageWidthM: 30 })
    if (!existing.valid) throw new Error(existing.reason)
    const { strips, problems } = generateFrontagesFromShops({
      shops: [
        { key: 1, door: [east(100), north(25)], widthM: 8 },
        { key: 2, door: [east(117), north(25)], widthM: 8 },
      ],
      streets,
      existing: [existing.value],
    })
    expect(problems).toEqual([{ key: 1, reason: 'strip_already_owned_by_neighbours' }])
    expect(strips.map((s) => s.key)).toEqual([2])
    expect(overlapM2(strips[0]!.geometry, existing.value)).toBeLessThan(0.01)
    // 2 m of its 8 m front lay inside the existing strip.
    expect(area(strips[0]!.geometry)).toBeCloseTo(6 * 15, -1)
  })

  it('reports shops far from any street or standing on it', () => {
    const { strips, problems } = generateFrontagesFromShops({
      shops: [{ key: 1, door: [east(0), north(500)], widthM: 8 }, { key: 2, door: [east(0), north(3)], widthM: 8 }],
      streets,
    })
    expect(strips).toEqual([])
    expect(problems).toEqual([{ key: 1, reason: 'no_street_nearby' }, { key: 2, reason: 'door_is_on_the_street' }])
  })

  it('lets the first of two shops at one door keep the shared strip', () => {
    const { strips, problems } = generateFrontagesFromShops({
      shops: [{ key: 1, door: [east(0), north(25)], widthM: 8 }, { key: 2, door: [east(0), north(25)], widthM: 12 }],
      streets,
    })
    expect(problems).toEqual([])
    expect(overlapM2(strips[0]!.geometry, strips[1]!.geometry)).toBeLessThan(0.01)
    expect(area(strips[0]!.geometry)).toBeCloseTo(120, -1)
    expect(area(strips[1]!.geometry)).toBeCloseTo(60, -1)
  })

  it('keeps every pair apart along a row of shops on both sides of the street', () => {
    const shops = [0, 5, 10, 15, 20].flatMap((m, i) => [
      { key: `n${i}`, door: [east(m), north(24)], widthM: 9 },
      { key: `s${i}`, door: [east(m + 2), north(-24)], widthM: 9 },
    ])
    const { strips, problems } = generateFrontagesFromShops({ shops, streets })
    expect(problems).toEqual([])
    expect(strips).toHaveLength(10)
    for (const [i, a] of strips.entries()) {
      for (const b of strips.slice(i + 1)) expect(overlapM2(a.geometry, b.geometry)).toBeLessThan(0.05)
    }
  })

  it('leaves clean simple strips beside a street that is not quite straight', () => {
    // The northern carriageway of 体育场路 in the demo: its bends make neighbouring strips' long
    // edges nearly, but not exactly, parallel, which is where subtracting left spikes.
    const real: LineString = { type: 'LineString', coordinates: [[120.162113, 30.272503], [120.161895, 30.272555], [120.161754, 30.272571], [120.16147, 30.272603], [120.160977, 30.272608], [120.159676, 30.272614], [120.159401, 30.272626]] }
    const door = (lon: number) => destination([lon, 30.27261], 22, 0, { units: 'meters' }).geometry.coordinates
    const { strips, problems } = generateFrontagesFromShops({
      shops: [{ key: 0, door: door(120.16), widthM: 10 }, { key: 1, door: door(120.16008), widthM: 8 }, { key: 2, door: door(120.16016), widthM: 8 }],
      streets: [{ street: 'J03', geometry: real, widthM: 30 }],
    })
    expect(problems).toEqual([])
    for (const strip of strips) {
      expect(strip.geometry.type).toBe('Polygon')
      expect(strip.geometry.coordinates).toHaveLength(1)
      expect(kinks(strip.geometry as never).features).toHaveLength(0)
      // A clipped rectangle keeps four corners (a few more at most where a bisector cuts a corner).
      expect((strip.geometry.coordinates[0] as unknown[]).length).toBeLessThanOrEqual(7)
    }
    const widths = strips.map((s) => area(s.geometry) / 7)
    expect(widths[0]).toBeGreaterThan(8.3)
    expect(widths[1]).toBeGreaterThan(7.2)
    expect(widths[2]).toBeGreaterThan(7.5)
  })
})

describe('despike', () => {
  it('removes repeated points, straight runs and zero-width spikes', () => {
    const m = (x: number, y: number) => [114.3 + x / 95_900, 30.5 + y / 111_320]
    const ring = [m(0, 0), m(5, 0), m(6.2, 0), m(6.2, 0), m(5, 0.0000001), m(5, 7), m(2, 7), m(0, 7), m(0, 0)]
    const cleaned = despike({ type: 'Polygon', coordinates: [ring] })
    expect(cleaned).toEqual({ type: 'Polygon', coordinates: [[m(0, 0), m(5, 0.0000001), m(5, 7), m(0, 7), m(0, 0)]] })
  })
})
