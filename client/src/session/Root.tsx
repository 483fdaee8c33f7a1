import { useCallback, useEffect, useMemo, useState } from 'react'
import { ApiError, onRestricted, onSignedOut, setCsrfToken, setRefusalText } from '../api/client.js'
import { trust } from '../api/trust.js'
import type { SessionInfo } from '../api/types.js'
import { App } from '../App.js'
import { I18nContext, useLanguage } from '../i18n/i18n.js'
import { PasswordChange } from './PasswordChange.js'
import { refusalText } from './refusal-text.js'
import { sessionOf, SessionContext } from './session.js'
import { SignInPage } from './SignInPage.js'
import { TotpEnrolment } from './TotpEnrolment.js'
import { Workspace } from './TrustViews.js'
import { PhonePage } from '../cases/PhonePage.js'
import { useHash, wantsPhonePage } from '../cases/route.js'
import { PatrolPage } from '../patrols/PatrolPage.js'
import { wantsPatrolPage } from '../patrols/route.js'

type Phase =
  | { name: 'loading' }
  | { name: 'signed-out'; reason: string | null }
  | { name: 'signed-in'; info: SessionInfo }

/**
 * The page's gate: who is signed in decides what is shown — the sign-in page, the forced password
 * change, or the map app with the tools the person's permissions allow. A 401 from any request
 * brings the sign-in page back over the same URL, so signing in again returns to where one was.
 */
export function Root() {
  const i18n = useLanguage()
  const [phase, setPhase] = useState<Phase>({ name: 'loading' })
  // A new sign-in starts the map app afresh (its undo history belonged to the session before).
  const [signIns, setSignIns] = useState(0)
  // A step the server requires before anything else: a new password, or a second factor set up.
  const [restricted, setRestricted] = useState<'password_change_required' | 'second_factor_required_setup' | null>(null)
  useHash()

  useEffect(() => setRefusalText((error) => refusalText(error, i18n.t)), [i18n.t])

  const signedIn = useCallback((info: SessionInfo) => {
    setCsrfToken(info.csrf_token)
    setRestricted(null)
    setSignIns((n) => n + 1)
    setPhase({ name: 'signed-in', info })
  }, [])

  const signedOut = useCallback((reason: string | null) => {
    setCsrfToken(null)
    setPhase({ name: 'signed-out', reason })
  }, [])

  useEffect(() => {
    trust.session().then(signedIn, (error: unknown) => {
      const code = error instanceof ApiError && error.status === 401 ? error.code : null
      // No session at all is the ordinary first visit; an ended one says so.
      signedOut(code === 'session_expired' ? code : null)
    })
  }, [signedIn, signedOut])

  useEffect(() => onRestricted(setRestricted), [])
  useEffect(() => onSignedOut((error) => signedOut(error.code === 'session_expired' ? 'session_expired' : null)), [signedOut])

  const session = useMemo(() => {
    if (phase.name !== 'signed-in') return null
    return sessionOf(phase.info, async (everywhere = false) => {
      await trust.signOut(everywhere).catch(() => undefined)
      signedOut(null)
    })
  }, [phase, signedOut])

  let content
  if (phase.name === 'loading') content = <div className="sign-in muted" data-testid="session-loading">{i18n.t('loading')}</div>
  else if (phase.name === 'signed-out') content = <SignInPage reason={phase.reason} onSignedIn={signedIn} />
  else if (restricted === 'second_factor_required_setup') {
    content = (
      <TotpEnrolment
        required
        onDone={() => void trust.session().then(signedIn, () => signedOut(null))}
        onCancel={() => void session?.signOut()}
      />
    )
  } else if (phase.info.account.must_change_password || restricted === 'password_change_required') {
    content = (
      <PasswordChange
        required
        onChanged={() => void trust.session().then(signedIn, () => signedOut(null))}
        onCancel={() => void session?.signOut()}
      />
    )
  } else if (wantsPatrolPage(phase.info)) content = <PatrolPage key={signIns} />
  else if (wantsPhonePage(phase.info)) content = <PhonePage key={signIns} />
  else if (phase.info.permissions.includes('zones.read')) content = <App key={signIns} />
  else content = <Workspace key={signIns} />

  return (
    <I18nContext.Provider value={i18n}>
      <SessionContext.Provider value={session}>{content}</SessionContext.Provider>
    </I18nContext.Provider>
  )
}
