/**
 * Photos as they are stored: the declared type checked against the file's first bytes, and the
 * metadata (EXIF with its GPS position, XMP, comments, text chunks) removed, so that nothing of the
 * phone that took it is shown publicly. Pure byte work, no image decoding: the picture itself is
 * kept bit for bit.
 */

export const photoTypes = ['image/jpeg', 'image/png', 'image/webp'] as const
export type PhotoType = (typeof photoTypes)[number]
export const isPhotoType = (value: string): value is PhotoType => (photoTypes as readonly string[]).includes(value)

export class PhotoError extends Error {}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** The type the bytes are, by their magic numbers; null for none of the three. */
export function sniffPhotoType(bytes: Buffer): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png'
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

/**
 * JPEG: keeps SOI, APP0 (JFIF), DQT, SOF, DHT, DRI, SOS and the entropy-coded data after it;
 * drops APP1..APP15 (EXIF, XMP, ICC, vendor blocks) and COM.
 */
export function stripJpeg(bytes: Buffer): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, 2)]
  let offset = 2
  while (offset < bytes.length) {
    if (bytes[offset] !== 0xff) throw new PhotoError(`JPEG: expected a marker at byte ${offset}`)
    const marker = bytes[offset + 1]
    if (marker === undefined) throw new PhotoError('JPEG: truncated marker')
    if (marker === 0xff) {
      offset++ // fill byte
      continue
    }
    if (marker === 0xd9) {
      parts.push(bytes.subarray(offset, offset + 2))
      break
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      parts.push(bytes.subarray(offset, offset + 2))
      offset += 2
      continue
    }
    if (offset + 4 > bytes.length) throw new PhotoError('JPEG: truncated segment header')
    const length = bytes.readUInt16BE(offset + 2)
    if (length < 2 || offset + 2 + length > bytes.length) throw new PhotoError(`JPEG: segment at byte ${offset} runs past the end`)
    const end = offset + 2 + length
    if (marker === 0xda) {
      // Start of scan: the entropy-coded data follows; keep everything from here to the end.
      parts.push(bytes.subarray(offset))
      break
    }
    const metadata = (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe
    if (!metadata) parts.push(bytes.subarray(offset, end))
    offset = end
  }
  return Buffer.concat(parts)
}

const PNG_DROPPED = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME'])

/** PNG: drops the tEXt, zTXt, iTXt, eXIf and tIME chunks; keeps every other chunk with its CRC. */
export function stripPng(bytes: Buffer): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, 8)]
  let offset = 8
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw new PhotoError(`PNG: truncated chunk at byte ${offset}`)
    const length = bytes.readUInt32BE(offset)
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    const end = offset + 12 + length
    if (end > bytes.length) throw new PhotoError(`PNG: chunk ${type} runs past the end`)
    if (!PNG_DROPPED.has(type)) parts.push(bytes.subarray(offset, end))
    offset = end
    if (type === 'IEND') break
  }
  return Buffer.concat(parts)
}

const VP8X_EXIF = 0x08
const VP8X_XMP = 0x04

/** WebP: drops the EXIF and XMP chunks, clears their VP8X flags and writes the new RIFF size. */
export function stripWebp(bytes: Buffer): Buffer {
  const riffEnd = Math.min(bytes.length, 8 + bytes.readUInt32LE(4))
  const chunks: Buffer[] = []
  let offset = 12
  while (offset + 8 <= riffEnd) {
    const fourcc = bytes.toString('latin1', offset, offset + 4)
    const size = bytes.readUInt32LE(offset + 4)
    const end = offset + 8 + size + (size % 2)
    if (offset + 8 + size > riffEnd) throw new PhotoError(`WebP: chunk ${fourcc} runs past the end`)
    const chunk = Buffer.from(bytes.subarray(offset, Math.min(end, riffEnd)))
    if (fourcc === 'VP8X' && size >= 1) chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP)
    if (fourcc !== 'EXIF' && fourcc !== 'XMP ') chunks.push(chunk)
    offset = end
  }
  const body = Buffer.concat(chunks)
  const header = Buffer.alloc(12)
  header.write('RIFF', 0, 'latin1')
  header.writeUInt32LE(4 + body.length, 4)
  header.write('WEBP', 8, 'latin1')
  return Buffer.concat([header, body])
}

/** The declared type checked against the bytes (a PNG declared JPEG is refused), then stripped. */
export function cleanPhoto(declared: PhotoType, bytes: Buffer): Buffer {
  const actual = sniffPhotoType(bytes)
  if (actual !== declared) throw new PhotoError(actual === null ? `the bytes are not ${declared}` : `the bytes are ${actual}, not ${declared} as declared`)
  if (declared === 'image/jpeg') return stripJpeg(bytes)
  if (declared === 'image/png') return stripPng(bytes)
  return stripWebp(bytes)
}
