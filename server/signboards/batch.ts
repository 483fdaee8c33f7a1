import { zipSync } from 'fflate'
import type { Db, ZoneRow } from '../db/database.js'
import { DomainError, notFound } from '../errors.js'
import type { Orientation, PaperSize } from './paper.js'
import { addDrawingPage, createPdf } from './pdf-writer.js'
import { drawSignboard, fileNameOf, writeDrawing, type SignboardFormat } from './render.js'
import { batchKinds, type BatchKind } from '../kernel/zone-kinds.js'
import { findZonesByCode, listZonesUnder } from './signboards.repository.js'
import { renderSlots } from './render-limits.js'

// Rows of the kind table; re-exported for the schemas and scripts/signboards.ts.
export { batchKinds, type BatchKind }
export type BatchFormat = 'pdf' | 'zip'

export interface BatchRequest {
  zone: string
  kind: BatchKind
  format: BatchFormat
  /** The files inside a zip. */
  fileFormat?: SignboardFormat
  paper?: PaperSize
  orientation?: Orientation
  dpi?: number
  publicUrl: string
}

export interface BatchResult {
  fileName: string
  contentType: string
  body: Buffer
  count: number
}

/** The zones of a batch: every street (or grid, segment) under the jurisdiction, or the zone itself. */
export async function batchZones(db: Db, code: string, kind: BatchKind): Promise<{ root: ZoneRow; zones: (ZoneRow & { kind: BatchKind })[] }> {
  const candidates = await findZonesByCode(db, code)
  const root =
    candidates.find((zone) => zone.kind === kind) ??
    ['subdistrict', 'community', 'district', 'street', 'grid'].map((k) => candidates.find((zone) => zone.kind === k)).find(Boolean)
  if (!root) throw notFound(`Zone ${code}`)
  const zones = root.kind === kind ? [root] : await listZonesUnder(db, root.id, kind)
  if (zones.length === 0) throw new DomainError('nothing_to_print', `No ${kind} lies in ${root.kind} ${code}`)
  return { root, zones: zones as (ZoneRow & { kind: BatchKind })[] }
}

/** One signboard of a batch takes a render slot like a request, but waits for it as long as it takes. */
async function inSlot<T>(render: () => Promise<T>): Promise<T> {
  const release = await renderSlots.acquireEventually()
  try {
    return await render()
  } finally {
    release()
  }
}

/**
 * Renders every signboard of a batch, one after another, reporting progress after each: a
 * multi-page PDF or a zip of one file per zone.
 */
export async function renderBatch(
  db: Db,
  request: BatchRequest,
  onProgress: (done: number, total: number, zone: ZoneRow) => void = () => {},
): Promise<BatchResult> {
  const { root, zones } = await batchZones(db, request.zone, request.kind)
  const options = { paper: request.paper, orientation: request.orientation, dpi: request.dpi, publicUrl: request.publicUrl }
  const baseName = fileNameOf({ code: root.code, name: `${root.name}-${request.kind}` }, request.format)
  if (request.format === 'pdf') {
    const { doc, done } = createPdf(`${root.name} 公示牌`)
    for (const [index, zone] of zones.entries()) {
      await inSlot(async () => addDrawingPage(doc, await drawSignboard(db, zone, options)))
      onProgress(index + 1, zones.length, zone)
      // Let the server answer progress requests between signboards.
      await new Promise((resolve) => setImmediate(resolve))
    }
    doc.end()
    return { fileName: baseName, contentType: 'application/pdf', body: await done, count: zones.length }
  }
  const fileFormat = request.fileFormat ?? 'pdf'
  const files: Record<string, Uint8Array> = {}
  for (const [index, zone] of zones.entries()) {
    files[fileNameOf(zone, fileFormat)] = await inSlot(async () => writeDrawing(await drawSignboard(db, zone, options), fileFormat, request.dpi))
    onProgress(index + 1, zones.length, zone)
    await new Promise((resolve) => setImmediate(resolve))
  }
  // PDF and PNG are compressed already; storing them keeps the zip fast.
  const body = Buffer.from(zipSync(files, { level: fileFormat === 'svg' ? 6 : 0 }))
  return { fileName: baseName, contentType: 'application/zip', body, count: zones.length }
}
