/**
 * npm run gen:city -- --out FILE [--scale N] [--seed S] [--format both|ndjson|geojson] [--chunk-features N]
 *
 * Writes a synthetic city in the import format (docs/city-data.md): the demo sub-district, cut by
 * scripts/build-demo.ts from real OpenStreetMap streets, copied, moved, bent and renamed. FILE
 * names the outputs: FILE.ndjson (the head on the first line, then one feature a line),
 * FILE-partNN.geojson (pieces within the import's limits, to import in order) and FILE.known.json
 * (the counts and the places left with coverage gaps and unsegmented streets).
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { chunkLines, DEFAULT_CHUNK_FEATURES } from './gen-city/chunks.js'
import { generateCity } from './gen-city/generate.js'

const usage = 'usage: npm run gen:city -- --out FILE [--scale 1] [--seed 1] [--format both|ndjson|geojson] [--chunk-features 100000]'

function writeLines(file: string, first: string, lines: readonly string[], from: number, to: number, separator: string, last: string): void {
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, first)
    const batch: string[] = []
    for (let i = from; i < to; i++) {
      batch.push(lines[i]!)
      if (batch.length === 5000 || i === to - 1) {
        writeSync(fd, batch.join(separator) + (i === to - 1 ? '' : separator))
        batch.length = 0
      }
    }
    writeSync(fd, last)
  } finally {
    closeSync(fd)
  }
}

function main(): number {
  let values
  try {
    values = parseArgs({
      options: {
        out: { type: 'string' },
        scale: { type: 'string', default: '1' },
        seed: { type: 'string', default: '1' },
        format: { type: 'string', default: 'both' },
        'chunk-features': { type: 'string', default: String(DEFAULT_CHUNK_FEATURES) },
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
  const scale = Number(values.scale)
  const seed = Number(values.seed)
  const chunkFeatures = Number(values['chunk-features'])
  const format = values.format
  if (!values.out || !(scale > 0) || !Number.isInteger(seed) || !(chunkFeatures >= 1) || !['both', 'ndjson', 'geojson'].includes(format!)) {
    console.error(usage)
    return 2
  }
  const base = values.out.replace(/\.(geo)?json$|\.ndjson$/, '')
  mkdirSync(dirname(base), { recursive: true })

  const started = performance.now()
  const city = generateCity({ scale, seed })
  const generated = performance.now()
  const lines = city.features.map((feature) => JSON.stringify(feature))
  const head = JSON.stringify(city.head)
  const written: string[] = []
  if (format !== 'geojson') {
    writeLines(`${base}.ndjson`, `${head}\n`, lines, 0, lines.length, '\n', '\n')
    written.push(`${base}.ndjson`)
  }
  const pieces = format === 'ndjson' ? [] : chunkLines(lines, chunkFeatures)
  pieces.forEach(([from, to], p) => {
    const file = `${base}-part${String(p + 1).padStart(2, '0')}.geojson`
    // The first piece carries the departments and categories; the others only features.
    const pieceHead = p === 0 ? head : JSON.stringify({ type: city.head.type, name: `${city.head.name} — part ${p + 1} of ${pieces.length}` })
    writeLines(file, `${pieceHead.slice(0, -1)},"features":[\n`, lines, from, to, ',\n', '\n]}\n')
    written.push(file)
  })
  const known = {
    scale, seed, tiles: city.tiles, subdistricts: city.subdistricts, counts: city.counts, features: city.features.length,
    pieces: pieces.map(([from, to], p) => ({ file: `${basename(base)}-part${String(p + 1).padStart(2, '0')}.geojson`, features: to - from })),
    ...city.known,
  }
  writeFileSync(`${base}.known.json`, `${JSON.stringify(known, null, 1)}\n`)
  written.push(`${base}.known.json`)
  const done = performance.now()
  console.log(`${city.features.length} features: ${Object.entries(city.counts).map(([kind, count]) => `${count} ${kind}`).join(', ')}`)
  console.log(`${city.known.gaps.length} coverage gaps, ${city.known.unsegmentedStreets.length} unsegmented streets (listed in ${base}.known.json)`)
  console.log(`generated in ${((generated - started) / 1000).toFixed(1)} s, written in ${((done - generated) / 1000).toFixed(1)} s: ${written.join(', ')}`)
  return 0
}

process.exitCode = main()
