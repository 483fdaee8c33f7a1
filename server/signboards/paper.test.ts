import { describe, expect, it } from 'vitest'
import { paperOf, pixelSize } from './paper.js'

describe('paperOf', () => {
  it('lays A3 landscape out on the design canvas at scale 1', () => {
    const paper = paperOf()
    expect(paper).toMatchObject({ widthMm: 420, heightMm: 297, canvasWidth: 420, canvasHeight: 297, scale: 1 })
  })

  it('scales the same design to A4 portrait and A1', () => {
    expect(paperOf('A4', 'portrait')).toMatchObject({ widthMm: 210, heightMm: 297, canvasWidth: 297, canvasHeight: 420 })
    expect(paperOf('A4', 'portrait').scale).toBeCloseTo(210 / 297)
    expect(paperOf('A1', 'landscape')).toMatchObject({ widthMm: 840, heightMm: 594, scale: 2 })
  })

  it('gives the pixel size of a PNG at a resolution', () => {
    expect(pixelSize(paperOf('A3', 'landscape'), 150)).toEqual({ width: 2480, height: 1754 })
  })
})
