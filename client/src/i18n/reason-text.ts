import { isDrawingReason, reasonKey } from '../geometry/drawing-reasons.js'
import type { Translate } from './i18n.js'

/** A drawing's reason for the planner, in the current language; a code the client does not know reads as a plain refusal. */
export function reasonText(t: Translate, reason: string): string {
  return t(isDrawingReason(reason) ? reasonKey(reason) : 'reason.unknown')
}
