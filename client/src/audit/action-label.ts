import type { MessageKey, Translate } from '../i18n/i18n.js'

/** An audit action (`zone.update`) in the page's language, or as the server named it when the dictionary has no label. */
export function actionLabel(action: string, t: Translate): string {
  const key = `action.${action}` as MessageKey
  const label = t(key)
  return label === key ? action : label
}
