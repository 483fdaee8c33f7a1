import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { ApiError, describeError, request } from '../api/client.js'
import type { SecurityPolicy } from '../../../server/auth/policy.js'
import { useI18n, type MessageKey, type Translate } from '../i18n/i18n.js'

/** The policy as GET/PUT /api/security-policy answer it: every key and its version (sql/014). */
export type PolicyView = SecurityPolicy & { version: number }

type NumberKey = Exclude<keyof SecurityPolicy, 'requireTwoFactorForAdministrators'>

/** The numeric keys, in the order of the form, each with the server's bounds (server/auth/policy.routes.ts) for the hint. */
export const numberFields: { key: NumberKey; min: number; max: number; unit: MessageKey }[] = [
  { key: 'passwordMinLength', min: 8, max: 200, unit: 'policyUnit.characters' },
  { key: 'passwordMinClasses', min: 1, max: 4, unit: 'policyUnit.classes' },
  { key: 'lockoutFailures', min: 1, max: 100, unit: 'policyUnit.times' },
  { key: 'lockoutMinutes', min: 1, max: 1440, unit: 'policyUnit.minutes' },
  { key: 'sessionIdleMinutes', min: 1, max: 1440, unit: 'policyUnit.minutes' },
  { key: 'sessionAbsoluteHours', min: 1, max: 720, unit: 'policyUnit.hours' },
]

export const securityPolicyApi = {
  get: () => request<PolicyView>('GET', '/api/security-policy'),
  put: (body: SecurityPolicy & { version?: number }) => request<PolicyView>('PUT', '/api/security-policy', body),
}

/** One line per key: its label, the input, the unit and bounds, the refusal (styles.css is shared: kept here). */
const fieldStyle = { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, margin: '6px 0' } as const

type Draft = Record<NumberKey, string> & { requireTwoFactorForAdministrators: boolean }

const draftOf = (policy: PolicyView): Draft => ({
  ...(Object.fromEntries(numberFields.map(({ key }) => [key, String(policy[key])])) as Record<NumberKey, string>),
  requireTwoFactorForAdministrators: policy.requireTwoFactorForAdministrators,
})

/** A reason of the server's validation (`must be >= 1`, `must be integer`…) in the page's language. */
export function reasonText(reason: string, t: Translate): string {
  let match = /^must be >= (\S+)$/.exec(reason)
  if (match) return t('policyReason.min').replace('{n}', match[1]!)
  match = /^must be <= (\S+)$/.exec(reason)
  if (match) return t('policyReason.max').replace('{n}', match[1]!)
  if (/^must be integer$/.test(reason)) return t('policyReason.integer')
  return reason
}

/**
 * The security administrator's policy (security.policy): password length and classes, lockout,
 * session timeouts and the second factor for administrators, as a form. The server checks the
 * bounds; its refusals appear next to the field they name. Saving sends the version read, so a
 * change someone else made in between is not overwritten silently (409: the form reloads it).
 */
export function SecurityPolicyView({ onClose }: { onClose?(): void }) {
  const { t } = useI18n()
  const [loaded, setLoaded] = useState<PolicyView | null>(null)
  const [draft, setDraft] = useState<Draft | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<keyof SecurityPolicy, string>>>({})
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const show = useCallback((policy: PolicyView) => {
    setLoaded(policy)
    setDraft(draftOf(policy))
  }, [])

  useEffect(() => {
    securityPolicyApi.get().then(show, (failure: unknown) => setError(describeError(failure)))
  }, [show])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!draft || !loaded) return
    setError(null)
    setNotice(null)
    // The page checks only that each number is a whole number; the bounds are the server's.
    const local: Partial<Record<keyof SecurityPolicy, string>> = {}
    for (const { key } of numberFields) if (!/^\s*-?\d+\s*$/.test(draft[key])) local[key] = t('policyReason.integer')
    setFieldErrors(local)
    if (Object.keys(local).length) return setError(t('policyInvalid'))
    const body = {
      ...(Object.fromEntries(numberFields.map(({ key }) => [key, Number(draft[key].trim())])) as Record<NumberKey, number>),
      requireTwoFactorForAdministrators: draft.requireTwoFactorForAdministrators,
      version: loaded.version,
    }
    setBusy(true)
    try {
      show(await securityPolicyApi.put(body))
      setNotice(t('policySaved'))
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'version_conflict') {
        const current = (failure.details as { current?: PolicyView } | null)?.current
        if (current) show(current)
        setError(t('policyConflict').replace('{version}', String(current?.version ?? '?')))
      } else if (failure instanceof ApiError && failure.status === 400 && failure.detailList.length) {
        const named: Partial<Record<keyof SecurityPolicy, string>> = {}
        const unnamed: string[] = []
        for (const detail of failure.detailList) {
          const key = String(detail.field ?? '').replace(/^body\./, '') as keyof SecurityPolicy
          if (key in body) named[key] = [named[key], reasonText(detail.reason, t)].filter(Boolean).join('；')
          else unnamed.push(`${detail.field ?? ''} ${detail.reason}`.trim())
        }
        setFieldErrors(named)
        setError([t('policyInvalid'), ...unnamed].join(' '))
      } else {
        setError(describeError(failure))
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="panel security-policy" data-testid="security-policy">
      {onClose && <button className="close" onClick={onClose} aria-label={t('close')}>×</button>}
      <h3>{t('securityPolicyView')}</h3>
      {loaded && <p className="muted small" data-testid="policy-version">{t('policyVersion')} {loaded.version}</p>}
      {draft ? (
        <form onSubmit={(e) => void submit(e)} noValidate>
          {numberFields.map(({ key, min, max, unit }) => (
            <label key={key} className="policy-field" style={fieldStyle}>
              <span>{t(`policy.${key}` as MessageKey)}</span>
              <input
                data-testid={`policy-${key}`} inputMode="numeric" value={draft[key]}
                aria-invalid={fieldErrors[key] ? true : undefined}
                onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
              />
              <span className="muted small">{t(unit)}（{min}–{max}）</span>
              {fieldErrors[key] && <span className="error" data-testid={`policy-error-${key}`}>{fieldErrors[key]}</span>}
            </label>
          ))}
          <label className="policy-field" style={fieldStyle}>
            <input
              type="checkbox" data-testid="policy-requireTwoFactorForAdministrators" checked={draft.requireTwoFactorForAdministrators}
              onChange={(e) => setDraft({ ...draft, requireTwoFactorForAdministrators: e.target.checked })}
            />
            <span>{t('policy.requireTwoFactorForAdministrators')}</span>
          </label>
          {error && <p className="error" role="alert" data-testid="policy-error">{error}</p>}
          {notice && <p className="clean" data-testid="policy-notice">{notice}</p>}
          <div className="row">
            <button className="primary" type="submit" data-testid="policy-save" disabled={busy}>{t('policySave')}</button>
            <button type="button" data-testid="policy-reset" disabled={busy || !loaded} onClick={() => { if (loaded) show(loaded); setFieldErrors({}); setError(null) }}>
              {t('policyUndo')}
            </button>
          </div>
        </form>
      ) : (
        error ? <p className="error" role="alert" data-testid="policy-error">{error}</p> : <p className="muted">{t('loading')}</p>
      )}
    </div>
  )
}
