import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely'

import { duties, type Duty, type ZoneKind } from '../kernel/zone-kinds.js'

/** The typed shape of the schema in sql/. Geometry columns are read through helpers in geo-sql.ts. */

/** Parties are typed by the duty they can fill. */
export const partyTypes = duties
export type PartyType = Duty

/** A geometry column: written as SQL expressions (geo-sql.ts), read through ST_AsGeoJSON. */
type GeometryColumn = ColumnType<string, unknown, unknown>

export interface ZoneTable {
  id: Generated<number>
  kind: ZoneKind
  code: string
  name: string
  parent_id: number | null
  street_class: string | null
  width_m: number | null
  centerline: GeometryColumn | null
  area: GeometryColumn
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

/** A zone's stored attributes as read back, without its geometry and timestamps. */
export type ZoneRow = Omit<Selectable<ZoneTable>, 'centerline' | 'area' | 'created_at' | 'updated_at'>
export const zoneRowColumns = ['id', 'kind', 'code', 'name', 'parent_id', 'street_class', 'width_m', 'version'] as const satisfies readonly (keyof ZoneRow)[]
/** How answers name a zone. */
export type ZoneRef = Pick<ZoneRow, 'id' | 'kind' | 'code' | 'name'>

export interface ZonePartTable {
  zone_id: number
  geom: GeometryColumn
}

export interface PartyTable {
  id: Generated<number>
  type: PartyType
  name: string
  phone: string | null
  title: string | null
  role: string | null
  /** The phone is shown unmasked only to callers with parties.contact in scope (sql/006). */
  phone_private: Generated<boolean>
  version: Generated<number>
}

export type PartyRow = Selectable<PartyTable>
export const partyRowColumns = ['id', 'type', 'name', 'phone', 'title', 'role', 'phone_private', 'version'] as const satisfies readonly (keyof PartyRow)[]

export interface AssignmentTable {
  id: Generated<number>
  zone_id: number
  party_id: number
  duty: Duty
  valid_from: ColumnType<Date, Date | string | undefined, Date | string>
  valid_to: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  version: Generated<number>
}

export interface CategoryTable {
  id: Generated<number>
  name: string
}

export interface CategoryRouteTable {
  zone_id: number
  category_id: number
  department_id: number
}

/** sql/003: the kinds the database knows, the same rows as server/kernel/zone-kinds.ts. */
export interface ZoneKindTable {
  kind: ZoneKind
  geometry: 'area' | 'line'
  family: 'jurisdiction' | 'owner'
  chain_order: number
}

/** sql/002: the duties (职责) printed on each kind's signboards, editable by planners. */
export interface DutyTextTable {
  kind: ZoneKind
  text: string
  updated_at: Generated<Date>
}

export interface Database {
  zone: ZoneTable
  zone_part: ZonePartTable
  party: PartyTable
  assignment: AssignmentTable
  category: CategoryTable
  category_route: CategoryRouteTable
  zone_kind: ZoneKindTable
  duty_text: DutyTextTable
  account: AccountTable
  account_grant: AccountGrantTable
  account_session: AccountSessionTable
  api_token: ApiTokenTable
  security_policy: SecurityPolicyTable
  audit_event: AuditEventTable
}

/** The append-only audit trail (sql/005_audit.sql). */
export interface AuditEventTable {
  id: Generated<string>
  at: Generated<Date>
  account_id: number | null
  login: string | null
  via: string | null
  address: string | null
  user_agent: string | null
  action: string
  object_type: string | null
  object_id: string | null
  object_code: string | null
  before: ColumnType<unknown, string | null, string | null>
  after: ColumnType<unknown, string | null, string | null>
  outcome: 'ok' | 'refused' | 'failed'
  status: number | null
  method: string | null
  path: string | null
  /** sql/008: the route matched, e.g. /api/zones/:id. */
  route: string | null
  comment: string | null
}

/** Staff accounts and what they may do (sql/004_accounts.sql, DESIGN.md §9). */
export interface AccountTable {
  id: Generated<number>
  login: string
  display_name: string
  password_hash: string | null
  password_changed_at: Generated<Date>
  must_change_password: Generated<boolean>
  party_id: number | null
  disabled: Generated<boolean>
  failed_logins: Generated<number>
  locked_until: Date | null
  totp_secret: string | null
  totp_enabled: Generated<boolean>
  /** The last TOTP time step accepted (sql/007): a code is good once. */
  totp_last_step: number | null
  demo: Generated<boolean>
  created_at: Generated<Date>
  version: Generated<number>
}

export interface AccountGrantTable {
  id: Generated<number>
  account_id: number
  role: string
  scope_zone_id: number | null
  scope_party_id: number | null
  granted_by: number | null
  granted_at: Generated<Date>
}

export interface AccountSessionTable {
  token_hash: string
  account_id: number
  csrf_token: string
  created_at: Generated<Date>
  last_seen_at: Generated<Date>
  expires_at: Date
  pending_second_factor: Generated<boolean>
  /** Wrong codes sent to this pending session (sql/007). */
  second_factor_failures: Generated<number>
  address: string | null
  user_agent: string | null
}

export interface ApiTokenTable {
  id: Generated<number>
  token_hash: string
  account_id: number
  name: string
  permissions: string[] | null
  created_at: Generated<Date>
  expires_at: Date | null
  last_used_at: Date | null
  revoked_at: Date | null
}

export interface SecurityPolicyTable {
  id: number
  policy: ColumnType<Record<string, unknown>, string, string>
  updated_at: Generated<Date>
  updated_by: number | null
  /** sql/014: raised by each PUT /api/security-policy. */
  version: Generated<number>
}

export type Db = Kysely<Database>
/** Either the database or an open transaction: repositories take this first. */
export type DbOrTx = Kysely<Database> | Transaction<Database>
