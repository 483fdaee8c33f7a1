import { describe, expect, it } from 'vitest'
import { boxesOverlap, placeAlongLine, pointAlong, rotatedBox, uprightAngle } from './label-placement.js'

const frame = { x: 0, y: 0, width: 200, height: 100 }

describe('label placement', () => {
  it('finds the point and direction a distance along a bent line, before and after the bend', () => {
    // 20 units long, bending north at 10: 5 along is on the first leg heading east (0°), 15 along
    // is half-way up the second leg heading 90°.
    expect(pointAlong([[0, 0], [10, 0], [10, 10]], 5)).toEqual({ x: 5, y: 0, angle: 0 })
    expect(pointAlong([[0, 0], [10, 0], [10, 10]], 15)).toEqual({ x: 10, y: 5, angle: 90 })
  })

  it('keeps text upright', () => {
    expect(uprightAngle(180)).toBe(0)
    expect(uprightAngle(-135)).toBe(45)
    expect(uprightAngle(100)).toBe(-80)
    expect(uprightAngle(90)).toBe(90)
  })

  it('bounds a rotated label', () => {
    const box = rotatedBox(0, 0, 10, 2, 90)
    expect(box.width).toBeCloseTo(2)
    expect(box.height).toBeCloseTo(10)
  })

  it('centres a label on a straight line and moves it along when the middle is taken', () => {
    const line = [[20, 50], [180, 50]] as const
    const first = placeAlongLine(line, 30, 4, frame, [])
    expect(first).toMatchObject({ x: 100, y: 50, angle: 0 })
    const second = placeAlongLine(line, 30, 4, frame, [first!.box])
    expect(second).not.toBeNull()
    expect(boxesOverlap(first!.box, second!.box)).toBe(false)
  })

  it('offsets a label to the upper side of the line', () => {
    const placement = placeAlongLine([[20, 50], [180, 50]], 30, 4, frame, [], 5)
    expect(placement!.y).toBeCloseTo(45)
  })

  it('gives up when the line is too short or the label would leave the map', () => {
    expect(placeAlongLine([[0, 0], [5, 0]], 30, 4, frame, [])).toBeNull()
    expect(placeAlongLine([[0, 99], [200, 99]], 30, 4, frame, [])).toBeNull()
  })
})
