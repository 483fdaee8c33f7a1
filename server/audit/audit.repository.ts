import type { DbOrTx } from '../db/database.js'

/** One entry of the audit trail (sql/005_audit.sql). */
export interface AuditEntry {
  accountId?: number | null
  login?: string | null
  via?: 'session' | 'token' | 'cli' | 'system' | null
  address?: string | null
  userAgent?: string | null
  /** `resource.verb`, e.g. zone.update, session.login_failed, export.personal. */
  action: string
  objectType?: string | null
  objectId?: string | number | null
  objectCode?: string | null
  before?: unknown
  after?: unknown
  outcome: 'ok' | 'refused' | 'failed'
  status?: number | null
  method?: string | null
  path?: string | null
  /** The route matched (`/api/zones/:id`); `path` is the URL asked for. */
  route?: string | null
  comment?: string | null
}

/** Appends one entry. Pass the write's transaction to record it with the write (both or neither). */
export async function appendAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      account_id: entry.accountId ?? null,
      login: entry.login ?? null,
      via: entry.via ?? null,
      address: entry.address ?? null,
      user_agent: entry.userAgent?.slice(0, 300) ?? null,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId === undefined || entry.objectId === null ? null : String(entry.objectId),
      object_code: entry.objectCode ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      outcome: entry.outcome,
      status: entry.status ?? null,
      method: entry.method ?? null,
      path: entry.path?.slice(0, 500) ?? null,
      route: entry.route?.slice(0, 200) ?? null,
      comment: entry.comment ?? null,
    })
    .execute()
}
