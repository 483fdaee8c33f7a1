import { describe, expect, it } from 'vitest'
import { snapPosition } from './snap-position.js'

const ring = [[114.3, 30.5], [114.31, 30.5], [114.31, 30.51], [114.3, 30.51], [114.3, 30.5]]
const metre = 1 / 111_320

describe('snapPosition', () => {
  it('snaps to a neighbour vertex within tolerance', () => {
    expect(snapPosition([114.31 + 2 * metre, 30.5 + 1 * metre], [ring], 5)).toEqual({ position: [114.31, 30.5], to: 'vertex' })
  })

  it('snaps onto a neighbour edge when no vertex is near', () => {
    const snapped = snapPosition([114.305, 30.5 + 3 * metre], [ring], 5)
    expect(snapped.to).toBe('edge')
    expect(snapped.position[1]).toBeCloseTo(30.5, 6)
  })

  it('leaves a vertex alone when nothing is within tolerance', () => {
    expect(snapPosition([114.305, 30.505], [ring], 5)).toEqual({ position: [114.305, 30.505], to: null })
  })
})
