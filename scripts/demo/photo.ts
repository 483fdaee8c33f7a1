/**
 * A JPEG-shaped photo small enough to write by hand (SOI, APP0 JFIF, a quantisation table, a
 * scan, EOI): what the simulation and the case tests upload as a handler's feedback photo. It
 * passes the photo check of server/cases/photo-strip.ts; it is not meant to decode to a picture.
 */
export function handMadeJpeg(): Buffer {
  const segment = (marker: number, payload: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0])
    head.writeUInt16BE(payload.length + 2, 2)
    return Buffer.concat([head, payload])
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xdb, Buffer.alloc(65, 1)),
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0x56, 0x78, 0xff, 0xd9]),
  ])
}
