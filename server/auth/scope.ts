import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql, type RawBuilder } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import { ancestorsOf, MAX_TREE_DEPTH } from '../db/zone-tree.js'
import { DomainError } from '../errors.js'
import type { Permission } from '../kernel/permissions.js'
import { grantsWith, type Actor, type ActorGrant } from './actor.js'
import { maskPhonesIn, shownPhone } from '../kernel/phone-mask.js'

/**
 * Scope: whether the object of a request lies where the actor's grants of the permission apply
 * (docs/permissions.md). The route check (authenticate.ts) asked whether the actor has the
 * permission somewhere; these ask whether here.
 *
 * - scope `all` covers every zone;
 * - `jurisdiction` covers that zone and every zone under it;
 * - `party` covers the zones the party holds now (a chief) and those whose categories route to it
 *   (a department), each with the zones under it.
 */

/** The ids among `zoneIds` that none of the actor's grants of `permission` covers. */
export async function zonesOutOfScope(db: DbOrTx, actor: Actor, permission: Permission, zoneIds: readonly number[]): Promise<number[]> {
  const ids = [...new Set(zoneIds)]
  if (ids.length === 0) return []
  const grants = grantsWith(actor, permission)
  if (grants.some((grant) => grant.scope.kind === 'all')) return []
  const zones = grants.flatMap((grant) => (grant.scope.kind === 'jurisdiction' ? [grant.scope.zoneId] : []))
  const parties = grants.flatMap((grant) => (grant.scope.kind === 'party' ? [grant.scope.partyId] : []))
  if (zones.length === 0 && parties.length === 0) return ids
  const { rows } = await sql<{ start_id: number }>`
    WITH RECURSIVE ${ancestorsOf('up', ids)},
    party_zone AS (
      SELECT zone_id AS id FROM assignment
      WHERE party_id = ANY(${parties}::int4[]) AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())
      UNION SELECT zone_id FROM category_route WHERE department_id = ANY(${parties}::int4[]))
    SELECT DISTINCT up.start_id FROM up
    WHERE up.id = ANY(${zones}::int4[]) OR up.id IN (SELECT id FROM party_zone)`.execute(db)
  const covered = new Set(rows.map((row) => row.start_id))
  return ids.filter((id) => !covered.has(id))
}

/** Refuses (403 out_of_scope) unless every zone of `zoneIds` lies in the actor's scope of `permission`. */
export async function assertZonesInScope(db: DbOrTx, actor: Actor, permission: Permission, zoneIds: readonly number[]): Promise<void> {
  const outside = await zonesOutOfScope(db, actor, permission, zoneIds)
  if (outside.length === 0) return
  const zones = await db.selectFrom('zone').select(['id', 'code', 'name']).where('id', 'in', outside).orderBy('id').execute()
  const first = zones[0] ?? { id: outside[0]!, code: String(outside[0]), name: '?' }
  const more = outside.length > 1 ? ` (and ${outside.length - 1} more)` : ''
  throw new DomainError(
    'out_of_scope',
    `zone ${first.code} (${first.name})${more} is outside your ${await scopeText(db, actor, permission)}`,
    { permission, zones: zones.map((zone) => ({ id: zone.id, code: zone.code, name: zone.name })) },
  )
}

export const assertZoneInScope = (db: DbOrTx, actor: Actor, permission: Permission, zoneId: number) =>
  assertZonesInScope(db, actor, permission, [zoneId])

/** Whether the actor holds `permission` with scope `all`. */
export function hasGlobalScope(actor: Actor, permission: Permission): boolean {
  return grantsWith(actor, permission).some((grant) => grant.scope.kind === 'all')
}

/** Refuses (403 out_of_scope) a change that is not of one zone but of the whole city: a new root zone, a category, a duty text. */
export async function assertGlobalScope(db: DbOrTx, actor: Actor, permission: Permission, what: string): Promise<void> {
  if (hasGlobalScope(actor, permission)) return
  throw new DomainError('out_of_scope', `${what} concerns the whole city, outside your ${await scopeText(db, actor, permission)}`, {
    permission,
    needs: 'a grant with scope all',
  })
}

