import { useState, type FormEvent } from 'react'
import { describeError } from '../api/client.js'
import { trust } from '../api/trust.js'
import { useI18n } from '../i18n/i18n.js'

interface Props {
  /** True when the server requires the change (must_change_password): there is no way around it but signing out. */
  required: boolean
  onChanged(): void
  onCancel(): void
}

/** Changes the signed-in person's own password; the server ends their other sessions. */
export function PasswordChange({ required, onChanged, onCancel }: Props) {
  const { t } = useI18n()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (next !== repeat) return setError(t('passwordsDiffer'))
    setBusy(true)
    setError(null)
    try {
      await trust.changePassword(current, next)
      onChanged()
    } catch (failure) {
      setError(describeError(failure))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className={required ? 'sign-in' : 'modal fixed'} data-testid="password-change">
      <form className="panel sign-in-form" onSubmit={(e) => void submit(e)}>
        <h2>{t('changePasswordTitle')}</h2>
        {required && <p className="muted">{t('changePasswordRequired')}</p>}
        <label>
          {t('currentPassword')}
          <input data-testid="current-password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          {t('newPassword')}
          <input data-testid="new-password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label>
          {t('repeatPassword')}
          <input data-testid="repeat-password" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        {error && <p className="error" role="alert" data-testid="password-change-error">{error}</p>}
        <div className="row">
          <button className="primary" type="submit" data-testid="password-change-submit" disabled={busy || !current || !next}>{t('changePassword')}</button>
          <button type="button" onClick={onCancel}>{required ? t('signOut') : t('cancel')}</button>
        </div>
      </form>
    </div>
  )
}
