import { describe, expect, it } from 'vitest'
import { orientations, paperOf, paperSizes, pixelSize, type PaperSize } from './paper.js'

/**
 * ISO 216, independently of the code: A0 is 841 mm × 1189 mm, and each next size halves the
 * long side of the one before, rounding down to the millimetre (A1 594 × 841, A2 420 × 594, …).
 */
function iso216(size: PaperSize): { short: number; long: number } {
  let [short, long] = [841, 1189]
  for (let n = 0; n < Number(size.slice(1)); n++) [short, long] = [Math.floor(long / 2), short]
  return { short, long }
}

describe('paperOf', () => {
  it('lays A3 landscape out on the design canvas at scale 1', () => {
    const paper = paperOf()
    expect(paper).toMatchObject({ widthMm: 420, heightMm: 297, canvasWidth: 420, canvasHeight: 297, scale: 1 })
  })

  it.each(paperSizes)('gives %s the ISO 216 size in both orientations', (size) => {
    const { short, long } = iso216(size)
    expect(paperOf(size, 'landscape')).toMatchObject({ widthMm: long, heightMm: short })
    expect(paperOf(size, 'portrait')).toMatchObject({ widthMm: short, heightMm: long })
  })

  it('scales the same design to A4 portrait and A1, and the scaled design fits on every paper', () => {
    expect(paperOf('A4', 'portrait')).toMatchObject({ widthMm: 210, heightMm: 297, canvasWidth: 297, canvasHeight: 420 })
    expect(paperOf('A4', 'portrait').scale).toBeCloseTo(210 / 297)
    // A1's short side, 594 mm, is exactly twice A3's 297 mm.
    expect(paperOf('A1', 'landscape')).toMatchObject({ widthMm: 841, heightMm: 594, scale: 2 })
    for (const size of paperSizes) {
      for (const orientation of orientations) {
        const paper = paperOf(size, orientation)
        expect(paper.canvasWidth * paper.scale).toBeLessThanOrEqual(paper.widthMm + 1e-9)
        expect(paper.canvasHeight * paper.scale).toBeLessThanOrEqual(paper.heightMm + 1e-9)
      }
    }
  })

  it('gives the pixel size of a PNG at a resolution', () => {
    // 420 mm / 25.4 mm per inch × 150 dpi = 2480.3 px; 297 mm → 1753.9 px; rounded to the pixel.
    expect(pixelSize(paperOf('A3', 'landscape'), 150)).toEqual({ width: 2480, height: 1754 })
  })
})
