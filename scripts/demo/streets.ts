import { sql } from 'kysely'
import { METRIC_SRID, type BuildDb } from './zoning.js'
import { streetClassRank } from '../../server/transfer/osm-roads.js'

/**
 * The demo's lines: the streets that run through the sub-district (clipped 40 m beyond its edge),
 * their segments cut at junctions with ST_LineSubstring, and 门前三包 frontage strips on the
 * pavement side of the main streets. Metric work in EPSG:32651; output in lon/lat, 7 decimals.
 */

export type LineGeometry = { type: 'LineString' | 'MultiLineString'; coordinates: unknown }
export type AreaGeometry = { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown }

export interface DemoStreet {
  name: string
  streetClass: string
  widthM: number
  alley: boolean
  lengthM: number
  geometry: LineGeometry
}

export interface DemoSegment {
  street: string
  /** 1-based, in the street's direction (west to east, or north to south). */
  sequence: number
  name: string
  geometry: LineGeometry
  main: boolean
}

export interface DemoFrontage {
  street: string
  segment: number
  geometry: AreaGeometry
}

const MAIN_CLASSES = new Set(['motorway', 'trunk', 'primary', 'secondary', 'tertiary'])
const OUTSIDE_MARGIN_M = 40

export async function buildStreets(db: BuildDb, options: { exclude: string[]; minLengthM: number }): Promise<DemoStreet[]> {
  await sql`CREATE TEMP TABLE demo_street AS
    WITH clipped AS (
      SELECT s.name, s.street_class, s.width_m, s.alley,
             ST_LineMerge(ST_CollectionExtract(ST_Intersection(s.geom, ST_Buffer(b.geom, ${OUTSIDE_MARGIN_M}::float8)), 2)) AS geom
      FROM osm_street s, boundary b
      WHERE s.name NOT IN (${sql.join(options.exclude)})
    ), parts AS (
      SELECT name, street_class, width_m, alley, (ST_Dump(geom)).geom AS part FROM clipped
    )
    SELECT name, street_class, width_m, alley, ST_Multi(ST_Collect(part)) AS geom
    FROM parts WHERE ST_Length(part) >= 20
    GROUP BY name, street_class, width_m, alley
    HAVING sum(ST_Length(part)) >= ${options.minLengthM}::float8`.execute(db)
  const { rows } = await sql<DemoStreet>`
    SELECT name, street_class AS "streetClass", width_m AS "widthM", alley, ST_Length(geom) AS "lengthM",
           ST_AsGeoJSON(ST_Transform(CASE WHEN ST_NumGeometries(geom) = 1 THEN ST_GeometryN(geom, 1) ELSE geom END, 4326), 7)::json AS geometry
    FROM demo_street`.execute(db)
  return rows.sort((a, b) => streetClassRank(a.streetClass) - streetClassRank(b.streetClass) || b.lengthM - a.lengthM)
}

interface Junction {
  name: string
  fraction: number
}

/** Where the other streets cross this street's longest line, as fractions along it. */
async function junctionsOf(db: BuildDb, street: string): Promise<{ junctions: Junction[]; start: string | null; end: string | null }> {
  const { rows } = await sql<Junction>`
    SELECT o.name, avg(ST_LineLocatePoint(m.line, p.geom)) AS fraction
    FROM main_line m
    JOIN demo_street o ON o.name <> m.name AND ST_Intersects(o.geom, m.line)
    CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(o.geom, m.line), 1)) AS p
    WHERE m.name = ${street}
    GROUP BY o.name ORDER BY fraction`.execute(db)
  const nearest = async (end: 'start' | 'end') => {
    const point = end === 'start' ? sql`ST_StartPoint(m.line)` : sql`ST_EndPoint(m.line)`
    const { rows: near } = await sql<{ name: string }>`
      SELECT o.name FROM main_line m JOIN demo_street o ON o.name <> m.name AND ST_DWithin(o.geom, ${point}, 60)
      WHERE m.name = ${street} ORDER BY ST_Distance(o.geom, ${point}) LIMIT 1`.execute(db)
    return near[0]?.name ?? null
  }
  return { junctions: rows, start: await nearest('start'), end: await nearest('end') }
}

/** Cut fractions: at the junction nearest each k/n when one is close, else at k/n exactly. */
export function chooseCuts(count: number, junctions: Junction[]): { fraction: number; name: string | null }[] {
  const cuts: { fraction: number; name: string | null }[] = []
  for (let k = 1; k < count; k++) {
    const target = k / count
    const previous = cuts[cuts.length - 1]?.fraction ?? 0
    const candidates = junctions
      .filter((junction) => junction.fraction > previous + 0.12 && junction.fraction < 0.92 && Math.abs(junction.fraction - target) <= 0.2)
      .sort((a, b) => Math.abs(a.fraction - target) - Math.abs(b.fraction - target))
    const best = candidates[0]
    cuts.push(best ? { fraction: best.fraction, name: best.name } : { fraction: target, name: null })
  }
  return cuts
}

const positional: Record<number, string[][]> = {
  2: [['西段', '东段'], ['北段', '南段']],
  3: [['西段', '中段', '东段'], ['北段', '中段', '南段']],
}

