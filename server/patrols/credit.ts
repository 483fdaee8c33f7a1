import { sql } from 'kysely'
import type { DbOrTx } from '../db/database.js'
import type { PatrolSettings } from './patrols.settings.js'

/**
 * Resolving a patrol's track against the zones (docs/patrols.md, "How a track is credited"), in
 * PostGIS, so the embedded database and a PostgreSQL server answer the same:
 *
 * - consecutive fixes of one segment form legs; a leg taking longer than PATROL_MAX_GAP_S, longer
 *   than PATROL_MAX_JUMP_M or faster than PATROL_MAX_SPEED_MS is a gap: no time, no distance;
 * - a leg slower than STOP_SPEED_MS is a stop: its time goes to the zones its midpoint lies in,
 *   its length (GPS jitter) to nobody;
 * - any other leg is a walk: an area zone (grid, community, sub-district, district) is credited
 *   with the length of the leg inside it and that share of the leg's time; a strip (street,
 *   segment, frontage), narrower than GPS error, with the part of the leg within the patrol's
 *   accuracy_m of its area.
 */

/** Slower than this is standing (a leg of 5 s moving 1 m is jitter, not walking). */
export const STOP_SPEED_MS = 0.2
/** A fix whose own stated accuracy is worse than this (a cell-tower fix) is left out of the track. */
export const MAX_FIX_ACCURACY_M = 100
/** Zones narrower than GPS error: credited within the patrol's accuracy of their area. */
export const STRIP_KINDS = ['street', 'segment', 'frontage'] as const

export interface CreditRow {
  zone_id: number
  zone_kind: string
  zone_code: string
  zone_name: string
  seconds: number
  metres: number
  first_at: Date
  last_at: Date
}

export interface TrackTotals {
  distance_m: number
  walking_s: number
  legs: number
  gaps: number
  stops: number
}

/** The legs of a patrol, classified: a CTE list ending in `classified`. */
function legsSql(patrolId: number, settings: PatrolSettings) {
  return sql`
    fix AS (
      SELECT at, location, segment,
        lead(at) OVER w AS next_at, lead(location) OVER w AS next_location, lead(segment) OVER w AS next_segment
      FROM patrol_fix
      WHERE patrol_id = ${patrolId} AND (accuracy_m IS NULL OR accuracy_m <= ${MAX_FIX_ACCURACY_M})
      WINDOW w AS (ORDER BY at, seq)),
    leg AS (
      SELECT at AS t1, next_at AS t2, next_segment <> segment AS broken,
        EXTRACT(EPOCH FROM next_at - at)::float8 AS dt,
        ST_Distance(location::geography, next_location::geography)::float8 AS d,
        ST_MakeLine(location, next_location) AS line,
        ST_SetSRID(ST_MakePoint((ST_X(location) + ST_X(next_location)) / 2, (ST_Y(location) + ST_Y(next_location)) / 2), 4326) AS mid
      FROM fix WHERE next_at IS NOT NULL),
    classified AS (
      SELECT t1, t2, dt, d, line, mid, CASE
        WHEN broken OR dt > ${settings.maxGapS} OR d > ${settings.maxJumpM} OR d > ${settings.maxSpeedMs} * dt THEN 'gap'
        WHEN d <= ${STOP_SPEED_MS} * dt THEN 'stop'
        ELSE 'walk' END AS kind
      FROM leg)`
}

/** Distance walked and time on patrol (walks and stops), and how many legs of each sort. */
export async function trackTotals(db: DbOrTx, patrolId: number, settings: PatrolSettings): Promise<TrackTotals> {
  const { rows } = await sql<TrackTotals>`
    WITH ${legsSql(patrolId, settings)}
    SELECT coalesce(sum(d) FILTER (WHERE kind = 'walk'), 0)::float8 AS distance_m,
      coalesce(sum(dt) FILTER (WHERE kind <> 'gap'), 0)::float8 AS walking_s,
      count(*)::int AS legs, count(*) FILTER (WHERE kind = 'gap')::int AS gaps, count(*) FILTER (WHERE kind = 'stop')::int AS stops
    FROM classified`.execute(db)
  return rows[0]!
}

