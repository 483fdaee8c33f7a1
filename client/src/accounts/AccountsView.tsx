import { useCallback, useEffect, useState } from 'react'
import { describeError } from '../api/client.js'
import { trust, type Account, type GrantInput } from '../api/trust.js'
import { useI18n } from '../i18n/i18n.js'
import { AccountDetail, RolePicker, scopeText } from './AccountDetail.js'

/** The system administrator's accounts (users.manage): the list, a new account, and one account's roles and tokens. */
export function AccountsView({ onClose }: { onClose?(): void }) {
  const { t, language } = useI18n()
  const [accounts, setAccounts] = useState<Account[]>([])
  const [selected, setSelected] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [draft, setDraft] = useState({ login: '', display_name: '', password: '' })
  const [grant, setGrant] = useState<GrantInput>({ role: 'viewer' })

  const reload = useCallback(async () => {
    try {
      setAccounts((await trust.accounts()).accounts)
    } catch (failure) {
      setError(describeError(failure))
    }
  }, [])
  useEffect(() => void reload(), [reload])

  /** Runs one change, shows its refusal if any, and reads the list again. */
  const run = useCallback(async (change: () => Promise<unknown>, done?: string) => {
    setError(null)
    setNotice(null)
    try {
      await change()
      if (done) setNotice(done)
    } catch (failure) {
      setError(describeError(failure))
    }
    await reload()
  }, [reload])

  const create = () => void run(async () => {
    const account = await trust.createAccount({ ...draft, login: draft.login.trim(), grants: [grant] })
    setDraft({ login: '', display_name: '', password: '' })
    setSelected(account.id)
  }, t('accountCreated'))

  const account = accounts.find((a) => a.id === selected) ?? null
  return (
    <div className="panel accounts-view" data-testid="accounts-view">
      {onClose && <button className="close" onClick={onClose} aria-label={t('close')}>×</button>}
      <h3>{t('accountsView')}</h3>
      {error && <p className="error" role="alert" data-testid="accounts-error">{error}</p>}
      {notice && <p className="clean" data-testid="accounts-notice">{notice}</p>}
      <table data-testid="accounts">
        <thead>
          <tr><th>{t('accountLogin')}</th><th>{t('accountName')}</th><th>{t('roles')}</th><th /></tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.id} data-testid="account-row" data-login={a.login} className={a.id === selected ? 'selected' : ''} onClick={() => setSelected(a.id)}>
              <td>{a.login}</td>
              <td>{a.display_name}</td>
              <td>{a.grants.map((g) => `${g.role} · ${scopeText(g.scope, t)}`).join('；')}</td>
              <td className="small">
                {a.disabled && <span className="error">{t('accountDisabled')} </span>}
                {a.locked_until && new Date(a.locked_until) > new Date() && (
                  <span className="error">{t('accountLocked')} {new Date(a.locked_until).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB')}</span>
                )}
                {a.demo && <span className="muted">{t('demoAccount')}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {account && <AccountDetail key={account.id} account={account} run={run} />}
      <h4>{t('accountCreate')}</h4>
      <div className="row">
        <input data-testid="new-account-login" placeholder={t('accountLogin')} value={draft.login} onChange={(e) => setDraft({ ...draft, login: e.target.value })} />
        <input data-testid="new-account-name" placeholder={t('accountName')} value={draft.display_name} onChange={(e) => setDraft({ ...draft, display_name: e.target.value })} />
        <input data-testid="new-account-password" type="password" placeholder={t('accountPassword')} value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} />
      </div>
      <div className="row">
        <RolePicker value={grant} onChange={setGrant} />
        <button className="primary" data-testid="new-account-create" disabled={!draft.login.trim() || !draft.display_name.trim() || !draft.password} onClick={create}>
          {t('accountCreate')}
        </button>
      </div>
    </div>
  )
}
