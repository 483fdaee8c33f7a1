/**
 * npm run bench:signboards [-- --count 100 --png 10 --data-dir DIR]
 *
 * Times signboards over the demo district in an embedded PostGIS in memory (or, with --data-dir,
 * over the embedded database in that folder as it is): every street, grid and segment
 * (repeated until at least --count) rendered as one multi-page PDF, as a batch does, then a few
 * PNGs at 150 dpi. Prints the time per signboard. Gathering the data (the PostGIS queries) is
 * part of each signboard's time.
 */
import { parseArgs } from 'node:util'
import { connectDatabase } from '../server/db/connect.js'
import { zoneRowColumns } from '../server/db/database.js'
import { migrate } from '../server/db/migrate.js'
import { addDrawingPage, createPdf } from '../server/signboards/pdf-writer.js'
import { drawSignboard, writeDrawing } from '../server/signboards/render.js'
import type { SignboardKind } from '../server/signboards/signboard-data.js'
import { loadDemo } from '../server/transfer/demo.js'

const { values } = parseArgs({
  options: { count: { type: 'string', default: '100' }, png: { type: 'string', default: '10' }, 'data-dir': { type: 'string' } },
})
const count = Math.max(1, Number(values.count))
const pngCount = Math.max(0, Number(values.png))

const handle = await connectDatabase({ dataDir: values['data-dir'] })
try {
  await migrate(handle)
  if (!values['data-dir']) console.log(`demo: ${await loadDemo(handle.db)}`)
  const zones = await handle.db
    .selectFrom('zone')
    .select(zoneRowColumns)
    .where('kind', 'in', ['street', 'grid', 'segment'])
    .orderBy('kind')
    .orderBy('code')
    .execute()
  if (zones.length === 0) {
    console.error('the demo district has no streets, grids or segments to print')
    process.exit(1)
  }
  const byKind = (kind: string) => zones.filter((zone) => zone.kind === kind).length
  console.log(`zones: ${byKind('street')} streets, ${byKind('grid')} grids, ${byKind('segment')} segments`)
  const options = { publicUrl: 'http://localhost:8080' }

  // Warm up: the font files are parsed once per process.
  await writeDrawing(await drawSignboard(handle.db, zones[0] as (typeof zones)[number] & { kind: SignboardKind }, options), 'pdf')

  const { doc, done } = createPdf('bench')
  const started = performance.now()
  let rendered = 0
  while (rendered < count) {
    for (const zone of zones) {
      if (rendered >= count) break
      addDrawingPage(doc, await drawSignboard(handle.db, zone as typeof zone & { kind: SignboardKind }, options))
      rendered++
    }
  }
  doc.end()
  const pdf = await done
  const pdfMs = performance.now() - started
  console.log(`PDF batch: ${rendered} signboards (A3, one ${(pdf.length / 1024 / 1024).toFixed(1)} MB PDF) in ${(pdfMs / 1000).toFixed(1)} s`)
  console.log(`time per signboard (PDF): ${(pdfMs / rendered).toFixed(0)} ms`)

  if (pngCount > 0) {
    const pngStarted = performance.now()
    for (let i = 0; i < pngCount; i++) {
      const zone = zones[i % zones.length]!
      await writeDrawing(await drawSignboard(handle.db, zone as typeof zone & { kind: SignboardKind }, options), 'png', 150)
    }
    console.log(`time per signboard (PNG, A3 at 150 dpi, ${pngCount} boards): ${((performance.now() - pngStarted) / pngCount).toFixed(0)} ms`)
  }
} finally {
  await handle.close()
}
