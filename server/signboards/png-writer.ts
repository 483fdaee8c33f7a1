import { renderAsync } from '@resvg/resvg-js'
import type { Drawing } from './drawing.js'
import { FONT_FILES } from './fonts.js'
import { drawingToSvg } from './svg-writer.js'

/**
 * A PNG of the drawing at `dpi`, rendered from its SVG with the bundled Chinese font only. It runs
 * on resvg's worker thread: loading the font and rasterising take most of a second, during which
 * the server keeps answering.
 */
export async function drawingToPng(drawing: Drawing, dpi: number): Promise<Buffer> {
  const widthPx = Math.round(((drawing.width * drawing.scale) / 25.4) * dpi)
  const image = await renderAsync(drawingToSvg(drawing), {
    fitTo: { mode: 'width', value: widthPx },
    background: '#ffffff',
    font: {
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      loadSystemFonts: false,
      defaultFontFamily: 'Noto Sans S Chinese Regular',
    },
  })
  return image.asPng()
}