/** The zones a party answers for now: held by assignment, or routed to it by category. */
export async function zonesOfParty(db: DbOrTx, partyId: number): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT zone_id AS id FROM assignment
    WHERE party_id = ${partyId} AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())
    UNION SELECT zone_id FROM category_route WHERE department_id = ${partyId}`.execute(db)
  return rows.map((row) => row.id)
}

/** A party's record may be changed by someone whose scope covers every zone it answers for (or by anyone, when it answers for none). */
export async function assertPartyInScope(db: DbOrTx, actor: Actor, permission: Permission, partyId: number): Promise<void> {
  await assertZonesInScope(db, actor, permission, await zonesOfParty(db, partyId))
}

/** "planner scope (天水街道 330105003)": the scopes of the grants giving `permission`. */
async function scopeText(db: DbOrTx, actor: Actor, permission: Permission): Promise<string> {
  const grants = grantsWith(actor, permission)
  if (grants.length === 0) return `permissions (none gives ${permission})`
  const parts = await Promise.all(grants.map((grant) => grantText(db, grant)))
  return parts.join('; ')
}

async function grantText(db: DbOrTx, grant: ActorGrant): Promise<string> {
  const scope = grant.scope
  if (scope.kind === 'all') return `${grant.role} scope (all)`
  if (scope.kind === 'jurisdiction') {
    const zone = await db.selectFrom('zone').select(['code', 'name']).where('id', '=', scope.zoneId).executeTakeFirst()
    return `${grant.role} scope (${zone ? `${zone.name} ${zone.code}` : `zone ${scope.zoneId}, deleted`})`
  }
  const party = await db.selectFrom('party').select('name').where('id', '=', scope.partyId).executeTakeFirst()
  return `${grant.role} scope (party ${party ? party.name : scope.partyId})`
}

/**
 * The scope check of an import (ImportOptions.checkScope): every feature placed under a stored
 * zone needs that zone in scope, and a feature without a parent needs scope all. Refuses with
 * the first feature outside, by index and code, listing up to 100 in details.
 */
export function importScopeCheck(db: DbOrTx, actor: Actor) {
  return async (placed: { index: number; code: string; parentZoneId: number | null }[]): Promise<void> => {
    const permission: Permission = 'transfer.import'
    const global = hasGlobalScope(actor, permission)
    const outside = new Set(
      await zonesOutOfScope(db, actor, permission, placed.flatMap((feature) => (feature.parentZoneId === null ? [] : [feature.parentZoneId]))),
    )
    const refused = placed.filter((feature) => (feature.parentZoneId === null ? !global : outside.has(feature.parentZoneId)))
    if (refused.length === 0) return
    const names = new Map(
      (await db.selectFrom('zone').select(['id', 'code', 'name']).where('id', 'in', [...outside, -1]).execute()).map((zone) => [zone.id, zone]),
    )
    const reasonOf = (feature: (typeof placed)[number]) => {
      const parent = feature.parentZoneId === null ? undefined : names.get(feature.parentZoneId)
      return parent ? `its parent, zone ${parent.code} (${parent.name}), is outside your scope` : 'a zone without a parent concerns the whole city'
    }
    const first = refused[0]!
    throw new DomainError(
      'out_of_scope',
      `features[${first.index}] (code ${first.code}): ${reasonOf(first)}, ${await scopeText(db, actor, permission)}` +
        (refused.length > 1 ? `; ${refused.length - 1} more features outside` : '') + '; nothing was imported',
      refused.slice(0, 100).map((feature) => ({ index: feature.index, field: 'properties.parent', reason: reasonOf(feature) })),
    )
  }
}

/**
 * The parties among `partyIds` whose private phone the actor may see: parties.contact with scope
 * all, or in a scope covering at least one zone the party answers for. Null actor (the public):
 * none.
 */
export async function contactableParties(db: DbOrTx, actor: Actor | null, partyIds: readonly number[]): Promise<Set<number>> {
  const ids = [...new Set(partyIds)]
  if (!actor || ids.length === 0 || grantsWith(actor, 'parties.contact').length === 0) return new Set()
  if (hasGlobalScope(actor, 'parties.contact')) return new Set(ids)
  const { rows } = await sql<{ party_id: number; zone_id: number }>`
    SELECT party_id, zone_id FROM assignment
    WHERE party_id = ANY(${ids}::int4[]) AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())
    UNION SELECT department_id, zone_id FROM category_route WHERE department_id = ANY(${ids}::int4[])`.execute(db)
  const outside = new Set(await zonesOutOfScope(db, actor, 'parties.contact', rows.map((row) => row.zone_id)))
  return new Set(rows.filter((row) => !outside.has(row.zone_id)).map((row) => row.party_id))
}

/** Masks the private phones of `parties` the actor may not see (kernel/phone-mask.ts), in place of a copy. */
export async function maskPartyPhones<T extends { id: number; phone: string | null; phone_private: boolean }>(
  db: DbOrTx,
  actor: Actor | null,
  parties: readonly T[],
): Promise<T[]> {
  const withPrivate = parties.filter((party) => party.phone_private && party.phone !== null)
  if (withPrivate.length === 0) return [...parties]
  const may = await contactableParties(db, actor, withPrivate.map((party) => party.id))
  return parties.map((party) => ({ ...party, phone: shownPhone(party.phone, party.phone_private, may.has(party.id)) }))
}

/**
 * Masks, anywhere in a response body, every `phone` that is the private phone of a party the
 * actor may not see; a null actor (the public) sees none. One query for the private phones (few,
 * and indexed by nothing: a city marks hundreds, not millions). Answers the masked body and
 * whether it still carries any private phone unmasked (personal data, for the audit).
 */
export async function maskPrivatePhonesIn<T>(db: DbOrTx, actor: Actor | null, body: T): Promise<{ body: T; personal: boolean }> {
  const rows = await db.selectFrom('party').select(['id', 'phone']).where('phone_private', '=', true).where('phone', 'is not', null).execute()
  if (rows.length === 0) return { body, personal: false }
  const may = await contactableParties(db, actor, rows.map((row) => row.id))
  const hidden = new Set(rows.filter((row) => !may.has(row.id)).map((row) => row.phone!))
  const shown = new Set(rows.filter((row) => may.has(row.id)).map((row) => row.phone!))
  return maskPhonesIn(body, hidden, shown)
}

/**
 * For a routes plugin whose answers carry phones: masks them before serialisation, and marks an
 * answer that still carries private phones with `x-personal-data: 1` (the audit names it).
 */
export function installPhoneMasking(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (reply.statusCode >= 300 || payload === null || typeof payload !== 'object') return payload
    const { body, personal } = await maskPrivatePhonesIn(app.db, request.actor, payload)
    if (personal) reply.header('x-personal-data', '1')
    return body
  })
}

/*
 * Scoped reads (docs/permissions.md, "Reads are scoped"). A read permission held in a
 * jurisdiction or party scope reads the zones of that scope; the zones above the scope's own
 * zones are shown as context (a viewer of 天水街道 sees 拱墅区 and 杭州 drawn around it, nothing of
 * the other sub-districts). Each helper answers `null` for a caller with scope all: no filter,
 * no query, no change.
 */

/** The zones the grants of `permission` start from: jurisdiction zones and the zones the scope parties answer for. */
function scopeRoots(actor: Actor, permission: Permission): RawBuilder<unknown> | null {
  const grants = grantsWith(actor, permission)
  if (grants.some((grant) => grant.scope.kind === 'all')) return null
  const zones = grants.flatMap((grant) => (grant.scope.kind === 'jurisdiction' ? [grant.scope.zoneId] : []))
  const parties = grants.flatMap((grant) => (grant.scope.kind === 'party' ? [grant.scope.partyId] : []))
  return sql`scope_root (id) AS (
    SELECT unnest(${zones}::int4[])
    UNION SELECT zone_id FROM assignment
    WHERE party_id = ANY(${parties}::int4[]) AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())
    UNION SELECT zone_id FROM category_route WHERE department_id = ANY(${parties}::int4[]))`
}

const inScopeCte = sql`scope_down (id, depth) AS (
    SELECT id, 0 FROM scope_root
    UNION ALL SELECT child.id, walk.depth + 1 FROM zone child JOIN scope_down walk ON child.parent_id = walk.id
    WHERE walk.depth < ${sql.lit(MAX_TREE_DEPTH)})`

const contextCte = sql`scope_up (id, parent_id, depth) AS (
    SELECT z.id, z.parent_id, 0 FROM zone z WHERE z.id IN (SELECT id FROM scope_root)
    UNION ALL SELECT parent.id, parent.parent_id, walk.depth + 1 FROM zone parent JOIN scope_up walk ON parent.id = walk.parent_id
    WHERE walk.depth < ${sql.lit(MAX_TREE_DEPTH)})`

/**
 * A subquery of the ids of the zones in the actor's scope of `permission` (with `context`: and
 * the zones above the scope's own), for `z.id IN …`; null for scope all.
 */
export function zonesInScopeSql(actor: Actor, permission: Permission, options: { context?: boolean } = {}): RawBuilder<unknown> | null {
  const roots = scopeRoots(actor, permission)
  if (roots === null) return null
  return options.context
    ? sql`(WITH RECURSIVE ${roots}, ${inScopeCte}, ${contextCte} SELECT id FROM scope_down UNION SELECT id FROM scope_up)`
    : sql`(WITH RECURSIVE ${roots}, ${inScopeCte} SELECT id FROM scope_down)`
}

/** A subquery of the ids of the parties answering now (held or routed) for a zone of `zones` (a subquery of ids). */
export function partiesAnsweringSql(zones: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(SELECT party_id FROM assignment
    WHERE zone_id IN ${zones} AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())
    UNION SELECT department_id FROM category_route WHERE zone_id IN ${zones})`
}

