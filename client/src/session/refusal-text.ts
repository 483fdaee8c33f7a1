import type { ApiError } from '../api/client.js'
import type { MessageKey, Translate } from '../i18n/i18n.js'

/**
 * What a refusal says to the person refused, in their language: which permission a 403
 * `forbidden` needed (the server names it in details.permission), and for `out_of_scope` the
 * server's own words on which zone lies outside whose jurisdiction.
 */
export function refusalText(error: ApiError, t: Translate): string | null {
  switch (error.code) {
    case 'forbidden': {
      const permission = (error.details as { permission?: string } | null)?.permission
      if (!permission) return `${t('refused.forbidden')}：${error.message}`
      const label = t(`permission.${permission}` as MessageKey)
      return `${t('refused.forbidden')}（${t('refused.forbiddenNeeds')} ${permission}：${label}）`
    }
    case 'out_of_scope':
      return `${t('refused.out_of_scope')}：${error.message}`
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
