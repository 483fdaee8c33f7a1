import { zipSync } from 'fflate'

/**
 * A zipped Shapefile of polygons with text attributes, written byte by byte (ESRI Shapefile
 * Technical Description, 1998; dBASE III), so that the browser tests can drop one on the map
 * without a shapefile-writing package. Rings are given as closed lon/lat lists.
 */
export function zippedPolygonShapefile(layer: string, features: { ring: number[][]; attributes: Record<string, string> }[]): Uint8Array {
  const records = features.map(({ ring }) => {
    // Shapefile outer rings run clockwise.
    const points = signedArea(ring) > 0 ? [...ring].reverse() : ring
    const content = new DataView(new ArrayBuffer(44 + 4 + 16 * points.length))
    content.setInt32(0, 5, true)
    writeBox(content, 4, points)
    content.setInt32(36, 1, true)
    content.setInt32(40, points.length, true)
    content.setInt32(44, 0, true)
    points.forEach(([x, y], i) => {
      content.setFloat64(48 + 16 * i, x!, true)
      content.setFloat64(56 + 16 * i, y!, true)
    })
    return new Uint8Array(content.buffer)
  })
  const shpLength = 100 + records.reduce((sum, r) => sum + 8 + r.length, 0)
  const shp = new DataView(new ArrayBuffer(shpLength))
  shp.setInt32(0, 9994, false)
  shp.setInt32(24, shpLength / 2, false)
  shp.setInt32(28, 1000, true)
  shp.setInt32(32, 5, true)
  writeBox(shp, 36, features.flatMap((f) => f.ring))
  let offset = 100
  records.forEach((record, i) => {
    shp.setInt32(offset, i + 1, false)
    shp.setInt32(offset + 4, record.length / 2, false)
    new Uint8Array(shp.buffer).set(record, offset + 8)
    offset += 8 + record.length
  })
  return zipSync({
    [`${layer}.shp`]: new Uint8Array(shp.buffer),
    [`${layer}.dbf`]: dbf(features.map((f) => f.attributes)),
    [`${layer}.cpg`]: new TextEncoder().encode('UTF-8'),
    [`${layer}.prj`]: new TextEncoder().encode(
      'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
    ),
  })
}

function signedArea(ring: number[][]): number {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
  return sum / 2
}

function writeBox(view: DataView, at: number, points: number[][]) {
  const xs = points.map((p) => p[0]!)
  const ys = points.map((p) => p[1]!)
  ;[Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, i) => view.setFloat64(at + 8 * i, v, true))
}

/** A dBASE III table of character fields, UTF-8 (declared by the .cpg). */
function dbf(rows: Record<string, string>[]): Uint8Array {
  const encoder = new TextEncoder()
  const names = Object.keys(rows[0] ?? {})
  const widths = names.map((name) => Math.max(10, ...rows.map((row) => encoder.encode(row[name] ?? '').length)))
  const headerLength = 32 + 32 * names.length + 1
  const recordLength = 1 + widths.reduce((a, b) => a + b, 0)
  const bytes = new Uint8Array(headerLength + recordLength * rows.length + 1)
  const view = new DataView(bytes.buffer)
  bytes[0] = 0x03
  bytes.set([126, 1, 1], 1)
  view.setUint32(4, rows.length, true)
  view.setUint16(8, headerLength, true)
  view.setUint16(10, recordLength, true)
  names.forEach((name, i) => {
    bytes.set(encoder.encode(name.slice(0, 10)), 32 + 32 * i)
    bytes[32 + 32 * i + 11] = 'C'.charCodeAt(0)
    bytes[32 + 32 * i + 16] = widths[i]!
  })
  bytes[headerLength - 1] = 0x0d
  rows.forEach((row, r) => {
    let at = headerLength + recordLength * r
    bytes[at++] = 0x20
    names.forEach((name, i) => {
      const value = encoder.encode(row[name] ?? '')
      bytes.fill(0x20, at, at + widths[i]!)
      bytes.set(value, at)
      at += widths[i]!
    })
  })
  bytes[bytes.length - 1] = 0x1a
  return bytes
}