/**
 * Refuses (403 out_of_scope) a read of a zone outside the actor's scope of `permission`. With
 * `context`, the zones above the scope's own pass too (they are drawn as context). One query, none
 * for scope all.
 */
export async function assertZoneReadable(db: DbOrTx, actor: Actor, permission: Permission, zoneId: number, options: { context?: boolean } = {}): Promise<void> {
  const readable = zonesInScopeSql(actor, permission, options)
  if (readable === null) return
  const { rows } = await sql<{ ok: boolean }>`SELECT ${zoneId}::int4 IN ${readable} AS ok`.execute(db)
  if (rows[0]?.ok) return
  await assertZonesInScope(db, actor, permission, [zoneId])
}

/** The ids among `zoneIds` in the actor's scope of `permission` (all of them for scope all); one query otherwise. */
export async function zonesInScope(db: DbOrTx, actor: Actor, permission: Permission, zoneIds: readonly number[]): Promise<Set<number>> {
  if (hasGlobalScope(actor, permission)) return new Set(zoneIds)
  const outside = new Set(await zonesOutOfScope(db, actor, permission, zoneIds))
  return new Set(zoneIds.filter((id) => !outside.has(id)))
}

/** Refuses (403 out_of_scope) a read of a party the actor may not see: see `partiesVisibleSql`. */
export async function assertPartyReadable(db: DbOrTx, actor: Actor, partyId: number): Promise<void> {
  const visible = partiesVisibleSql(actor)
  if (visible === null) return
  const { rows } = await sql<{ ok: boolean }>`SELECT ${partyId}::int4 IN ${visible} AS ok`.execute(db)
  if (rows[0]?.ok) return
  throw new DomainError('out_of_scope', `party ${partyId} answers for no zone inside your ${await scopeText(db, actor, 'parties.read')}`, {
    permission: 'parties.read',
    party_id: partyId,
  })
}

