import { createRequire } from 'node:module'
import path from 'node:path'
import * as fontkit from 'fontkit'
import type { FontWeight, MeasureText } from './drawing.js'

/**
 * The Chinese font travels with `npm install`: Noto Sans SC (as "Noto Sans Hans", SIL OFL 1.1) in
 * OpenType/CFF from the @embedpdf/fonts-sc package. It covers GB 2312 and more (30 888 glyphs).
 * The PDF embeds a subset of it; the PNG renderer loads it directly; the SVG names it with
 * fallbacks for viewers that have another Chinese font.
 */
const require = createRequire(import.meta.url)
// The package exports only its index (dist/); the font files sit beside it in fonts/.
const fontDir = path.join(path.dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts')

export const FONT_FILES: Record<FontWeight, string> = {
  regular: path.join(fontDir, 'NotoSansHans-Regular.otf'),
  bold: path.join(fontDir, 'NotoSansHans-Bold.otf'),
}

/** Family names as the font files declare them, then common Chinese fonts for other SVG viewers. */
const fallbacks = "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
export const FONT_FAMILY: Record<FontWeight, string> = {
  regular: `'Noto Sans S Chinese Regular', ${fallbacks}`,
  bold: `'Noto Sans S Chinese Bold', ${fallbacks}`,
}

type Font = { unitsPerEm: number; glyphForCodePoint(codePoint: number): { advanceWidth: number } }
const fonts = new Map<FontWeight, Font>()
const advanceCache = new Map<string, number>()

function fontOf(weight: FontWeight): Font {
  let font = fonts.get(weight)
  if (!font) {
    font = fontkit.openSync(FONT_FILES[weight]) as unknown as Font
    fonts.set(weight, font)
  }
  return font
}

/** Width of text in the units of `size`, from the glyph advances (CJK text has no kerning). */
export const measureText: MeasureText = (text, size, weight) => {
  let em = 0
  for (const character of text) {
    const key = weight + character
    let advance = advanceCache.get(key)
    if (advance === undefined) {
      const font = fontOf(weight)
      advance = font.glyphForCodePoint(character.codePointAt(0)!).advanceWidth / font.unitsPerEm
      advanceCache.set(key, advance)
    }
    em += advance
  }
  return em * size
}
