import type { Drawing, Paint, Shape } from './drawing.js'
import { FONT_FAMILY } from './fonts.js'
import { printable } from './printable-text.js'

/** Text for XML: without what XML cannot hold (printable-text.ts), markup characters as entities. */
export const escapeXml = (text: string) =>
  printable(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)

const n = (value: number) => String(Math.round(value * 100) / 100)

function paintAttributes(paint: Paint): string {
  const parts = [
    `fill="${paint.fill ?? 'none'}"`,
    paint.stroke ? `stroke="${paint.stroke}" stroke-width="${n(paint.strokeWidth ?? 0.3)}"` : '',
    paint.dash ? `stroke-dasharray="${paint.dash.map(n).join(' ')}"` : '',
    paint.opacity !== undefined ? `opacity="${n(paint.opacity)}"` : '',
    paint.lineCap ? `stroke-linecap="${paint.lineCap}"` : '',
    paint.lineJoin ? `stroke-linejoin="${paint.lineJoin}"` : '',
  ]
  return parts.filter(Boolean).join(' ')
}

let clipCounter = 0

function shapeToSvg(shape: Shape): string {
  switch (shape.type) {
    case 'path':
      return shape.d ? `<path d="${shape.d}" ${paintAttributes(shape)}/>` : ''
    case 'rect':
      return `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.width)}" height="${n(shape.height)}"${
        shape.radius ? ` rx="${n(shape.radius)}"` : ''
      } ${paintAttributes(shape)}/>`
    case 'circle':
      return `<circle cx="${n(shape.cx)}" cy="${n(shape.cy)}" r="${n(shape.r)}" ${paintAttributes(shape)}/>`
    case 'text': {
      const family = FONT_FAMILY[shape.weight]
      const common = `x="${n(shape.x)}" y="${n(shape.y)}" font-family="${family}" font-size="${n(shape.size)}"${
        shape.weight === 'bold' ? ' font-weight="bold"' : ''
      } text-anchor="${shape.anchor}"${shape.rotate ? ` transform="rotate(${n(shape.rotate)} ${n(shape.x)} ${n(shape.y)})"` : ''}`
      const text = escapeXml(shape.text)
      const halo = shape.halo
        ? `<text ${common} fill="none" stroke="${shape.halo.color}" stroke-width="${n(shape.halo.width)}" stroke-linejoin="round">${text}</text>`
        : ''
      return `${halo}<text ${common} fill="${shape.fill}">${text}</text>`
    }
    case 'group': {
      if (!shape.clip) return `<g>${shape.children.map(shapeToSvg).join('')}</g>`
      const id = `clip${++clipCounter}`
      const { x, y, width, height } = shape.clip
      return `<clipPath id="${id}"><rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}"/></clipPath><g clip-path="url(#${id})">${shape.children
        .map(shapeToSvg)
        .join('')}</g>`
    }
  }
}

/** A standalone SVG in printed millimetres; the drawing's design units are its viewBox. */
export function drawingToSvg(drawing: Drawing): string {
  const width = drawing.width * drawing.scale
  const height = drawing.height * drawing.scale
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}mm" height="${n(height)}mm" viewBox="0 0 ${n(drawing.width)} ${n(drawing.height)}">`,
    `<title>${escapeXml(drawing.title)}</title>`,
    ...drawing.shapes.map(shapeToSvg),
    `</svg>`,
  ].join('\n')
}
