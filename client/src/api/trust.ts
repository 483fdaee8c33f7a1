import { query, request } from './client.js'
import type { DemoHint } from '../../../server/auth/demo-hint.routes.js'
import type { SessionInfo } from './types.js'

/**
 * The trust side of the API (issue 9): the session, the audit trail, a zone's history and the
 * accounts, as the contract in the issue's design names them. The audit and account shapes are
 * written here from that contract while their server schemas are being built.
 */

export interface SecondFactorRequired {
  second_factor_required: true
  challenge: string
}

export type SignInAnswer = SessionInfo | SecondFactorRequired

export const isSecondFactor = (answer: SignInAnswer): answer is SecondFactorRequired =>
  (answer as SecondFactorRequired).second_factor_required === true

export type { DemoHint } from '../../../server/auth/demo-hint.routes.js'

export interface AuditEvent {
  id: number
  at: string
  login: string | null
  account_id: number | null
  via: string | null
  address: string | null
  action: string
  object_type: string | null
  object_id: string | number | null
  object_code: string | null
  outcome: string
  status: number | null
  method: string | null
  path: string | null
  comment: string | null
  before: unknown
  after: unknown
}

export interface AuditFilters {
  login?: string
  action?: string
  object_type?: string
  object_id?: string
  from?: string
  to?: string
  before?: number
  limit?: number
}

export interface ZoneHistoryEvent {
  at: string
  login: string | null
  display_name: string | null
  action: string
  comment: string | null
  outcome: string
  before: unknown
  after: unknown
}

export interface GrantInput {
  role: string
  scope_code?: string
  scope_party_id?: number
}

export interface AccountGrant {
  id: number
  role: string
  scope: { kind: string; zone?: { code: string; name: string }; party?: { id: number; name: string }; [key: string]: unknown }
}

export interface Account {
  id: number
  login: string
  display_name: string
  party_id: number | null
  disabled: boolean
  locked_until: string | null
  totp_enabled: boolean
  demo: boolean
  created_at: string
  version?: number
  grants: AccountGrant[]
}

export interface ApiTokenInfo {
  id: number
  name: string
  permissions?: string[] | null
  expires_at?: string | null
  revoked_at?: string | null
  last_used_at?: string | null
  created_at?: string
}

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
  tokens: (id: number) => request<{ tokens: ApiTokenInfo[] } | ApiTokenInfo[]>('GET', `/api/accounts/${id}/tokens`),
  issueToken: (id: number, name: string) => request<{ id: number; name: string; token: string }>('POST', `/api/accounts/${id}/tokens`, { name }),
  revokeToken: (tokenId: number) => request<void>('DELETE', `/api/tokens/${tokenId}`),
}

/** Where the audit export downloads from (a plain link: the session cookie goes along). */
export function auditExportUrl(filters: AuditFilters, format: 'csv' | 'ndjson' = 'csv'): string {
  const { before: _before, limit: _limit, ...rest } = filters
  return `/api/audit/export${query({ ...rest, format })}`
}