/**
 * A subquery of the parties the actor may read with parties.read: those answering now for a zone
 * in scope, and the actor's own party; null for scope all (who alone sees parties answering for
 * nothing).
 */
export function partiesVisibleSql(actor: Actor): RawBuilder<unknown> | null {
  const zones = zonesInScopeSql(actor, 'parties.read')
  if (zones === null) return null
  return sql`(SELECT ${actor.partyId ?? -1}::int4 UNION ${partiesAnsweringSql(zones)})`
}

/**
 * The condition under which `?q=` may match a party's phone: a phone that is not private, or one
 * the actor sees unmasked (parties.contact with scope all, or in a scope covering a zone the party
 * answers for). Matching a private phone the caller sees masked would confirm a number they
 * guessed.
 */
export function phoneSearchableSql(actor: Actor | null): RawBuilder<boolean> {
  if (!actor || grantsWith(actor, 'parties.contact').length === 0) return sql<boolean>`NOT phone_private`
  const zones = zonesInScopeSql(actor, 'parties.contact')
  if (zones === null) return sql<boolean>`true`
  return sql<boolean>`(NOT phone_private OR id IN ${partiesAnsweringSql(zones)})`
}

/*
 * Scope checks inside the write's transaction. A check before the transaction reads the tree as
 * it was; a zone moved meanwhile by another transaction could carry the write out of scope. So a
 * write checks again inside its transaction, after locking (FOR SHARE) the zones the check walks:
 * each zone written and every zone above it. A concurrent move of one of them waits for the write
 * to commit, or the write waits for the move and then checks the tree as the move left it.
 */

/** Locks FOR SHARE `zoneIds` and all their ancestors, walking again until the chain read is the chain locked. */
export async function lockZoneChains(tx: DbOrTx, zoneIds: readonly number[]): Promise<void> {
  const ids = [...new Set(zoneIds)]
  if (ids.length === 0) return
  const locked = new Set<number>()
  for (let round = 0; round <= MAX_TREE_DEPTH; round++) {
    const { rows } = await sql<{ id: number }>`WITH RECURSIVE ${ancestorsOf('up', ids)} SELECT DISTINCT id FROM up`.execute(tx)
    const fresh = rows.map((row) => row.id).filter((id) => !locked.has(id))
    if (fresh.length === 0) return
    // In id order, so that two writers locking overlapping chains cannot deadlock each other.
    await sql`SELECT id FROM zone WHERE id = ANY(${fresh.sort((a, b) => a - b)}::int4[]) ORDER BY id FOR SHARE`.execute(tx)
    for (const id of fresh) locked.add(id)
  }
}

/** assertZonesInScope inside a write's transaction: the zones' chains locked first (lockZoneChains), then checked as they are now. */
export async function assertZonesInScopeLocked(tx: DbOrTx, actor: Actor, permission: Permission, zoneIds: readonly number[]): Promise<void> {
  if (hasGlobalScope(actor, permission)) return
  await lockZoneChains(tx, zoneIds)
  await assertZonesInScope(tx, actor, permission, zoneIds)
}
