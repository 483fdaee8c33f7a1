/**
 * Instants as the API reads them: one parser for the query strings, the JSON bodies and the
 * importer, so a date means the same everywhere. A date or time without an offset is China
 * Standard Time, the clock of the people who use Jiezhang.
 */

/** A time without an offset is read as China Standard Time, the clock of the people asking. */
const DEFAULT_OFFSET = '+08:00'
const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/

/** Parses ISO 8601 (`2024-03-03`, `2024-03-03T09:30`, `2024-03-03T01:30:00Z`) into a Date, or null. */
export function parseInstant(text: string): Date | null {
  const match = isoPattern.exec(text.trim())
  if (!match) return null
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate()
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth) return null
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null
  let offset = zone === undefined ? DEFAULT_OFFSET : zone.toUpperCase()
  if (/^[+-]\d{4}$/.test(offset)) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`
  const millis = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '.000'
  const parsed = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${millis}${offset}`)
  return Number.isNaN(parsed.getTime()) || !isInstantInRange(parsed) ? null : parsed
}

/**
 * Years the database and ISO strings agree on: PostgreSQL has no year 0 (`0000-01-01` is refused
 * as a timestamp), and nothing in a zoning history predates 1900.
 */
export const INSTANT_YEARS = { min: 1900, max: 9999 } as const

export function isInstantInRange(instant: Date): boolean {
  const year = instant.getUTCFullYear()
  return year >= INSTANT_YEARS.min && year <= INSTANT_YEARS.max
}
