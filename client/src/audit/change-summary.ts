/**
 * One short line for what a write changed: the fields whose values differ between the stored
 * before and after, as `name: old → new`; a creation or deletion lists what was there. Geometry
 * and other long values are named, not printed.
 */
export function changeSummary(before: unknown, after: unknown, limit = 4): string {
  const b = fieldsOf(before)
  const a = fieldsOf(after)
  if (!b && !a) return ''
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])]
  const parts: string[] = []
  for (const key of keys) {
    const old = b?.[key]
    const now = a?.[key]
    if (JSON.stringify(old) === JSON.stringify(now)) continue
    if (!b) parts.push(`${key}: ${short(now)}`)
    else if (!a) parts.push(`${key}: ${short(old)}`)
    else parts.push(`${key}: ${short(old)} → ${short(now)}`)
  }
  const shown = parts.slice(0, limit).join('; ')
  return parts.length > limit ? `${shown}; … (+${parts.length - limit})` : shown
}

/**
 * The fields to compare: a GeoJSON feature (a zone as the API shows it) by its properties and its
 * geometry; a write's answer without the coverage audit effect it carries (`audit`).
 */
function fieldsOf(value: unknown): Record<string, unknown> | null {
  const record = asRecord(value)
  if (!record) return null
  const properties = asRecord(record.properties)
  const fields: Record<string, unknown> = record.type === 'Feature' && properties ? { ...properties, geometry: record.geometry } : { ...record }
  delete fields.audit
  return fields
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

function short(value: unknown): string {
  if (value === null || value === undefined) return '∅'
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 39)}…` : value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const text = JSON.stringify(value)
  if (text.length <= 40) return text
  const type = (value as { type?: unknown }).type
  return typeof type === 'string' ? `⟨${type}⟩` : '⟨…⟩'
}
