import type { AuditEventView } from './audit.service.js'

/** The columns of the CSV export, in order (the API's field names). */
export const csvColumns = [
  'id', 'at', 'login', 'account_id', 'via', 'address', 'action', 'object_type', 'object_id', 'object_code',
  'outcome', 'status', 'method', 'path', 'route', 'comment', 'before', 'after', 'user_agent',
] as const satisfies readonly (keyof AuditEventView)[]

/** Excel in a Chinese office opens a CSV as GBK unless it starts with a UTF-8 byte order mark. */
export const UTF8_BOM = '\uFEFF'

/**
 * One CSV field (RFC 4180: quoted when it holds a comma, quote or line break). A text that starts
 * with = + - @ or a tab is prefixed with an apostrophe so a spreadsheet shows it rather than
 * running it as a formula (a login or comment is anyone's text).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(event: AuditEventView): string {
  return csvColumns.map((column) => csvField(event[column])).join(',') + '\r\n'
}

export const csvHeader = csvColumns.join(',') + '\r\n'
