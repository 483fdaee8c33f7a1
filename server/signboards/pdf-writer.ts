import PDFDocument from 'pdfkit'
import type { Drawing, Paint, Shape } from './drawing.js'
import { FONT_FILES, measureText } from './fonts.js'
import { printable } from './printable-text.js'

const POINTS_PER_MM = 72 / 25.4

type Doc = PDFKit.PDFDocument

/** A PDF document with the Chinese font registered; add signboards with addDrawingPage. */
export function createPdf(title: string): { doc: Doc; done: Promise<Buffer> } {
  const doc = new PDFDocument({ autoFirstPage: false, info: { Title: title, Creator: 'Jiezhang 街长' }, compress: true })
  doc.registerFont('regular', FONT_FILES.regular)
  doc.registerFont('bold', FONT_FILES.bold)
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  return { doc, done }
}

export function addDrawingPage(doc: Doc, drawing: Drawing): void {
  const scale = drawing.scale * POINTS_PER_MM
  doc.addPage({ size: [drawing.width * scale, drawing.height * scale], margin: 0 })
  doc.save()
  doc.scale(scale)
  for (const shape of drawing.shapes) drawShape(doc, shape)
  doc.restore()
}

export async function drawingsToPdf(drawings: Drawing[], title: string): Promise<Buffer> {
  const { doc, done } = createPdf(title)
  for (const drawing of drawings) addDrawingPage(doc, drawing)
  doc.end()
  return done
}

function applyPaint(doc: Doc, paint: Paint): void {
  if (paint.opacity !== undefined) doc.opacity(paint.opacity)
  if (paint.stroke) {
    doc.lineWidth(paint.strokeWidth ?? 0.3).strokeColor(paint.stroke)
    doc.lineCap(paint.lineCap ?? 'butt').lineJoin(paint.lineJoin ?? 'miter')
    // pdfkit takes a dash array, though its types say a single length.
    if (paint.dash) doc.dash(paint.dash as unknown as number, {})
    else doc.undash()
  }
  if (paint.fill && paint.fill !== 'none') doc.fillColor(paint.fill)
  const fill = paint.fill && paint.fill !== 'none'
  if (fill && paint.stroke) doc.fillAndStroke()
  else if (fill) doc.fill()
  else if (paint.stroke) doc.stroke()
}

function drawShape(doc: Doc, shape: Shape): void {
  switch (shape.type) {
    case 'path':
      if (!shape.d) return
      doc.save()
      doc.path(shape.d)
      applyPaint(doc, shape)
      doc.restore()
      return
    case 'rect':
      doc.save()
      if (shape.radius) doc.roundedRect(shape.x, shape.y, shape.width, shape.height, shape.radius)
      else doc.rect(shape.x, shape.y, shape.width, shape.height)
      applyPaint(doc, shape)
      doc.restore()
      return
    case 'circle':
      doc.save()
      doc.circle(shape.cx, shape.cy, shape.r)
      applyPaint(doc, shape)
      doc.restore()
      return
    case 'text': {
      const text = printable(shape.text)
      doc.save()
      if (shape.rotate) doc.rotate(shape.rotate, { origin: [shape.x, shape.y] })
      doc.font(shape.weight).fontSize(shape.size)
      const width = measureText(text, shape.size, shape.weight)
      const x = shape.anchor === 'start' ? shape.x : shape.anchor === 'middle' ? shape.x - width / 2 : shape.x - width
      const options = { lineBreak: false, baseline: 'alphabetic' as const }
      if (shape.halo) {
        doc.lineWidth(shape.halo.width).strokeColor(shape.halo.color).lineJoin('round')
        doc.text(text, x, shape.y, { ...options, stroke: true, fill: false })
      }
      doc.fillColor(shape.fill)
      doc.text(text, x, shape.y, { ...options, stroke: false, fill: true })
      doc.restore()
      return
    }
    case 'group':
      doc.save()
      if (shape.clip) doc.rect(shape.clip.x, shape.clip.y, shape.clip.width, shape.clip.height).clip()
      for (const child of shape.children) drawShape(doc, child)
      doc.restore()
      return
  }
}
