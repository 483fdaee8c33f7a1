import { createContext, useContext } from 'react'
import type { GrantView, Permission, SessionInfo } from '../api/types.js'
import type { Language, Translate } from '../i18n/i18n.js'

export interface Session {
  info: SessionInfo
  /** Whether some grant gives this permission (the server still checks the scope of each object). */
  can(permission: Permission): boolean
  signOut(everywhere?: boolean): Promise<void>
}

export const SessionContext = createContext<Session | null>(null)

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession outside SessionContext')
  return session
}

export function sessionOf(info: SessionInfo, signOut: Session['signOut']): Session {
  const held = new Set(info.permissions)
  return { info, can: (permission) => held.has(permission), signOut }
}

/** A grant as the user menu shows it: the role's name and where it applies, e.g. 规划员 · 天水街道. */
export function grantText(grant: GrantView, language: Language, t: Translate): string {
  const role = grant.role_label[language]
  switch (grant.scope.kind) {
    case 'all':
      return `${role} · ${t('scope.all')}`
    case 'jurisdiction':
      return `${role} · ${grant.scope.zone.name}（${grant.scope.zone.code}）`
    case 'party':
      return `${role} · ${grant.scope.party.name}`
  }
}
