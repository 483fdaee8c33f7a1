import { useState } from 'react'
import { useI18n } from '../i18n/i18n.js'
import { PasswordChange } from './PasswordChange.js'
import { TotpEnrolment } from './TotpEnrolment.js'
import { grantText, useSession } from './session.js'

interface Props {
  /** The views the person's permissions open, shown as entries of the menu. */
  views?: { id: string; label: string; open(): void }[]
}

/** Who is signed in — name, roles and their scopes — with sign-out, sign-out everywhere and the password. */
export function UserMenu({ views = [] }: Props) {
  const { t, language } = useI18n()
  const session = useSession()
  const [open, setOpen] = useState(false)
  const [changing, setChanging] = useState(false)
  const [enrolling, setEnrolling] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const { account, grants } = session.info
  return (
    <div className="user-menu" data-testid="user-menu">
      <button data-testid="user-menu-button" className={open ? 'active' : ''} onClick={() => setOpen(!open)} title={t('userMenu')}>
        👤 <span data-testid="user-name">{account.display_name}</span>
      </button>
      {open && (
        <div className="panel user-menu-panel" data-testid="user-menu-panel">
          <p>
            <strong>{account.display_name}</strong> <span className="muted">{account.login}</span>
            {account.demo && <span className="chip muted"> · {t('demoAccount')}</span>}
          </p>
          <h4>{t('roles')}</h4>
          <ul data-testid="user-grants">
            {grants.map((grant, index) => <li key={index}>{grantText(grant, language, t)}</li>)}
          </ul>
          {notice && <p className="clean">{notice}</p>}
          <div className="menu-actions">
            {views.map((view) => (
              <button key={view.id} data-testid={`open-${view.id}`} onClick={() => { setOpen(false); view.open() }}>{view.label}</button>
            ))}
            {session.info.via === 'session' && (
              <button data-testid="change-password" onClick={() => setChanging(true)}>{t('changePassword')}</button>
            )}
            {session.info.via === 'session' && (
              <button data-testid="set-up-totp" onClick={() => setEnrolling(true)}>{t('totpSetUp')}</button>
            )}
            <button data-testid="sign-out" onClick={() => void session.signOut()}>{t('signOut')}</button>
            <button data-testid="sign-out-everywhere" onClick={() => void session.signOut(true)}>{t('signOutEverywhere')}</button>
          </div>
        </div>
      )}
      {enrolling && (
        <TotpEnrolment
          required={false}
          onDone={() => {
            setEnrolling(false)
            setNotice(t('totpDone'))
          }}
          onCancel={() => setEnrolling(false)}
        />
      )}
      {changing && (
        <PasswordChange
          required={false}
          onChanged={() => {
            setChanging(false)
            setNotice(t('passwordChanged'))
          }}
          onCancel={() => setChanging(false)}
        />
      )}
    </div>
  )
}
