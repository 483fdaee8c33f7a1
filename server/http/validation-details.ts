import type { ErrorDetail } from '../errors.js'

/** The parts of an Ajv error that the messages are built from. */
export interface ValidationIssue {
  instancePath: string
  keyword: string
  params?: Record<string, unknown>
  message?: string
}

/**
 * Schema failures as `details` a person can act on. Ajv reports a union (`paper: A4|A3`, a
 * nullable number) as one error per branch plus "must match a schema in anyOf", and an enum as
 * "must be equal to one of the allowed values" without naming them; both become one reason per
 * field that lists what is allowed. A missing property is named in `field`.
 */
export function validationDetails(issues: readonly ValidationIssue[], context: string | undefined): ErrorDetail[] {
  const byPath = new Map<string, ValidationIssue[]>()
  for (const issue of issues) {
    const list = byPath.get(issue.instancePath) ?? []
    list.push(issue)
    byPath.set(issue.instancePath, list)
  }
  const details: ErrorDetail[] = []
  for (const [path, group] of byPath) {
    const field = fieldOf(context, path)
    const allowed = group.flatMap(allowedValues)
    const nullable = group.some((issue) => issue.keyword === 'type' && issue.params?.type === 'null')
    const isUnion = group.some((issue) => issue.keyword === 'anyOf')
    const rest = group.filter(
      (issue) =>
        issue.keyword !== 'anyOf' &&
        issue.keyword !== 'const' &&
        issue.keyword !== 'enum' &&
        !(isUnion && issue.keyword === 'type' && issue.params?.type === 'null'),
    )
    if (allowed.length > 0 && (isUnion ? rest.length === 0 : true)) {
      details.push({ field, reason: `must be one of ${[...new Set(allowed)].join(', ')}${nullable ? ' (or null)' : ''}` })
    }
    const reasons = new Set<string>()
    for (const issue of rest) {
      if (issue.keyword === 'required' && typeof issue.params?.missingProperty === 'string') {
        details.push({ field: fieldOf(context, `${path}/${issue.params.missingProperty}`), reason: 'is required' })
        continue
      }
      const reason = issue.message ?? 'is invalid'
      if (reasons.has(reason)) continue
      reasons.add(reason)
      details.push({ field, reason: isUnion && nullable ? `${reason} (or null)` : reason })
    }
  }
  return details
}

/** `body.width_m must be >= 0.1; body.kind is required`: the message beside the details. */
export function validationMessage(details: readonly ErrorDetail[]): string {
  const shown = details.slice(0, 5).map((detail) => `${detail.field} ${detail.reason}`)
  const more = details.length > shown.length ? `; and ${details.length - shown.length} more` : ''
  return `Invalid request: ${shown.join('; ')}${more}`
}

function allowedValues(issue: ValidationIssue): string[] {
  if (issue.keyword === 'const') return [String(issue.params?.allowedValue)]
  if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) return issue.params.allowedValues.map(String)
  return []
}

function fieldOf(context: string | undefined, path: string): string {
  return [context, ...path.split('/').filter(Boolean)].filter(Boolean).join('.')
}
