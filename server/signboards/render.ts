import type { DbOrTx, ZoneRow } from '../db/database.js'
import type { Drawing } from './drawing.js'
import { measureText } from './fonts.js'
import { paperOf, type Orientation, type PaperSize } from './paper.js'
import { drawingsToPdf } from './pdf-writer.js'
import { drawingToPng } from './png-writer.js'
import { findSignboardZone, gatherSignboard, type SignboardKind } from './signboard-data.js'
import { composeSignboard, mapAspect } from './signboard-layout.js'
import { printable } from './printable-text.js'
import { drawingToSvg } from './svg-writer.js'

export const signboardFormats = ['pdf', 'svg', 'png'] as const
export type SignboardFormat = (typeof signboardFormats)[number]

export interface RenderOptions {
  paper?: PaperSize
  orientation?: Orientation
  /** PNG only. */
  dpi?: number
  publicUrl: string
  now?: Date
}

export const contentTypes: Record<SignboardFormat, string> = {
  pdf: 'application/pdf',
  svg: 'image/svg+xml; charset=utf-8',
  png: 'image/png',
}

/** The drawing of one zone's signboard, ready for any writer. */
export async function drawSignboard(db: DbOrTx, zone: ZoneRow & { kind: SignboardKind }, options: RenderOptions): Promise<Drawing> {
  const paper = paperOf(options.paper, options.orientation)
  const data = await gatherSignboard(db, zone, { publicUrl: options.publicUrl, mapAspect: mapAspect(paper.orientation), ...(options.now ? { now: options.now } : {}) })
  return composeSignboard(data, paper, measureText)
}

export async function writeDrawing(drawing: Drawing, format: SignboardFormat, dpi = 150): Promise<Buffer> {
  switch (format) {
    case 'pdf':
      return drawingsToPdf([drawing], drawing.title)
    case 'svg':
      return Buffer.from(drawingToSvg(drawing), 'utf8')
    case 'png':
      return drawingToPng(drawing, dpi)
  }
}

export async function renderSignboard(
  db: DbOrTx,
  code: string,
  format: SignboardFormat,
  options: RenderOptions & { kind?: string },
): Promise<{ body: Buffer; zone: ZoneRow; title: string }> {
  const zone = await findSignboardZone(db, code, options.kind)
  const drawing = await drawSignboard(db, zone, options)
  return { body: await writeDrawing(drawing, format, options.dpi), zone, title: drawing.title }
}

/** A file name that keeps the Chinese name but nothing a file system or a zip would trip on. */
export function fileNameOf(zone: { code: string; name: string }, extension: string): string {
  const safe = (text: string) => printable(text).replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 80)
  return `${safe(zone.code)}-${safe(zone.name)}.${extension}`
}
