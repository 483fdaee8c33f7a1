import { describe, expect, it } from 'vitest'
import { en } from '../i18n/en.js'
import { zh } from '../i18n/zh.js'
import { drawingReasons, reasonKey } from './drawing-reasons.js'

describe('drawing reasons', () => {
  it('has a Chinese and an English text for every reason, and neither is the bare code', () => {
    const missing: string[] = []
    for (const reason of drawingReasons) {
      for (const [language, dictionary] of [['zh', zh], ['en', en]] as const) {
        const text = (dictionary as Record<string, string>)[reasonKey(reason)]
        if (!text || text === reason || text.includes('_')) missing.push(`${language}: ${reason}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('gives the Chinese texts in Chinese characters', () => {
    const notChinese = drawingReasons.filter((reason) => !/\p{Script=Han}/u.test(zh[reasonKey(reason)]))
    expect(notChinese).toEqual([])
  })
})
