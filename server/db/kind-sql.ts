import { sql, type Expression, type RawBuilder } from 'kysely'
import { zoneKinds, type ZoneKind } from '../kernel/zone-kinds.js'

/**
 * Lists of zone kinds in SQL, taken from the kind table (server/kernel/zone-kinds.ts) rather
 * than written out, so that a query follows when a kind is added.
 */

/** Whether the kind column is one of `kinds`. */
export function kindIn(kind: Expression<unknown> | RawBuilder<unknown>, kinds: readonly ZoneKind[]): RawBuilder<boolean> {
  return sql<boolean>`${kind} = ANY(${[...kinds]}::text[])`
}

/** The kind's place in `order` (default: the administrative tree, top down), for ORDER BY. */
export function kindRank(kind: Expression<unknown> | RawBuilder<unknown>, order: readonly ZoneKind[] = zoneKinds): RawBuilder<number> {
  return sql<number>`array_position(${[...order]}::text[], ${kind})`
}
