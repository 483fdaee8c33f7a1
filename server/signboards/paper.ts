/**
 * Paper sizes of the ISO A series. Every A size has the same proportions (1 : √2), so a
 * signboard is laid out once on an A3 canvas in millimetres and scaled to the size asked for.
 */
export const paperSizes = ['A4', 'A3', 'A2', 'A1'] as const
export type PaperSize = (typeof paperSizes)[number]
export const orientations = ['landscape', 'portrait'] as const
export type Orientation = (typeof orientations)[number]

/** ISO 216 sizes, short and long side in millimetres; not short × √2, which rounds A1 to 840. */
const sidesMm: Record<PaperSize, readonly [number, number]> = { A4: [210, 297], A3: [297, 420], A2: [420, 594], A1: [594, 841] }

/** The design canvas: A3, in millimetres. */
export const DESIGN_SHORT_MM = 297
export const DESIGN_LONG_MM = 420

export interface Paper {
  size: PaperSize
  orientation: Orientation
  /** The design canvas in millimetres (A3 in this orientation). */
  canvasWidth: number
  canvasHeight: number
  /** Printed size in millimetres. */
  widthMm: number
  heightMm: number
  /** Printed millimetres per design millimetre. */
  scale: number
}

export function paperOf(size: PaperSize = 'A3', orientation: Orientation = 'landscape'): Paper {
  const [short, long] = sidesMm[size]
  const landscape = orientation === 'landscape'
  return {
    size,
    orientation,
    canvasWidth: landscape ? DESIGN_LONG_MM : DESIGN_SHORT_MM,
    canvasHeight: landscape ? DESIGN_SHORT_MM : DESIGN_LONG_MM,
    widthMm: landscape ? long : short,
    heightMm: landscape ? short : long,
    scale: short / DESIGN_SHORT_MM,
  }
}

/** Pixel size of a PNG of this paper at `dpi` dots per inch. */
export function pixelSize(paper: Paper, dpi: number): { width: number; height: number } {
  return { width: Math.round((paper.widthMm / 25.4) * dpi), height: Math.round((paper.heightMm / 25.4) * dpi) }
}
