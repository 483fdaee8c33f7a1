/**
 * npm run signboards -- --zone CODE --out DIR [--kind street|grid|segment] [--format pdf|zip]
 *   [--files pdf|png|svg] [--paper A4|A3|A2|A1] [--orientation landscape|portrait] [--dpi 150]
 *
 * Prints the signboards (公示牌) of every street (or grid, segment) of a sub-district — or of one
 * street or grid given by its own code — from the database the server uses: DATABASE_URL, or the
 * embedded PostGIS in DATA_DIR (default .data/pglite). --format pdf writes one multi-page PDF,
 * zip one file per zone. The QR codes point at PUBLIC_URL.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../server/config.js'
import { connectDatabase } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { DomainError } from '../server/errors.js'
import { batchKinds, renderBatch, type BatchKind } from '../server/signboards/batch.js'
import { orientations, paperSizes, type Orientation, type PaperSize } from '../server/signboards/paper.js'
import { signboardFormats, type SignboardFormat } from '../server/signboards/render.js'
import { loadDemoIfEmpty } from '../server/transfer/demo.js'

const usage =
  'usage: npm run signboards -- --zone CODE --out DIR [--kind street|grid|segment] [--format pdf|zip] [--files pdf|png|svg] [--paper A3] [--orientation landscape|portrait] [--dpi 150]'

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase())
  if (!match) throw new RangeError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`)
  return match
}

/** A progress bar on a terminal; one line per tenth of the way elsewhere (CI logs). */
function progressPrinter(): (done: number, total: number, name: string) => void {
  let lastTenth = -1
  return (done, total, name) => {
    const width = 30
    const filled = Math.round((done / total) * width)
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${name}`
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[K${line}${done === total ? '\n' : ''}`)
    } else {
      const tenth = Math.floor((done / total) * 10)
      if (tenth !== lastTenth || done === total) process.stderr.write(`${line}\n`)
      lastTenth = tenth
    }
  }
}

async function main(): Promise<number> {
  let values
  try {
    values = parseArgs({
      options: {
        zone: { type: 'string' },
        out: { type: 'string' },
        kind: { type: 'string' },
        format: { type: 'string' },
        files: { type: 'string' },
        paper: { type: 'string' },
        orientation: { type: 'string' },
        dpi: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    return 2
  }
  if (values.help) {
    console.log(usage)
    return 0
  }
  if (!values.zone || !values.out) {
    console.error(usage)
    return 2
  }
  let kind: BatchKind, format: 'pdf' | 'zip', files: SignboardFormat, paper: PaperSize, orientation: Orientation, dpi: number
  try {
    kind = oneOf('kind', values.kind, batchKinds, 'street')
    format = oneOf('format', values.format, ['pdf', 'zip'] as const, 'pdf')
    files = oneOf('files', values.files, signboardFormats, 'pdf')
    paper = oneOf('paper', values.paper, paperSizes, 'A3')
    orientation = oneOf('orientation', values.orientation, orientations, 'landscape')
    dpi = Number(values.dpi ?? 150)
    if (!Number.isInteger(dpi) || dpi < 36 || dpi > 300) throw new RangeError(`--dpi must be a whole number from 36 to 300, got "${values.dpi}"`)
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`)
    return 2
  }

  const config = loadConfig()
  const handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrate(handle)
    if (config.demo) await loadDemoIfEmpty(handle.db)
    const started = Date.now()
    const result = await renderBatch(
      handle.db,
      { zone: values.zone, kind, format, fileFormat: files, paper, orientation, dpi, publicUrl: config.publicUrl },
      ((print) => (done: number, total: number, zone: { name: string }) => print(done, total, zone.name))(progressPrinter()),
    )
    mkdirSync(values.out, { recursive: true })
    const file = path.join(values.out, result.fileName)
    writeFileSync(file, result.body)
    const seconds = (Date.now() - started) / 1000
    console.log(`${result.count} signboards (${kind}, ${paper} ${orientation}) in ${seconds.toFixed(1)} s -> ${file}`)
    return 0
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(`${error.code}: ${error.message}`)
      return 1
    }
    throw error
  } finally {
    await handle.close()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error)
    process.exit(1)
  },
)
