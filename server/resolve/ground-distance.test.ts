import { describe, expect, it } from 'vitest'
import { closestOnRings, noClosest, spheroidDistanceM } from './ground-distance.js'

describe('distance on the ground', () => {
  it("measures Vincenty's own test line, Flinders Peak to Buninyong, as he published it (54,972.271 m)", () => {
    const dms = (d: number, m: number, s: number) => Math.sign(d) * (Math.abs(d) + m / 60 + s / 3600)
    const metres = spheroidDistanceM(dms(144, 25, 29.5244), dms(-37, 57, 3.7203), dms(143, 55, 35.3839), dms(-37, 39, 10.1561))
    expect(metres).toBeCloseTo(54_972.271, 3)
  })

  it('measures a degree of latitude at the equator as the WGS-84 meridian arc, 110,574.389 m', () => {
    expect(spheroidDistanceM(0, 0, 0, 1)).toBeCloseTo(110_574.389, 2)
  })

  it("finds the foot of the perpendicular on an edge's great circle, and an end when the foot falls beyond it", () => {
    // A north–south edge along a meridian: the closest point to a point east of its middle is on
    // the same parallel (by symmetry of the sphere), and to a point beyond its end, that end.
    const edge = { coords: Float64Array.from([116, 39.9, 116, 40.0]), starts: Int32Array.from([0, 2]) }
    const beside = noClosest()
    closestOnRings(edge.coords, edge.starts, 0, 1, 116.001, 39.95, beside)
    expect(beside.lon).toBeCloseTo(116, 9)
    expect(Math.abs(beside.lat - 39.95)).toBeLessThan(1e-5)
    const beyond = noClosest()
    closestOnRings(edge.coords, edge.starts, 0, 1, 116.001, 40.01, beyond)
    expect([beyond.lon, beyond.lat]).toEqual([116, 40.0])
  })
})