/**
 * Segments for every street: main streets in 2 (3 when over 900 m) at junctions, others whole.
 * Each part of a dual carriageway is cut where it passes the cut points of the longest part.
 */
export async function buildSegments(db: BuildDb, streets: DemoStreet[]): Promise<DemoSegment[]> {
  // The longest part, running west to east (or north to south when it runs more north–south).
  await sql`CREATE TEMP TABLE main_line AS
    WITH longest AS (
      SELECT DISTINCT ON (name) name, part FROM (SELECT name, (ST_Dump(geom)).geom AS part FROM demo_street) p
      ORDER BY name, ST_Length(part) DESC
    )
    SELECT name, CASE
        WHEN abs(ST_X(ST_EndPoint(part)) - ST_X(ST_StartPoint(part))) >= abs(ST_Y(ST_EndPoint(part)) - ST_Y(ST_StartPoint(part)))
          THEN CASE WHEN ST_X(ST_EndPoint(part)) < ST_X(ST_StartPoint(part)) THEN ST_Reverse(part) ELSE part END
        ELSE CASE WHEN ST_Y(ST_EndPoint(part)) > ST_Y(ST_StartPoint(part)) THEN ST_Reverse(part) ELSE part END
      END AS line,
      abs(ST_X(ST_EndPoint(part)) - ST_X(ST_StartPoint(part))) >= abs(ST_Y(ST_EndPoint(part)) - ST_Y(ST_StartPoint(part))) AS east_west
    FROM longest`.execute(db)
  await sql`CREATE TEMP TABLE segment_piece (street text, sequence int, main boolean, geom geometry)`.execute(db)
  const segments: DemoSegment[] = []
  for (const street of streets) {
    const main = MAIN_CLASSES.has(street.streetClass)
    const count = !main ? 1 : street.lengthM > 900 * partsOf(street) ? 3 : 2
    const { junctions, start, end } = await junctionsOf(db, street.name)
    const cuts = chooseCuts(count, junctions)
    const names = [start, ...cuts.map((cut) => cut.name), end]
    const { rows: direction } = await sql<{ east_west: boolean }>`SELECT east_west FROM main_line WHERE name = ${street.name}`.execute(db)
    const eastWest = direction[0]!.east_west
    // Each part of the street is cut where the cut points of the main line project onto it, in the
    // main line's direction; a part beyond either end of the main line goes whole to the end segment.
    const cutFractions = cuts.map((cut) => cut.fraction)
    const { rows: parts } = await sql<{ path: number; forward: boolean; locations: number[] }>`
      SELECT p.path[1] AS path,
        ST_LineLocatePoint(m.line, ST_StartPoint(p.geom)) <= ST_LineLocatePoint(m.line, ST_EndPoint(p.geom)) AS forward,
        ARRAY(SELECT ST_LineLocatePoint(p.geom, ST_LineInterpolatePoint(m.line, f)) FROM unnest(${cutFractions}::float8[]) AS f) AS locations
      FROM main_line m, (SELECT (ST_Dump(geom)).* FROM demo_street WHERE name = ${street.name}) AS p
      WHERE m.name = ${street.name}`.execute(db)
    const pieces: { path: number; sequence: number; from: number; to: number }[] = []
    for (const part of parts) {
      const bounds = [0, ...part.locations.map((location) => (part.forward ? location : 1 - location)), 1]
      for (let k = 1; k < bounds.length; k++) bounds[k] = Math.max(bounds[k]!, bounds[k - 1]!)
      for (let k = 0; k < count; k++) {
        const [a, b] = part.forward ? [bounds[k]!, bounds[k + 1]!] : [1 - bounds[k + 1]!, 1 - bounds[k]!]
        if (b > a) pieces.push({ path: part.path, sequence: k + 1, from: a, to: b })
      }
    }
    await sql`INSERT INTO segment_piece (street, sequence, main, geom)
      SELECT ${street.name}, c.sequence, ${main}, ST_LineSubstring(p.geom, c.a, c.b)
      FROM (SELECT (ST_Dump(geom)).* FROM demo_street WHERE name = ${street.name}) AS p
      JOIN unnest(${pieces.map((piece) => piece.path)}::int[], ${pieces.map((piece) => piece.sequence)}::int[],
                  ${pieces.map((piece) => piece.from)}::float8[], ${pieces.map((piece) => piece.to)}::float8[]) AS c (path, sequence, a, b)
        ON p.path[1] = c.path`.execute(db)
    for (let sequence = 1; sequence <= count; sequence++) {
      const [from, to] = [names[sequence - 1], names[sequence]]
      const label = count === 1 ? '全段' : from && to && from !== to ? `${from}—${to}段` : positional[count]![eastWest ? 0 : 1]![sequence - 1]!
      segments.push({ street: street.name, sequence, name: `${street.name}（${label}）`, geometry: null as never, main })
    }
  }
  // A part's piece can fall on both sides of a cut's projection only where parts run apart; keep what is longer than 1 m.
  const { rows } = await sql<{ street: string; sequence: number; geometry: LineGeometry }>`
    SELECT street, sequence, ST_AsGeoJSON(ST_Transform(
      CASE WHEN count(*) = 1 THEN (array_agg(geom))[1] ELSE ST_Collect(geom) END, 4326), 7)::json AS geometry
    FROM segment_piece WHERE ST_Length(geom) > 1 GROUP BY street, sequence`.execute(db)
  const byKey = new Map(rows.map((row) => [`${row.street}|${row.sequence}`, row.geometry]))
  return segments.filter((segment) => {
    segment.geometry = byKey.get(`${segment.street}|${segment.sequence}`)!
    return segment.geometry !== undefined
  })
}

