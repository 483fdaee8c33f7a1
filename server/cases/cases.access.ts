import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { grantsWith, type Actor } from '../auth/actor.js'
import { DomainError } from '../errors.js'
import type { Permission } from '../kernel/permissions.js'

/**
 * Where an actor's grants of a case permission reach (common10 "Permissions"): a case lies in the
 * scope of a jurisdiction grant when one of its zone_ids lies under the grant's zone; of a party
 * grant when the party is its owner, department or assignee, or holds one of its zones now.
 */
export interface CaseScope {
  all: boolean
  /** Every zone under the actor's jurisdiction grants (the grant's zones included). */
  zoneIds: number[]
  /** The parties of party grants. */
  partyIds: number[]
  /** The zones those parties hold now. */
  partyZoneIds: number[]
}

export interface ScopedCase {
  zone_ids: number[]
  owner_party_id: number | null
  department_id: number | null
  assignee_party_id: number | null
}

export async function caseScope(db: DbOrTx, actor: Actor, permission: Permission): Promise<CaseScope> {
  const grants = grantsWith(actor, permission)
  const all = grants.some((grant) => grant.scope.kind === 'all')
  const roots = grants.flatMap((grant) => (grant.scope.kind === 'jurisdiction' ? [grant.scope.zoneId] : []))
  const partyIds = grants.flatMap((grant) => (grant.scope.kind === 'party' ? [grant.scope.partyId] : []))
  if (all) return { all, zoneIds: [], partyIds, partyZoneIds: [] }
  let zoneIds: number[] = []
  if (roots.length > 0) {
    const { rows } = await sql<{ id: number }>`
      WITH RECURSIVE down (id, depth) AS (
        SELECT id, 0 FROM zone WHERE id = ANY(${roots}::int4[])
        UNION ALL SELECT z.id, down.depth + 1 FROM zone z JOIN down ON z.parent_id = down.id WHERE down.depth < 32)
      SELECT DISTINCT id FROM down`.execute(db)
    zoneIds = rows.map((row) => row.id)
  }
  let partyZoneIds: number[] = []
  if (partyIds.length > 0) {
    const { rows } = await sql<{ id: number }>`
      SELECT DISTINCT zone_id AS id FROM assignment
      WHERE party_id = ANY(${partyIds}::int4[]) AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())`.execute(db)
    partyZoneIds = rows.map((row) => row.id)
  }
  return { all, zoneIds, partyIds, partyZoneIds }
}

export function caseInScope(scope: CaseScope, row: ScopedCase): boolean {
  if (scope.all) return true
  const zones = new Set([...scope.zoneIds, ...scope.partyZoneIds])
  if (row.zone_ids.some((id) => zones.has(id))) return true
  return [row.owner_party_id, row.department_id, row.assignee_party_id].some((id) => id !== null && scope.partyIds.includes(id))
}

/** The same test in SQL, on `case_file` aliased `c`. */
export function caseScopeSql(scope: CaseScope) {
  if (scope.all) return sql<boolean>`true`
  const zones = [...new Set([...scope.zoneIds, ...scope.partyZoneIds])]
  return sql<boolean>`(c.zone_ids && ${zones}::int4[]
    OR c.owner_party_id = ANY(${scope.partyIds}::int4[])
    OR c.department_id = ANY(${scope.partyIds}::int4[])
    OR c.assignee_party_id = ANY(${scope.partyIds}::int4[]))`
}

/** The parties the actor acts as when handling: their own party and the parties of party grants of cases.handle. */
export function handlingParties(actor: Actor): number[] {
  const parties = grantsWith(actor, 'cases.handle').flatMap((grant) => (grant.scope.kind === 'party' ? [grant.scope.partyId] : []))
  if (actor.partyId !== null && grantsWith(actor, 'cases.handle').length > 0) parties.push(actor.partyId)
  return [...new Set(parties)]
}

/**
 * Whether the actor may use `permission` on this case: in scope, and for cases.handle as the
 * assignee (or with scope all).
 */
export async function mayOnCase(db: DbOrTx, actor: Actor, permission: Permission, row: ScopedCase, scopes?: Map<Permission, CaseScope>): Promise<boolean> {
  const grants = grantsWith(actor, permission)
  if (grants.length === 0) return false
  let scope = scopes?.get(permission)
  if (!scope) {
    scope = await caseScope(db, actor, permission)
    scopes?.set(permission, scope)
  }
  if (permission === 'cases.handle') {
    if (scope.all) return true
    return row.assignee_party_id !== null && handlingParties(actor).includes(row.assignee_party_id)
  }
  return caseInScope(scope, row)
}

export async function assertMayOnCase(db: DbOrTx, actor: Actor, permission: Permission, row: ScopedCase & { number: string }): Promise<void> {
  if (grantsWith(actor, permission).length === 0) {
    throw new DomainError('forbidden', `This needs the permission ${permission}`, { permission })
  }
  if (await mayOnCase(db, actor, permission, row)) return
  const why = permission === 'cases.handle' ? 'you are not the party it is assigned to' : 'it is outside your scope'
  throw new DomainError('out_of_scope', `Case ${row.number}: ${why} (${permission})`, { permission })
}
