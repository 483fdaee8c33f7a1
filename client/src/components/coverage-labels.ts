import type { Unassigned } from '../api/types.js'
import type { Translate } from '../i18n/i18n.js'

/**
 * One unassigned finding of the coverage audit as the panel lists it: what it is (a zone's kind, or
 * a problem category), its code, and the duty nobody holds.
 */
export function unassignedDescription(t: Translate, item: Pick<Unassigned, 'kind' | 'code' | 'missing'>): string {
  return `${t(`kind.${item.kind}`)} ${item.code} · ${t(`duty.${item.missing}`)}`
}
