import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Actor } from '../auth/actor.js'
import type { Db, DbOrTx } from '../db/database.js'
import { holdersAt, emptyHolders, type Holders } from '../db/holders.js'
import { MemoryZoneLocator } from './memory-locator.js'
import { fallbackHolders, type ResolvedZone } from './resolve.repository.js'
import { applyResolutionRule, fallbackPrimary, nearestJurisdiction, type Distanced } from './resolution-rule.js'
import type { PointQuery } from './resolve.input.js'
import type { InternalLink, InternalResolution } from './resolve.service.js'

/**
 * Single resolutions while an import holds the embedded database (issue 13, defect 6).
 *
 * PGlite has one connection, and an import writes inside one transaction (all or nothing): a
 * 99 MB file keeps it for over a minute, and every other query waits. So that `/api/resolve`
 * still answers, the import's transaction first reads the state it starts from, before it
 * writes anything (no other statement runs in between: the connection is the import's), into a
 * **standby**: the zones in the in-memory locator (resolve/memory-locator.ts, which agrees with
 * the SQL locator), who holds each zone now, and each zone's fall-back holder. While the
 * transaction runs, a resolution is answered from the standby: the state before the import,
 * which is the committed state (the import is not). Once the transaction ends, the standby goes.
 *
 * What the standby answers: `GET /api/resolve` without `category` and without `at` (holders
 * now; the standby holds them as of the import's start), for a caller whose credentials the
 * database accepted for `/api/resolve` in the minute before the import began (the check of who
 * may ask needs the database too; see `rememberResolver`). Anything else waits for the import as
 * before.
 */
export interface Standby {
  locator: MemoryZoneLocator
  holders: Map<number, Holders>
  /** For each zone, the nearest zone up its chain (itself first) with a fall-back party. */
  fallbackOf: Map<number, number>
  /** The private phones as of the import's start: masked in standby answers (see work-lock-hooks.ts). */
  privatePhones: Set<string>
  /** When the import's transaction read it (ms since the epoch). */
  startedAt: number
  /** How long reading it took, for the log and the benchmark. */
  readMs: number
}

/** Imports this small are over before a standby would pay for itself. */
export const STANDBY_MIN_FEATURES = 1000

const standbys = new WeakMap<object, Promise<Standby | null>>()

/**
 * The standby of a database while an import holds it, else null. From the moment the import's
 * transaction begins it is published as a promise: a resolution arriving while the standby is
 * still being read waits for it here, in memory, instead of queueing on the database behind the
 * whole import. Null if reading it failed (the resolution then waits for the database).
 */
export function standbyOf(db: Db): Promise<Standby | null> | null {
  return standbys.get(db) ?? null
}

/** Reads the state the transaction starts from: call it inside the transaction, before any write. */
export async function readStandby(trx: DbOrTx): Promise<Standby> {
  const t0 = performance.now()
  const startedAt = Date.now()
  const locator = await MemoryZoneLocator.load(trx)
  const ids = [...locator.snapshot.zones.keys()]
  const holders = await holdersAt(trx, ids, new Date(startedAt))
  const fallbackOf = await fallbackHolders(trx, ids, new Date(startedAt).toISOString())
  const privateRows = await trx.selectFrom('party').select('phone').where('phone_private', '=', true).where('phone', 'is not', null).execute()
  const privatePhones = new Set(privateRows.map((row) => row.phone!))
  return { locator, holders, fallbackOf, privatePhones, startedAt, readMs: performance.now() - t0 }
}

/**
 * Reads the standby inside `trx` (the import's transaction, before it writes), then runs `work`
 * (the import's writes) with the standby published for `db`'s resolutions, and withdraws it when
 * the work ends, whichever way.
 */
export async function withStandby<T>(db: Db, trx: DbOrTx, work: () => Promise<T>): Promise<T> {
  const reading = readStandby(trx)
  const published = reading.catch(() => null)
  standbys.set(db, published)
  try {
    await reading
    return await work()
  } finally {
    if (standbys.get(db) === published) standbys.delete(db)
  }
}

/** DESIGN section 4 for one point, as resolvePointInternal (resolve.service.ts), from the standby only. */
export async function resolveFromStandby(standby: Standby, query: PointQuery): Promise<InternalResolution> {
  const { locator, holders, fallbackOf } = standby
  const zones = locator.snapshot.zones
  const covering = await locator.covering(null as never, query.point)
  const nearby = query.accuracyM > 0 ? await locator.ownersWithin(null as never, query.point, query.accuracyM) : []
  const { status, chain, start, alternatives } = applyResolutionRule(covering, nearby)

  let primaryZone: ResolvedZone | null = null
  let nearest: Distanced<ResolvedZone> | null = null
  if (status === 'owned') primaryZone = start
  else if (status === 'fallback') {
    const holderId = fallbackOf.get(start!.id)
    const holder = holderId === undefined ? undefined : (chain.find((zone) => zone.id === holderId) ?? zones.get(holderId))
    primaryZone = fallbackPrimary(start!, holder)
  } else {
    nearest = nearestJurisdiction(await locator.jurisdictionsNear(null as never, query.point))
  }
  const linkOf = (zone: ResolvedZone): InternalLink => ({ zone, holders: holders.get(zone.id) ?? emptyHolders() })
  return {
    status,
    point: query.point,
    primary: primaryZone ? linkOf(primaryZone) : null,
    chain: chain.map(linkOf),
    department: null,
    alternatives: alternatives.map(({ zone, distance_m }) => ({ ...linkOf(zone), distance_m })),
    nearest,
  }
}

/**
 * Who may ask the standby. Checking a session or a token needs the database, which the import
 * holds; so each credential the database accepted for `/api/resolve` is remembered with the time
 * it was accepted, and the standby answers a credential accepted within `TRUSTED_FOR_MS` before
 * the import began: as of the state before the import, the caller could ask. A token revoked or a
 * session ended during the import is therefore honoured for resolutions until the import ends
 * (at most the request timeout, 120 s), and by nothing else.
 */
export const TRUSTED_FOR_MS = 60_000
const MAX_REMEMBERED = 1000

interface Remembered {
  actor: Actor
  acceptedAt: number
}

const remembered = new WeakMap<object, Map<string, Remembered>>()

/** The caller's credential (bearer token or session cookie), hashed; null without one. */
export function credentialKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  let credential: string | null = null
  if (typeof header === 'string') credential = `bearer ${header.trim()}`
  else {
    const cookie = /(?:^|;\s*)jz_session=([^;]+)/.exec(request.headers.cookie ?? '')
    if (cookie) credential = `session ${cookie[1]}`
  }
  return credential === null ? null : createHash('sha256').update(credential).digest('base64url')
}

/** After the database accepted the request's credential for a resolution: remember it (bounded, oldest out first). */
export function rememberResolver(db: Db, request: FastifyRequest, actor: Actor): void {
  const key = credentialKey(request)
  if (key === null) return
  let map = remembered.get(db)
  if (!map) remembered.set(db, (map = new Map()))
  map.delete(key)
  map.set(key, { actor, acceptedAt: Date.now() })
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!)
}

/** The actor a standby may answer for this request, or null (the request then waits for the database). */
export function trustedResolver(db: Db, request: FastifyRequest, standby: Standby): Actor | null {
  const key = credentialKey(request)
  if (key === null) return null
  const entry = remembered.get(db)?.get(key)
  if (!entry || entry.acceptedAt < standby.startedAt - TRUSTED_FOR_MS) return null
  return entry.actor
}
