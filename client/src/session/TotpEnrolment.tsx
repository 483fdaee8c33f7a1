import { useEffect, useState, type FormEvent } from 'react'
import { describeError } from '../api/client.js'
import { trust } from '../api/trust.js'
import { useI18n } from '../i18n/i18n.js'

interface Props {
  /** True when the policy requires it before anything else (second_factor_required_setup). */
  required: boolean
  onDone(): void
  onCancel(): void
}

/**
 * Sets up the second factor (TOTP, RFC 6238): the server makes a secret, the person types it (or
 * the otpauth:// address) into an authenticator app and confirms with the app's current code.
 */
export function TotpEnrolment({ required, onDone, onCancel }: Props) {
  const { t } = useI18n()
  const [secret, setSecret] = useState<{ secret: string; otpauth_url: string } | null>(null)
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    trust.enrolTotp().then(setSecret, (failure: unknown) => setError(describeError(failure)))
  }, [])
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    try {
      await trust.confirmTotp(code.trim())
      onDone()
    } catch (failure) {
      setError(describeError(failure))
    }
  }
  return (
    <div className={required ? 'sign-in' : 'modal fixed'} data-testid="totp-enrolment">
      <form className="panel sign-in-form" onSubmit={(e) => void submit(e)}>
        <h2>{t('totpTitle')}</h2>
        <p className="muted">{required ? t('totpRequired') : t('totpHint')}</p>
        {secret && (
          <>
            <p>{t('totpSecret')}：<code data-testid="totp-secret">{secret.secret}</code></p>
            <p className="small muted" style={{ wordBreak: 'break-all' }}>{secret.otpauth_url}</p>
          </>
        )}
        <label>
          {t('secondFactorCode')}
          <input data-testid="totp-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="row">
          <button className="primary" type="submit" disabled={!secret || !code.trim()}>{t('verify')}</button>
          <button type="button" onClick={onCancel}>{required ? t('signOut') : t('cancel')}</button>
        </div>
      </form>
    </div>
  )
}