/** A dual carriageway has two parts of about the same length: count length once. */
function partsOf(street: DemoStreet): number {
  return street.geometry.type === 'MultiLineString' && (street.geometry.coordinates as unknown[]).length > 1 ? 2 : 1
}

/** A seeded random generator (mulberry32), so the demo is the same on every build. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Frontage strips on the pavement of the main streets: between half the width less 6 m and half
 * the width from the centre line, 8–20 m long, on the outer side of a dual carriageway only, not
 * within another street's area, inside the sub-district; then a seeded sample of `target`.
 */
export async function buildFrontages(db: BuildDb, streets: DemoStreet[], target: number, random: () => number): Promise<DemoFrontage[]> {
  await sql`CREATE TEMP TABLE frontage_candidate (id serial, street text, sequence int, half_width float8, piece geometry,
    from_m float8, to_m float8, side text, strip geometry)`.execute(db)
  const widths = new Map(streets.map((street) => [street.name, street.widthM]))
  const { rows: pieces } = await sql<{ id: number; street: string; sequence: number; length: number }>`
    SELECT row_number() OVER ()::int AS id, street, sequence, ST_Length(geom) AS length FROM segment_piece
    WHERE main AND ST_Length(geom) > 30 ORDER BY street, sequence`.execute(db)
  await sql`CREATE TEMP TABLE numbered_piece AS SELECT row_number() OVER ()::int AS id, street, sequence, geom FROM segment_piece
    WHERE main AND ST_Length(geom) > 30 ORDER BY street, sequence`.execute(db)
  for (const piece of pieces) {
    for (const side of ['left', 'right']) {
      const from: number[] = []
      const to: number[] = []
      for (let at = 6 + random() * 10; ; ) {
        const length = 8 + random() * 12
        if (at + length > piece.length - 6) break
        from.push(at)
        to.push(at + length)
        at += length + 2 + random() * 6
      }
      if (from.length === 0) continue
      await sql`INSERT INTO frontage_candidate (street, sequence, half_width, piece, from_m, to_m, side)
        SELECT p.street, p.sequence, ${widths.get(piece.street)! / 2}::float8, p.geom, f, t, ${side}
        FROM numbered_piece p, unnest(${from}::float8[], ${to}::float8[]) AS c (f, t) WHERE p.id = ${piece.id}`.execute(db)
    }
  }
  // A band 5.5 m wide around the line 3.25 m inside the kerb-side edge of the street's area.
  await sql`UPDATE frontage_candidate SET strip = ST_CollectionExtract(ST_Buffer(
      ST_OffsetCurve(sub, CASE side WHEN 'left' THEN 1 ELSE -1 END * (half_width - 3.25)), 2.75, 'endcap=flat join=mitre'), 3)
    FROM (SELECT id AS cid, ST_LineSubstring(piece, from_m / ST_Length(piece), to_m / ST_Length(piece)) AS sub FROM frontage_candidate) s
    WHERE id = s.cid`.execute(db)
  const { rows } = await sql<{ id: number; street: string; sequence: number }>`
    SELECT c.id, c.street, c.sequence FROM frontage_candidate c, boundary b, demo_street own
    WHERE own.name = c.street AND ST_NumGeometries(c.strip) = 1 AND ST_Area(c.strip) > 30
      AND ST_CoveredBy(c.strip, b.geom)
      AND ST_Distance(c.strip, own.geom) >= c.half_width - 6.1
      AND NOT EXISTS (SELECT 1 FROM demo_street o WHERE o.name <> c.street AND ST_DWithin(o.geom, c.strip, o.width_m / 2 + 1))
    ORDER BY c.id`.execute(db)
  // A seeded sample keeps the demo to a signboard-sized number of shops with gaps between them.
  const chosen = rows.map((row) => ({ row, key: random() })).sort((a, b) => a.key - b.key).slice(0, target).map(({ row }) => row.id)
  const { rows: strips } = await sql<{ street: string; sequence: number; geometry: AreaGeometry }>`
    SELECT street, sequence, ST_AsGeoJSON(ST_ReducePrecision(ST_Transform(ST_GeometryN(strip, 1), 4326), 1e-7), 7)::json AS geometry
    FROM frontage_candidate WHERE id = ANY(${chosen}::int[]) ORDER BY street, sequence, from_m, side`.execute(db)
  return strips.map((strip) => ({ street: strip.street, segment: strip.sequence, geometry: strip.geometry }))
}

export { METRIC_SRID }
