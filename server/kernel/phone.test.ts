import { describe, expect, it } from 'vitest'
import { parsePhone, smsNumber, telHref } from './phone.js'

// Expected forms derived by hand from the numbering plan: E.164 is +86 and the national number
// without its trunk 0 (ITU-T E.164, China's country code 86); mobiles have no trunk 0.
describe('parsePhone', () => {
  it('dials the extension of the hostile test after the number, not as more digits of it', () => {
    expect(parsePhone('138-0000-0053 转2')).toEqual({
      ok: true,
      phone: { kind: 'mobile', display: '138-0000-0053 转2', dial: '+8613800000053,2', sms: '+8613800000053', extension: '2' },
    })
  })

  it('reads a mobile however it is written, with or without +86 or 0086', () => {
    for (const text of ['13800000053', '138 0000 0053', '138-0000-0053', '+86 138 0000 0053', '+8613800000053', '0086 13800000053', ' 13800000053 ']) {
      expect(parsePhone(text), text).toEqual({ ok: true, phone: { kind: 'mobile', display: '138-0000-0053', dial: '+8613800000053', sms: '+8613800000053', extension: null } })
    }
  })

  it('reads landlines with three- and four-digit area codes, dropping the trunk 0 in E.164', () => {
    const cases: [string, string, string][] = [
      ['0571-87001234', '0571-8700-1234', '+8657187001234'],
      ['(0571) 8700 1234', '0571-8700-1234', '+8657187001234'],
      ['057187001234', '0571-8700-1234', '+8657187001234'],
      ['+86 571 8700 1234', '0571-8700-1234', '+8657187001234'],
      ['010-12345678', '010-1234-5678', '+861012345678'],
      ['+86 10 1234 5678', '010-1234-5678', '+861012345678'],
      ['02112345678', '021-1234-5678', '+862112345678'],
      ['0311-1234567', '0311-123-4567', '+863111234567'],
      // Fictional numbers as the demo writes them: the length decides, not the first digit.
      ['0571-0000-0101', '0571-0000-0101', '+8657100000101'],
    ]
    for (const [text, display, dial] of cases) {
      expect(parsePhone(text), text).toEqual({ ok: true, phone: { kind: 'landline', display, dial, sms: null, extension: null } })
    }
  })

  it('reads extensions after 转, 分机, ext, x and #', () => {
    for (const text of ['0571-87001234 转 12', '0571-87001234转12', '0571-87001234 分机12', '0571-87001234 ext. 12', '0571-87001234 EXT 12', '0571-87001234 x12', '0571-87001234#12']) {
      expect(parsePhone(text), text).toMatchObject({ ok: true, phone: { display: '0571-8700-1234 转12', dial: '+8657187001234,12', extension: '12' } })
    }
  })

  it('keeps service numbers as they are dialled, 400/800 grouped 3-3-4, with no SMS', () => {
    const cases: [string, string, string][] = [
      ['12345', '12345', '12345'],
      ['110', '110', '110'],
      ['10086', '10086', '10086'],
      ['95555', '95555', '95555'],
      ['400-123-4567', '400-123-4567', '4001234567'],
      ['4001234567', '400-123-4567', '4001234567'],
      ['800 123 4567', '800-123-4567', '8001234567'],
      ['0571-12319', '0571-12319', '+8657112319'],
    ]
    for (const [text, display, dial] of cases) {
      expect(parsePhone(text), text).toEqual({ ok: true, phone: { kind: 'service', display, dial, sms: null, extension: null } })
    }
  })

  it('refuses what is not a Chinese number, saying why', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['abc', /must be a mobile .* a landline .* a service number/],
      ['1380000005', /11 digits/],
      ['87001234', /area code/],
      ['021-1234567', /eight digits/],
      ['0571-123', /seven or eight digits/],
      ['+1 555 123 4567', /\+86/],
      // After +86 a number is a mobile or an area code and a local number.
      ['+86 12345', /local number/],
      ['138 0000 0053 转', /must be/],
    ]
    for (const [text, reason] of cases) {
      const reading = parsePhone(text)
      expect(reading.ok, text).toBe(false)
      if (!reading.ok) expect(reading.reason, text).toMatch(reason)
    }
  })

  it('links a stored phone that parses, and none that does not', () => {
    expect(telHref('0571-87001234 转2')).toBe('tel:+8657187001234,2')
    expect(telHref('找王主任')).toBeNull()
    expect(telHref(null)).toBeNull()
    expect(smsNumber('13800000053')).toBe('+8613800000053')
    expect(smsNumber('0571-87001234')).toBeNull()
  })
})
