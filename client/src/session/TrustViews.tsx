import { useMemo, useState } from 'react'
import { AccountsView } from '../accounts/AccountsView.js'
import { AuditView } from '../audit/AuditView.js'
import { SecurityPolicyView } from '../security/SecurityPolicyView.js'
import { useI18n } from '../i18n/i18n.js'
import { useSession } from './session.js'
import { UserMenu } from './UserMenu.js'

type View = 'audit' | 'accounts' | 'security'

export interface TrustViewState {
  open: View | null
  setOpen(view: View | null): void
  /** The views this person's permissions give, as entries of the user menu. */
  entries: { id: string; label: string; open(): void }[]
}

/**
 * Which administration views a person has: the audit trail with audit.read, the accounts with
 * users.manage, the security policy with security.policy.
 */
export function useTrustViews(): TrustViewState {
  const { t } = useI18n()
  const { can } = useSession()
  const [open, setOpen] = useState<View | null>(null)
  const entries = useMemo(() => [
    ...(can('audit.read') ? [{ id: 'audit', label: t('auditView'), open: () => setOpen('audit') }] : []),
    ...(can('users.manage') ? [{ id: 'accounts', label: t('accountsView'), open: () => setOpen('accounts') }] : []),
    ...(can('security.policy') ? [{ id: 'security', label: t('securityPolicyView'), open: () => setOpen('security') }] : []),
  ], [can, t])
  return { open, setOpen, entries }
}

/** The open administration view, over the map. */
export function TrustViews({ views }: { views: TrustViewState }) {
  if (views.open === null) return null
  return (
    <div className="modal fixed trust-view">
      {views.open === 'audit' ? (
        <AuditView onClose={() => views.setOpen(null)} />
      ) : views.open === 'security' ? (
        <SecurityPolicyView onClose={() => views.setOpen(null)} />
      ) : (
        <AccountsView onClose={() => views.setOpen(null)} />
      )}
    </div>
  )
}

/**
 * The page of a person who may not read the map (the system, audit and security administrators):
 * their name and menu, and the views their role is for.
 */
export function Workspace() {
  const { t, language, setLanguage } = useI18n()
  const views = useTrustViews()
  // With no view chosen, the first the role has.
  const shown = views.open ?? views.entries[0]?.id ?? null
  return (
    <div className="workspace" data-testid="workspace">
      <div className="toolbar">
        <strong className="brand">{t('appTitle')}</strong>
        {views.entries.map((entry) => (
          <button key={entry.id} data-testid={`workspace-${entry.id}`} className={shown === entry.id ? 'active' : ''} onClick={entry.open}>{entry.label}</button>
        ))}
        <span className="grow" />
        <button data-testid="language" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>{t('language')}</button>
        <UserMenu />
      </div>
      <div className="workspace-body">
        {shown === 'audit' ? (
          <AuditView />
        ) : shown === 'accounts' ? (
          <AccountsView />
        ) : shown === 'security' ? (
          <SecurityPolicyView />
        ) : (
          <p className="panel muted" data-testid="workspace-empty">{t('workspaceEmpty')}</p>
        )}
      </div>
    </div>
  )
}