/** Time and distance per zone the track crossed, every kind, as the rule above says. */
export async function trackCredits(db: DbOrTx, patrolId: number, accuracyM: number, settings: PatrolSettings, kinds?: readonly string[]): Promise<CreditRow[]> {
  // The box a candidate zone must touch: the accuracy in degrees, generous up to 60° of latitude.
  const reach = accuracyM / 50_000 + 0.00001
  const { rows } = await sql<CreditRow>`
    WITH ${legsSql(patrolId, settings)},
    track AS (SELECT ST_Collect(CASE WHEN kind = 'stop' THEN mid ELSE line END) AS g FROM classified WHERE kind <> 'gap'),
    candidate AS (
      SELECT z.id, z.kind, z.code, z.name,
        CASE WHEN z.kind = ANY(${[...STRIP_KINDS]}::text[]) AND ${accuracyM}::float8 > 0
          THEN ST_Buffer(z.area::geography, ${accuracyM}::float8)::geometry ELSE z.area END AS shape
      FROM zone z, track
      WHERE track.g IS NOT NULL AND z.area && ST_Expand(track.g, ${reach}::float8)
        AND (${kinds === undefined}::boolean OR z.kind = ANY(${[...(kinds ?? [])]}::text[]))),
    piece AS (
      SELECT c.id, c.kind, c.code, c.name, l.t1, l.t2, l.dt, l.d, l.kind AS leg_kind,
        CASE WHEN l.kind = 'stop' THEN 1.0
          ELSE least(1.0, ST_Length(ST_Intersection(c.shape, l.line)::geography) / NULLIF(ST_Length(l.line::geography), 0)) END AS share
      FROM classified l JOIN candidate c ON ST_Intersects(c.shape, CASE WHEN l.kind = 'stop' THEN l.mid ELSE l.line END)
      WHERE l.kind <> 'gap')
    SELECT id AS zone_id, kind AS zone_kind, code AS zone_code, name AS zone_name,
      sum(share * dt)::float8 AS seconds,
      coalesce(sum(share * d) FILTER (WHERE leg_kind = 'walk'), 0)::float8 AS metres,
      min(t1) AS first_at, max(t2) AS last_at
    FROM piece WHERE share > 0
    GROUP BY id, kind, code, name
    ORDER BY kind, code`.execute(db)
  return rows.map((row) => ({ ...row, seconds: Number(row.seconds), metres: Number(row.metres) }))
}

/** Resolves a patrol: its credits replaced and its totals written, in the caller's transaction. */
export async function creditPatrol(tx: DbOrTx, patrolId: number, accuracyM: number, settings: PatrolSettings): Promise<{ totals: TrackTotals; credits: CreditRow[] }> {
  const totals = await trackTotals(tx, patrolId, settings)
  const credits = await trackCredits(tx, patrolId, accuracyM, settings)
  await sql`DELETE FROM patrol_credit WHERE patrol_id = ${patrolId}`.execute(tx)
  for (const credit of credits) {
    await sql`
      INSERT INTO patrol_credit (patrol_id, zone_id, zone_kind, zone_code, seconds, metres, first_at, last_at)
      VALUES (${patrolId}, ${credit.zone_id}, ${credit.zone_kind}, ${credit.zone_code}, ${credit.seconds}, ${credit.metres}, ${credit.first_at}, ${credit.last_at})`.execute(tx)
  }
  await sql`
    UPDATE patrol SET distance_m = ${totals.distance_m}, walking_s = ${totals.walking_s}, updated_at = now(), version = version + 1
    WHERE id = ${patrolId}`.execute(tx)
  return { totals, credits }
}
