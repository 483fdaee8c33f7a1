import { parsePhone } from './phone.js'

/**
 * A phone as shown to someone who may not see it (docs/permissions.md, masking rules). Pure.
 *
 * - a mobile keeps its first three and last four digits: `138-0000-0053` → `138****0053`;
 * - a landline keeps its area code and the last four digits of the local number (the last two when
 *   the local number has fewer than seven): `0571-8700-1234` → `0571-****1234`;
 * - a service number (12345, 400-…) is an office's public line and stays as it is;
 * - an extension is dropped; anything unreadable keeps only its last two digits.
 */
export function maskPhone(phone: string): string {
  const reading = parsePhone(phone)
  if (reading.ok && reading.phone.kind === 'service') return reading.phone.display.replace(/\s*转.*$/u, '')
  if (reading.ok && reading.phone.kind === 'mobile') {
    const digits = reading.phone.display.replace(/\D/g, '')
    return `${digits.slice(0, 3)}****${digits.slice(-4)}`
  }
  if (reading.ok && reading.phone.kind === 'landline') {
    const [area, ...rest] = reading.phone.display.replace(/\s*转.*$/u, '').split('-')
    const local = rest.join('')
    const keep = local.length >= 7 ? 4 : 2
    return `${area}-${'*'.repeat(local.length - keep)}${local.slice(-keep)}`
  }
  const digits = phone.replace(/\D/g, '')
  return digits.length <= 2 ? '**' : `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`
}

/** The phone a party shows: masked when it is private and the caller may not see it. */
export function shownPhone(phone: string | null, isPrivate: boolean, mayContact: boolean): string | null {
  if (phone === null || !isPrivate || mayContact) return phone
  return maskPhone(phone)
}

/**
 * A copy of `body` with every `phone` field whose value is in `hidden` masked; `shown` are the
 * private phones the caller may see, and `personal` says whether any of them is in the body.
 */
export function maskPhonesIn<T>(body: T, hidden: ReadonlySet<string>, shown: ReadonlySet<string>): { body: T; personal: boolean } {
  let personal = false
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk)
    if (value === null || typeof value !== 'object' || value instanceof Date || ArrayBuffer.isView(value)) return value
    const copy: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(value)) {
      if (key === 'phone' && typeof field === 'string') {
        if (hidden.has(field)) copy[key] = maskPhone(field)
        else {
          if (shown.has(field)) personal = true
          copy[key] = field
        }
      } else copy[key] = walk(field)
    }
    return copy
  }
  return { body: walk(body) as T, personal }
}
