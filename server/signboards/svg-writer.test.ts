import { describe, expect, it } from 'vitest'
import { escapeXml } from './svg-writer.js'

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const xmlChars = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u

describe('escapeXml', () => {
  it('drops characters outside XML 1.0 Char from a name already stored, so the SVG stays XML', () => {
    for (const name of ['网格\u0008名', 'a\u0000b', 'x\uFFFEy', 'lone \uD800 surrogate', 'tab\tok']) {
      expect(escapeXml(name), JSON.stringify(name)).toMatch(xmlChars)
    }
    expect(escapeXml('网格\u0008名')).toBe('网格名')
    expect(escapeXml('A & <B> 😀')).toBe('A &amp; &lt;B&gt; 😀')
  })
})
