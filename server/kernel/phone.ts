/**
 * Chinese phone numbers: read what people type, keep one normal form, and say exactly what a
 * phone dials. Pure, so the server and the client read numbers the same way.
 *
 * - mobile: 1[3-9] and 9 more digits, optionally after +86 or 0086 (YD/T 2741 numbering);
 * - landline: an area code and the local number. Area codes 010 and 020–029 have three digits with
 *   the trunk 0 and eight-digit local numbers; every other area code has four (0571) and seven- or
 *   eight-digit local numbers. Given after +86/0086 the trunk 0 is left out (+86 571 …);
 * - service: the short numbers that are dialled as they are — 110, 119, 120, 122 and other
 *   three-digit 1xx, five-digit 1xxxx such as 12345 and 10086, 95xxx(x) — 400/800 numbers, and a
 *   city's five-digit service line after its area code (0571-12319, dialled from elsewhere);
 * - an extension after 转, 分机, ext, x or #: dialled after a pause (`,`), once the call is answered.
 *
 * The normal form is what is stored and printed, grouped as Chinese numbers are written
 * (`138-0000-0053`, `0571-8700-1234 转2`, `010-1234-5678`, `0311-123-4567`, `400-123-4567`, `12345`);
 * `dial` is what a `tel:` link carries (E.164 for mobiles and landlines, digits for service
 * numbers, `,ext` for an extension); `sms` is set for mobiles only.
 */
export type PhoneKind = 'mobile' | 'landline' | 'service'

export interface Phone {
  kind: PhoneKind
  /** The normal form: stored, printed and shown. */
  display: string
  /** What a tel: link dials, extension included. */
  dial: string
  /** Where an SMS goes: a mobile's E.164 number, else null. */
  sms: string | null
  extension: string | null
}

export type PhoneReading = { ok: true; phone: Phone } | { ok: false; reason: string }

/** What the API says it accepts, in the reason of every refusal. */
export const PHONE_FORMS =
  'a mobile (13800000053, +86 138 0000 0053), a landline with its area code and a local number of 7 or 8 digits (0571-87001234, 010-12345678), a service number (12345, 110, 400-123-4567), each optionally with an extension (转 2, ext 2, x2, #2)'

const extensionPattern = /^(.*?)\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$/iu
const separators = /[\s\-–—.()（）]/gu

const threeDigitAreas = /^0(10|2\d)/

function national(digits: string): { kind: PhoneKind; display: string; e164: string | null } | string {
  if (/^1[3-9]\d{9}$/.test(digits)) return { kind: 'mobile', display: `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`, e164: `+86${digits}` }
  if (/^1\d{2}$|^1\d{4}$|^9[56]\d{3,4}$/.test(digits)) return { kind: 'service', display: digits, e164: null }
  if (/^[48]00\d{7}$/.test(digits)) return { kind: 'service', display: `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`, e164: null }
  if (digits.startsWith('0')) {
    const areaLength = threeDigitAreas.test(digits) ? 3 : 4
    const area = digits.slice(0, areaLength)
    const local = digits.slice(areaLength)
    // Another city's service line: its area code and the five-digit number (0571-12319).
    if (/^(1\d{4}|9[56]\d{3,4})$/.test(local)) return { kind: 'service', display: `${area}-${local}`, e164: `+86${digits.slice(1)}` }
    const localOk = areaLength === 3 ? /^\d{8}$/.test(local) : /^\d{7,8}$/.test(local)
    if (!/^0[1-9]/.test(digits) || !localOk) {
      return `a landline is its area code and a local number of ${areaLength === 3 ? 'eight' : 'seven or eight'} digits (${area}-…), got ${local.length} digits after ${area}`
    }
    return { kind: 'landline', display: `${area}-${local.slice(0, -4)}-${local.slice(-4)}`, e164: `+86${digits.slice(1)}` }
  }
  if (digits.startsWith('1')) return `a mobile number has 11 digits starting 13 to 19, got ${digits.length} digits`
  return 'a landline needs its area code (0571-87001234)'
}

export function parsePhone(input: string): PhoneReading {
  const text = input.trim()
  if (!text) return { ok: false, reason: 'is empty' }
  const withExtension = extensionPattern.exec(text)
  const main = withExtension ? withExtension[1]! : text
  const extension = withExtension ? withExtension[2]! : null
  const compact = main.replace(separators, '')
  if (!/^(\+|00)?\d+$/.test(compact)) return { ok: false, reason: `must be ${PHONE_FORMS}` }
  let digits = compact
  const international = /^(\+|00)/.test(compact)
  if (international) {
    const country = compact.replace(/^(\+|00)/, '')
    if (!country.startsWith('86')) return { ok: false, reason: 'only Chinese numbers (+86) are accepted' }
    const rest = country.slice(2)
    // After the country code a landline drops its trunk 0; a mobile has none.
    digits = /^1[3-9]\d{9}$/.test(rest) ? rest : `0${rest.replace(/^0/, '')}`
  }
  const read = national(digits)
  if (typeof read === 'string') return { ok: false, reason: read }
  const display = extension ? `${read.display} 转${extension}` : read.display
  const base = read.e164 ?? digits
  return {
    ok: true,
    phone: { kind: read.kind, display, dial: extension ? `${base},${extension}` : base, sms: read.kind === 'mobile' ? read.e164 : null, extension },
  }
}

/** The tel: link of a stored phone, or null where it does not parse (it is then shown as text only). */
export function telHref(phone: string | null | undefined): string | null {
  if (!phone) return null
  const reading = parsePhone(phone)
  return reading.ok ? `tel:${reading.phone.dial}` : null
}

/** The sms: number of a stored phone: mobiles only. */
export function smsNumber(phone: string | null | undefined): string | null {
  if (!phone) return null
  const reading = parsePhone(phone)
  return reading.ok ? reading.phone.sms : null
}
