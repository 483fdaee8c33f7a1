import { ApiError } from '../api/client.js'
import type { MessageKey, Translate } from '../i18n/i18n.js'

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (all, name: string) => values[name] ?? all)

/**
 * What a refusal says to the person refused, in their language: which permission a 403
 * `forbidden` needed (the server names it in details.permission), and for `out_of_scope` the
 * server's own words on which zone lies outside whose jurisdiction.
 */
export function refusalText(error: ApiError, t: Translate): string | null {
  switch (error.code) {
    case 'forbidden': {
      const permission = (error.details as { permission?: string } | null)?.permission
      if (!permission) return fill(t('refused.forbidden_reason'), { reason: error.message })
      return fill(t('refused.forbiddenNeeds'), { permission, label: t(`permission.${permission}` as MessageKey) })
    }
    case 'out_of_scope':
      return fill(t('refused.out_of_scope_reason'), { reason: error.message })
    case 'password_change_required':
      return t('refused.password_change_required')
    case 'second_factor_required_setup':
      return t('refused.second_factor_required_setup')
    case 'weak_password': {
      const reasons = Array.isArray(error.details) ? (error.details as { reason?: string }[]).map((d) => d.reason).filter(Boolean) : []
      return `${t('refused.weak_password')}${reasons.length ? `：${reasons.join('; ')}` : ''}`
    }
    case 'csrf_rejected':
      return t('refused.csrf_rejected')
    default:
      return null
  }
}

/** What a failed sign-in says: a wrong password, a locked account and until when, or the server's words. */
export function signInErrorText(error: unknown, t: Translate, locale: string): string {
  if (!(error instanceof ApiError)) return `${t('signInError.other')}${error instanceof Error ? error.message : String(error)}`
  if (error.code === 'account_locked') {
    const until = (error.details as { locked_until?: string } | null)?.locked_until
    return `${t('signInError.account_locked')} ${until ? new Date(until).toLocaleString(locale) : ''}`.trim()
  }
  const known = `signInError.${error.code}` as MessageKey
  const text = t(known)
  return text === known ? `${t('signInError.other')}${error.message}` : text
}
