import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { cleanPhoto, PhotoError, sniffPhotoType, stripJpeg, stripPng, stripWebp } from './photo-strip.js'

/**
 * Each format built byte by byte after its specification (JPEG: ITU T.81 markers and JFIF/EXIF
 * APPn segments; PNG: RFC 2083 chunks with CRC-32; WebP: RIFF container with VP8X flags), with a
 * GPS position in the metadata, so that what must go and what must stay is known independently.
 */
const GPS = Buffer.from('GPSLatitude=30.2741N;GPSLongitude=120.1551E', 'latin1')

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0])
  head.writeUInt16BE(payload.length + 2, 2)
  return Buffer.concat([head, payload])
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}
function webpChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.write(fourcc, 0, 'latin1')
  head.writeUInt32LE(data.length, 4)
  return Buffer.concat([head, data, data.length % 2 ? Buffer.from([0]) : Buffer.alloc(0)])
}
function riff(chunks: Buffer[]): Buffer {
  const body = Buffer.concat(chunks)
  const head = Buffer.alloc(12)
  head.write('RIFF', 0, 'latin1')
  head.writeUInt32LE(body.length + 4, 4)
  head.write('WEBP', 8, 'latin1')
  return Buffer.concat([head, body])
}

describe('photo metadata stripping', () => {
  const app0 = jpegSegment(0xe0, Buffer.from('JFIF\0\x01\x02\0\0\x01\0\x01\0\0', 'latin1'))
  const dqt = jpegSegment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 16)]))
  const sof = jpegSegment(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0]))
  const dht = jpegSegment(0xc4, Buffer.concat([Buffer.from([0]), Buffer.alloc(16, 0), Buffer.alloc(0)]))
  const scan = Buffer.concat([jpegSegment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])), Buffer.from([0xab, 0xff, 0x00, 0xcd, 0xff, 0xd0, 0xef]), Buffer.from([0xff, 0xd9])])

  it('JPEG: drops the EXIF (APP1) with its GPS block, XMP, a vendor APP and the comment; keeps JFIF, tables, frame and scan', () => {
    const exif = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0II*\0', 'latin1'), GPS]))
    const xmp = jpegSegment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS</x:xmpmeta>', 'latin1'))
    const vendor = jpegSegment(0xec, Buffer.from('Ducky', 'latin1'))
    const comment = jpegSegment(0xfe, Buffer.from('my home', 'latin1'))
    const input = Buffer.concat([Buffer.from([0xff, 0xd8]), app0, exif, xmp, dqt, vendor, sof, comment, dht, scan])
    const expected = Buffer.concat([Buffer.from([0xff, 0xd8]), app0, dqt, sof, dht, scan])
    const output = stripJpeg(input)
    expect(output.equals(expected)).toBe(true)
    expect(output.includes(GPS)).toBe(false)
    expect(cleanPhoto('image/jpeg', input).equals(expected)).toBe(true)
  })

  it('PNG: drops tEXt, zTXt, iTXt, eXIf and tIME; keeps IHDR, IDAT and IEND with their CRCs', () => {
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const ihdr = pngChunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]))
    const idat = pngChunk('IDAT', deflateSync(Buffer.from([0, 0])))
    const iend = pngChunk('IEND', Buffer.alloc(0))
    const metadata = [
      pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), GPS])),
      pngChunk('zTXt', Buffer.concat([Buffer.from('Raw profile type exif\0\0', 'latin1'), deflateSync(GPS)])),
      pngChunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), GPS])),
      pngChunk('eXIf', Buffer.concat([Buffer.from('MM\0*', 'latin1'), GPS])),
      pngChunk('tIME', Buffer.from([7, 234, 12, 2, 6, 30, 0])),
    ]
    const input = Buffer.concat([signature, ihdr, metadata[0]!, metadata[4]!, idat, metadata[1]!, metadata[2]!, metadata[3]!, iend])
    const output = stripPng(input)
    expect(output.equals(Buffer.concat([signature, ihdr, idat, iend]))).toBe(true)
    expect(sniffPhotoType(output)).toBe('image/png')
  })

  it('WebP: drops the EXIF and XMP chunks, clears their VP8X flags and rewrites the RIFF size', () => {
    // VP8X: flags byte (ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04), 3 reserved, canvas 24+24 bits.
    const flags = 0x10 | 0x08 | 0x04
    const vp8x = (f: number) => webpChunk('VP8X', Buffer.from([f, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
    const image = webpChunk('VP8L', Buffer.from([0x2f, 0, 0, 0, 0x10, 0x07]))
    const exif = webpChunk('EXIF', Buffer.concat([Buffer.from('MM\0*', 'latin1'), GPS, Buffer.from([1])]))
    const xmp = webpChunk('XMP ', Buffer.from('<x:xmpmeta>GPS</x:xmpmeta>', 'latin1'))
    const input = riff([vp8x(flags), image, exif, xmp])
    const expected = riff([vp8x(0x10), image])
    const output = stripWebp(input)
    expect(output.equals(expected)).toBe(true)
    expect(output.readUInt32LE(4)).toBe(output.length - 8)
    expect(output.includes(GPS)).toBe(false)
  })

  it('refuses bytes that are not the declared type, naming what they are', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IEND', Buffer.alloc(0))])
    expect(() => cleanPhoto('image/jpeg', png)).toThrow(PhotoError)
    expect(() => cleanPhoto('image/jpeg', png)).toThrow(/image\/png/)
    expect(() => cleanPhoto('image/webp', Buffer.from('GIF89a'))).toThrow(/not image\/webp/)
    expect(() => stripJpeg(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x40, 1, 2]))).toThrow(/runs past the end/)
  })

  it('keeps a file without metadata bit for bit', () => {
    const input = Buffer.concat([Buffer.from([0xff, 0xd8]), app0, dqt, sof, dht, scan])
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex')
    expect(digest(stripJpeg(input))).toBe(digest(input))
  })
})
