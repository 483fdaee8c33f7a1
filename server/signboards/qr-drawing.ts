import QRCode from 'qrcode'
import type { Shape } from './drawing.js'

/** A QR code as one vector path of dark modules (rows merged into runs), with its quiet zone. */
export function drawQr(text: string, x: number, y: number, size: number): Shape[] {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const count = qr.modules.size
  const quiet = 2
  const module = size / (count + 2 * quiet)
  const parts: string[] = []
  for (let row = 0; row < count; row++) {
    let col = 0
    while (col < count) {
      if (!qr.modules.get(row, col)) {
        col++
        continue
      }
      const start = col
      while (col < count && qr.modules.get(row, col)) col++
      const px = x + (quiet + start) * module
      const py = y + (quiet + row) * module
      const w = (col - start) * module
      // A hair of overlap closes the seams that anti-aliasing would show between rows.
      parts.push(`M${px.toFixed(3)} ${py.toFixed(3)}h${w.toFixed(3)}v${(module + 0.02).toFixed(3)}h${(-w).toFixed(3)}Z`)
    }
  }
  return [
    { type: 'rect', x, y, width: size, height: size, fill: '#ffffff' },
    { type: 'path', d: parts.join(''), fill: '#000000' },
  ]
}
