/**
 * A signboard is first drawn into this small display list, in millimetres on the design canvas;
 * the SVG and PDF writers then turn the same list into their formats, so both look the same and
 * the PDF keeps vector shapes and real, searchable text.
 */
export interface Paint {
  fill?: string
  stroke?: string
  strokeWidth?: number
  dash?: number[]
  opacity?: number
  lineCap?: 'butt' | 'round' | 'square'
  lineJoin?: 'miter' | 'round' | 'bevel'
}

export type FontWeight = 'regular' | 'bold'

export interface TextShape {
  type: 'text'
  x: number
  /** The baseline. */
  y: number
  text: string
  size: number
  weight: FontWeight
  fill: string
  anchor: 'start' | 'middle' | 'end'
  /** Degrees clockwise about (x, y). */
  rotate?: number
  /** A light outline under the letters so that labels stay legible over lines. */
  halo?: { color: string; width: number }
}

export type Shape =
  | ({ type: 'path'; d: string } & Paint)
  | ({ type: 'rect'; x: number; y: number; width: number; height: number; radius?: number } & Paint)
  | ({ type: 'circle'; cx: number; cy: number; r: number } & Paint)
  | TextShape
  | { type: 'group'; clip?: { x: number; y: number; width: number; height: number }; children: Shape[] }

export interface Drawing {
  /** Design canvas size, millimetres. */
  width: number
  height: number
  /** Printed millimetres per design millimetre. */
  scale: number
  title: string
  shapes: Shape[]
}

/** Measures text in millimetres; the layout uses the same font metrics as the writers. */
export type MeasureText = (text: string, size: number, weight: FontWeight) => number

const round = (value: number) => Math.round(value * 100) / 100

/** An SVG path for a polyline or ring, coordinates already on the page. */
export function pathOf(points: readonly (readonly [number, number])[], closed = false): string {
  if (points.length === 0) return ''
  const [first, ...rest] = points
  return `M${round(first![0])} ${round(first![1])}${rest.map(([x, y]) => `L${round(x)} ${round(y)}`).join('')}${closed ? 'Z' : ''}`
}

const closingPunctuation = /^[，。、；：！？）」』》〉】”’,.;:!?)\]]$/u

/** Breaks text into lines no wider than `maxWidth`; Chinese breaks between any two characters. */
export function wrapText(text: string, maxWidth: number, size: number, weight: FontWeight, measure: MeasureText): string[] {
  const lines: string[] = []
  for (const paragraph of text.split(/\n/)) {
    let line = ''
    // Latin words and numbers stay whole; each CJK character is its own break opportunity.
    for (const token of paragraph.match(/[A-Za-z0-9@._\-+()]+|\s+|./gu) ?? []) {
      const candidate = line + token
      // Closing punctuation never starts a line (Chinese line-breaking rules): it hangs instead.
      if (line && measure(candidate, size, weight) > maxWidth && !closingPunctuation.test(token)) {
        lines.push(line.trimEnd())
        line = token.trimStart()
      } else {
        line = candidate
      }
    }
    lines.push(line.trimEnd())
  }
  return lines
}

/** Shortens text with an ellipsis to fit `maxWidth`. */
export function fitText(text: string, maxWidth: number, size: number, weight: FontWeight, measure: MeasureText): string {
  if (measure(text, size, weight) <= maxWidth) return text
  const characters = [...text]
  while (characters.length > 1 && measure(`${characters.join('')}…`, size, weight) > maxWidth) characters.pop()
  return `${characters.join('')}…`
}
