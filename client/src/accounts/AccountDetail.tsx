import { useEffect, useState } from 'react'
import { trust, type Account, type AccountGrant, type ApiTokenInfo, type GrantInput } from '../api/trust.js'
import { roleTable, roles, type Role } from '../../../server/kernel/permissions.js'
import { useI18n, type Translate } from '../i18n/i18n.js'

export function scopeText(scope: AccountGrant['scope'], t: Translate): string {
  if (scope.kind === 'jurisdiction' && scope.zone) return `${scope.zone.name}（${scope.zone.code}）`
  if (scope.kind === 'party' && scope.party) return scope.party.name
  return t('scope.all')
}

/** A role and, for the roles that take one, the jurisdiction code of its scope. */
export function RolePicker({ value, onChange }: { value: GrantInput; onChange(grant: GrantInput): void }) {
  const { t, language } = useI18n()
  const facts = roleTable[value.role as keyof typeof roleTable]
  const takesJurisdiction = (facts?.scopes as readonly string[] | undefined)?.includes('jurisdiction') ?? false
  return (
    <>
      <select data-testid="grant-role" value={value.role} onChange={(e) => onChange({ role: e.target.value as Role })}>
        {roles.map((role) => <option key={role} value={role}>{roleTable[role].label[language]}</option>)}
      </select>
      {takesJurisdiction && (
        <input
          data-testid="grant-scope-code" placeholder={t('accountScopeCode')} value={value.scope_code ?? ''}
          onChange={(e) => onChange({ role: value.role, ...(e.target.value.trim() ? { scope_code: e.target.value.trim() } : {}) })}
        />
      )}
    </>
  )
}

interface Props {
  account: Account
  run(change: () => Promise<unknown>, done?: string): Promise<void>
}

/** One account: enable or disable, reset the password, grant and revoke roles, issue and revoke API tokens. */
export function AccountDetail({ account, run }: Props) {
  const { t } = useI18n()
  const [grant, setGrant] = useState<GrantInput>({ role: 'viewer' })
  const [password, setPassword] = useState('')
  const [tokens, setTokens] = useState<ApiTokenInfo[]>([])
  const [tokenName, setTokenName] = useState('')
  const [issued, setIssued] = useState<string | null>(null)

  const loadTokens = () =>
    trust.tokens(account.id).then((answer) => setTokens(answer.tokens), () => setTokens([]))
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void loadTokens(), [account.id])

  return (
    <div className="account-detail" data-testid="account-detail">
      <h4>{account.display_name} <span className="muted">{account.login}</span></h4>
      <div className="row">
        <button data-testid="account-toggle" onClick={() => void run(() => trust.updateAccount(account.id, { version: account.version, disabled: !account.disabled }))}>
          {account.disabled ? t('accountEnable') : t('accountDisable')}
        </button>
        <input data-testid="account-new-password" type="password" placeholder={t('newPassword')} value={password} onChange={(e) => setPassword(e.target.value)} />
        <button
          data-testid="account-reset-password" disabled={!password}
          onClick={() => void run(() => trust.updateAccount(account.id, { version: account.version, password }).then(() => setPassword('')), t('accountResetDone'))}
        >
          {t('accountResetPassword')}
        </button>
      </div>
      <ul>
        {account.grants.map((g) => (
          <li key={g.id} data-testid="account-grant">
            {g.role} · {scopeText(g.scope, t)}{' '}
            <button className="link" data-testid="account-revoke" onClick={() => void run(() => trust.revokeGrant(account.id, g.id))}>{t('accountRevoke')}</button>
          </li>
        ))}
      </ul>
      <div className="row">
        <RolePicker value={grant} onChange={setGrant} />
        <button data-testid="account-grant-add" onClick={() => void run(() => trust.grant(account.id, grant))}>{t('accountGrant')}</button>
      </div>
      <h4>{t('accountTokens')}</h4>
      <ul>
        {tokens.map((token) => (
          <li key={token.id} data-testid="account-token" data-token-id={token.id}>
            {token.name}{' '}
            {token.revoked_at ? <span className="muted" data-testid="token-revoked">{t('accountTokenRevoked')}</span> : (
              <button className="link" data-testid="token-revoke" onClick={() => void run(() => trust.revokeToken(token.id).then(loadTokens))}>{t('accountRevoke')}</button>
            )}
          </li>
        ))}
      </ul>
      {issued && <p className="clean" data-testid="issued-token">{t('accountTokenShownOnce')} <code>{issued}</code></p>}
      <div className="row">
        <input data-testid="token-name" placeholder={t('accountTokenName')} value={tokenName} onChange={(e) => setTokenName(e.target.value)} />
        <button
          data-testid="token-issue" disabled={!tokenName.trim()}
          onClick={() => void run(async () => {
            const answer = await trust.issueToken(account.id, tokenName.trim())
            setIssued(answer.token)
            setTokenName('')
            await loadTokens()
          })}
        >
          {t('accountIssueToken')}
        </button>
      </div>
    </div>
  )
}
