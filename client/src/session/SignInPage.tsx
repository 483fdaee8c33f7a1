import { useEffect, useState, type FormEvent } from 'react'
import { ApiError } from '../api/client.js'
import { isSecondFactor, trust, type DemoHint } from '../api/trust.js'
import type { SessionInfo } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'
import { signInErrorText } from './refusal-text.js'

interface Props {
  /** Why the page is shown: a session that ended says so before anything is typed. */
  reason: string | null
  onSignedIn(info: SessionInfo): void
}

/** The staff sign-in: login and password, then a second factor when the account needs one. */
export function SignInPage({ reason, onSignedIn }: Props) {
  const { t, language, setLanguage } = useI18n()
  const locale = language === 'zh' ? 'zh-CN' : 'en-GB'
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [challenge, setChallenge] = useState<string | null>(null)
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(reason ? signInErrorText(new ApiError(401, reason, reason, null), t, locale) : null)
  const [demo, setDemo] = useState<DemoHint | null>(null)

  // The demo hint is there only when the server says the demo accounts exist.
  useEffect(() => {
    trust.demoHint().then((hint) => setDemo(hint.demo ? hint : null), () => setDemo(null))
  }, [])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const answer = challenge ? await trust.secondFactor(challenge, code.trim()) : await trust.signIn(login.trim(), password)
      if (isSecondFactor(answer)) {
        setChallenge(answer.challenge)
        setCode('')
      } else {
        onSignedIn(answer)
      }
    } catch (failure) {
      setError(signInErrorText(failure, t, locale))
      if (challenge && failure instanceof ApiError && failure.status === 401 && failure.code !== 'invalid_second_factor') setChallenge(null)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="sign-in" data-testid="sign-in-page">
      <form className="panel sign-in-form" onSubmit={(e) => void submit(e)}>
        <button type="button" className="link language" data-testid="sign-in-language" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
          {t('language')}
        </button>
        <h2><span className="brand">{t('appTitle')}</span> {challenge ? t('secondFactorTitle') : t('signInTitle')}</h2>
        <p className="muted">{challenge ? t('secondFactorHint') : t('signInSubtitle')}</p>
        {challenge ? (
          <label>
            {t('secondFactorCode')}
            <input
              data-testid="sign-in-code" inputMode="numeric" autoComplete="one-time-code" autoFocus
              value={code} onChange={(e) => setCode(e.target.value)}
            />
          </label>
        ) : (
          <>
            <label>
              {t('login')}
              <input data-testid="sign-in-login" autoComplete="username" autoFocus value={login} onChange={(e) => setLogin(e.target.value)} />
            </label>
            <label>
              {t('password')}
              <input data-testid="sign-in-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
          </>
        )}
        {error && <p className="error" role="alert" data-testid="sign-in-error">{error}</p>}
        <div className="row">
          <button className="primary" type="submit" data-testid="sign-in-submit" disabled={busy || (challenge ? !code.trim() : !login.trim() || !password)}>
            {busy ? t('signingIn') : challenge ? t('verify') : t('signIn')}
          </button>
          {challenge && <button type="button" className="link" onClick={() => setChallenge(null)}>{t('backToSignIn')}</button>}
        </div>
        {demo && !challenge && (
          <details className="demo-hint" data-testid="demo-hint">
            <summary>{t('demoHintTitle')}</summary>
            {demo.password && <p>{t('demoHintPassword')}：<code>{demo.password}</code></p>}
            <ul>
              {demo.accounts.map((account) => (
                <li key={account.login}>
                  <button
                    type="button" className="link"
                    onClick={() => {
                      setLogin(account.login)
                      if (demo.password) setPassword(demo.password)
                    }}
                  >
                    {account.login}
                  </button>{' '}
                  <span className="muted">{account.display_name}</span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </form>
    </div>
  )
}
