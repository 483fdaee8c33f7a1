import { query, request } from './client.js'
import type { Static } from 'typebox'
import type { AccountView, GrantBody, TokenView } from '../../../server/auth/accounts.schemas.js'
import type { AuditEvent as AuditEventSchema, AuditListQuery, ZoneHistory as ZoneHistorySchema } from '../../../server/audit/audit.schemas.js'
import type { DemoHint } from '../../../server/auth/demo-hint.routes.js'
import type { SessionInfo } from './types.js'

/**
 * The trust side of the API (issue 9): the session, the audit trail, a zone's history and the
 * accounts; the shapes are the server's own schemas (types only).
 */

export interface SecondFactorRequired {
  second_factor_required: true
  challenge: string
}

export type SignInAnswer = SessionInfo | SecondFactorRequired

export const isSecondFactor = (answer: SignInAnswer): answer is SecondFactorRequired =>
  (answer as SecondFactorRequired).second_factor_required === true

export type { DemoHint } from '../../../server/auth/demo-hint.routes.js'

export type AuditEvent = Static<typeof AuditEventSchema>
export type AuditFilters = AuditListQuery
export type ZoneHistoryEvent = Static<typeof ZoneHistorySchema>['events'][number]
export type GrantInput = GrantBody
export type Account = AccountView
export type AccountGrant = AccountView['grants'][number]
export type ApiTokenInfo = Static<typeof TokenView>

export const trust = {
  session: () => request<SessionInfo>('GET', '/api/session'),
  signIn: (login: string, password: string) => request<SignInAnswer>('POST', '/api/session', { login, password }),
  secondFactor: (challenge: string, code: string) => request<SignInAnswer>('POST', '/api/session', { challenge, code }),
  signOut: (everywhere = false) => request<void>('DELETE', `/api/session${everywhere ? '?everywhere=true' : ''}`),
  changePassword: (current_password: string, new_password: string) =>
    request<void>('PUT', '/api/session/password', { current_password, new_password }),
  enrolTotp: () => request<{ secret: string; otpauth_url: string }>('POST', '/api/session/totp', {}),
  confirmTotp: (code: string) => request<unknown>('POST', '/api/session/totp/confirm', { code }),
  demoHint: () => request<DemoHint>('GET', '/api/session/demo'),

  audit: (filters: AuditFilters) => request<{ events: AuditEvent[]; next_before: number | null }>('GET', `/api/audit${query({ ...filters })}`),
  zoneHistory: (zoneId: number) => request<{ events: ZoneHistoryEvent[] }>('GET', `/api/zones/${zoneId}/history`),

  accounts: () => request<{ accounts: Account[] }>('GET', '/api/accounts'),
  createAccount: (body: { login: string; display_name: string; password: string; grants?: GrantInput[] }) =>
    request<Account>('POST', '/api/accounts', body),
  updateAccount: (id: number, body: { version?: number; display_name?: string; disabled?: boolean; password?: string }) =>
    request<Account>('PATCH', `/api/accounts/${id}`, body),
  grant: (id: number, grant: GrantInput) => request<unknown>('POST', `/api/accounts/${id}/grants`, grant),
  revokeGrant: (id: number, grantId: number) => request<void>('DELETE', `/api/accounts/${id}/grants/${grantId}`),
  tokens: (id: number) => request<{ tokens: ApiTokenInfo[] }>('GET', `/api/accounts/${id}/tokens`),
  issueToken: (id: number, name: string) => request<{ id: number; name: string; token: string }>('POST', `/api/accounts/${id}/tokens`, { name }),
  revokeToken: (tokenId: number) => request<void>('DELETE', `/api/tokens/${tokenId}`),
}

/** Where the audit export downloads from (a plain link: the session cookie goes along). */
export function auditExportUrl(filters: AuditFilters, format: 'csv' | 'ndjson' = 'csv'): string {
  const { before: _before, limit: _limit, ...rest } = filters
  return `/api/audit/export${query({ ...rest, format })}`
}
