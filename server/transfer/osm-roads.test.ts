import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { mergeLines, normalizeStreetName, osmRoadsToStreets, streetClassRank, streetCode } from './osm-roads.js'

// The shipped copy of the real 天水街道 roads (© OpenStreetMap contributors, ODbL).
/** The fixture's ways, as far as these tests read them. */
interface FixtureWay {
  properties: { name?: string; highway?: string }
  geometry: { coordinates: number[][] }
}
const fixture: { type: 'FeatureCollection'; features: FixtureWay[] } = JSON.parse(readFileSync(new URL('../../data/osm/hangzhou_tianshui_jiedao_roads_osm.geojson', import.meta.url), 'utf8'))

const way = (name: string | null, highway: string, coordinates: unknown[][]) => ({
  type: 'Feature',
  properties: { name, highway },
  geometry: { type: 'LineString', coordinates },
})
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features })

function expectBadRequest(run: () => unknown): DomainError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError)
    expect((error as DomainError).status).toBe(400)
    return error as DomainError
  }
  throw new Error('expected a 400 DomainError')
}

describe('osmRoadsToStreets on the real 天水街道 roads', () => {
  const streets = osmRoadsToStreets(fixture, { parent: '330105003' })
  const byName = new Map(streets.features.map((feature) => [feature.properties.name, feature]))

  it('makes one street per name, dropping unnamed ways and service roads', () => {
    const names = [...byName.keys()]
    expect(names).toContain('体育场路')
    expect(names).toContain('中山北路')
    // 余官巷 is only a service road in OSM; 屏风街 has a tertiary way (kept) and a footway (dropped).
    expect(names).not.toContain('余官巷')
    expect(names).toContain('屏风街')
    expect(names).not.toContain('杭州大厦人行天桥')
    expect(new Set(names).size).toBe(names.length)
    expect(names.every((name) => name.length > 0)).toBe(true)
  })

  it('merges a name with an English suffix into the Chinese name', () => {
    expect(byName.has("延安路 Yan'an Road")).toBe(false)
    const yanan = byName.get('延安路')!
    const parts = yanan.geometry.type === 'LineString' ? [yanan.geometry.coordinates] : yanan.geometry.coordinates
    // The ways tagged with the English suffix are the eastern carriageway: both are one street now.
    expect(parts).toHaveLength(2)
    const lons = parts.map((line) => line[0]![0])
    expect(Math.max(...lons)).toBeGreaterThan(120.159)
    expect(Math.min(...lons)).toBeLessThan(120.1588)
  })

  it('joins the ways of a street where they touch, losing none of their vertices', () => {
    const ways = fixture.features.filter((f) => f.properties.name === '体育场路')
    const tiyuchang = byName.get('体育场路')!
    expect(tiyuchang.geometry.type).toBe('MultiLineString')
    const lines = tiyuchang.geometry.coordinates as number[][][]
    // Every vertex of the fixture's ways is on the street (written to 7 decimals, about a centimetre).
    const key = (p: number[]) => `${p[0]!.toFixed(7)},${p[1]!.toFixed(7)}`
    const vertices = new Set(lines.flat().map(key))
    for (const way of ways) for (const p of way.geometry.coordinates) expect(vertices.has(key(p))).toBe(true)
    // Where the street's ways meet end to end, two and only two, they became one line: no end
    // of a merged line is shared by exactly one other end unless a third way passes through it.
    const endsOfWays = new Map<string, number>()
    for (const way of ways) {
      for (const p of [way.geometry.coordinates[0]!, way.geometry.coordinates.at(-1)!]) endsOfWays.set(key(p), (endsOfWays.get(key(p)) ?? 0) + 1)
    }
    const inside = new Set(ways.flatMap((way) => way.geometry.coordinates.slice(1, -1).map(key)))
    const endsOfLines = new Map<string, number>()
    for (const line of lines) {
      if (key(line[0]!) === key(line.at(-1)!)) continue
      for (const p of [line[0]!, line.at(-1)!]) endsOfLines.set(key(p), (endsOfLines.get(key(p)) ?? 0) + 1)
    }
    const joinable = [...endsOfLines].filter(([k, n]) => n === 2 && endsOfWays.get(k) === 2 && !inside.has(k))
    expect(joinable).toEqual([])
    expect(lines.length).toBeLessThan(ways.length)
  })

  it('takes the most important class of its ways and the width of that class', () => {
    expect(byName.get('中河北路')!.properties).toMatchObject({ street_class: 'primary', width_m: 40 })
    expect(byName.get('体育场路')!.properties).toMatchObject({ street_class: 'secondary', width_m: 30 })
    expect(byName.get('武林路')!.properties).toMatchObject({ street_class: 'secondary', width_m: 30 })
    expect(byName.get('天水巷')!.properties).toMatchObject({ street_class: 'tertiary', width_m: 24 })
    expect(byName.get('麒麟街')!.properties).toMatchObject({ street_class: 'unclassified', width_m: 16 })
    // The same, counted from the fixture's own ways with OSM's order of importance.
    const importance = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'living_street', 'pedestrian', 'road']
    for (const name of ['中河北路', '体育场路', '武林路', '天水巷', '麒麟街']) {
      const classes = fixture.features.filter((f) => f.properties.name === name).map((f) => f.properties.highway)
      const best = importance.find((c) => classes.includes(c))
      expect(byName.get(name)!.properties.street_class, name).toBe(best)
    }
  })

  it('gives every street kind, parent and a stable code', () => {
    for (const feature of streets.features) {
      expect(feature.properties.kind).toBe('street')
      expect(feature.properties.parent).toBe('330105003')
      expect(feature.properties.code).toBe(streetCode(feature.properties.name))
    }
    const again = osmRoadsToStreets(fixture, {})
    expect(again.features.map((f) => f.properties.code)).toEqual(streets.features.map((f) => f.properties.code))
    expect(again.features[0]!.properties.parent).toBeUndefined()
  })

  it('keeps service roads and footways only when asked for', () => {
    const withService = osmRoadsToStreets(fixture, { include: ['service', 'footway'] })
    const names = withService.features.map((feature) => feature.properties.name)
    expect(names).toContain('余官巷')
    expect(names).toContain('杭州大厦人行天桥')
    expect(withService.features.find((f) => f.properties.name === '余官巷')!.properties.street_class).toBe('service')
  })
})

describe('osmRoadsToStreets rejects what is not an OSM road file', () => {
  it('refuses a document that is not a FeatureCollection', () => {
    const error = expectBadRequest(() => osmRoadsToStreets({ type: 'Feature' }))
    expect(error.details).toEqual([expect.objectContaining({ field: 'type' })])
    expectBadRequest(() => osmRoadsToStreets('roads'))
  })

  it('lists every feature without a highway class or with a non-line geometry', () => {
    const error = expectBadRequest(() =>
      osmRoadsToStreets(
        collection(
          way('延安路', 'secondary', [[120.158, 30.27], [120.158, 30.271]]),
          { type: 'Feature', properties: { name: '某广场' }, geometry: { type: 'LineString', coordinates: [[120, 30], [120.1, 30]] } },
          { type: 'Feature', properties: { name: '某点', highway: 'bus_stop' }, geometry: { type: 'Point', coordinates: [120, 30] } },
          way('坏路', 'residential', [[120, 30], ['x', 30]]),
        ),
      ),
    )
    expect(error.details).toEqual([
      expect.objectContaining({ index: 1, field: 'properties.highway' }),
      expect.objectContaining({ index: 2, field: 'geometry' }),
      expect.objectContaining({ index: 3, field: 'geometry.coordinates' }),
    ])
  })

  it('refuses a file with no named road of the kept classes', () => {
    expectBadRequest(() => osmRoadsToStreets(collection(way(null, 'primary', [[120, 30], [120.1, 30]]), way('小路', 'footway', [[120, 30], [120.1, 30]]))))
  })
})

describe('street names and classes', () => {
  it('strips an English or pinyin suffix but keeps Chinese qualifiers', () => {
    expect(normalizeStreetName("延安路 Yan'an Road")).toBe('延安路')
    expect(normalizeStreetName('延安路（Yan’an Road）')).toBe('延安路')
    expect(normalizeStreetName(' 中河北路 ')).toBe('中河北路')
    expect(normalizeStreetName('中河北路（北段）')).toBe('中河北路（北段）')
    expect(normalizeStreetName('Main Street')).toBe('Main Street')
  })

  it('ranks classes by importance, links just below their road', () => {
    expect(streetClassRank('primary')).toBeLessThan(streetClassRank('primary_link'))
    expect(streetClassRank('primary_link')).toBeLessThan(streetClassRank('secondary'))
    expect(streetClassRank('tertiary')).toBeLessThan(streetClassRank('service'))
    expect(streetClassRank('service')).toBeLessThan(streetClassRank('something_else'))
  })

  it('keeps *_link ways only with include=link', () => {
    const fc = collection(way('匝道', 'primary_link', [[120, 30], [120.01, 30]]), way('主路', 'primary', [[120, 30.1], [120.01, 30.1]]))
    expect(osmRoadsToStreets(fc).features.map((f) => f.properties.name)).toEqual(['主路'])
    expect(osmRoadsToStreets(fc, { include: ['link'] }).features.map((f) => f.properties.name)).toEqual(['主路', '匝道'])
  })
})

describe('mergeLines', () => {
  it('joins lines that meet end to end, whatever their direction', () => {
    const merged = mergeLines([
      [[1, 0], [2, 0]],
      [[3, 0], [2, 0]],
      [[0, 0], [1, 0]],
    ])
    expect(merged).toHaveLength(1)
    const line = merged[0]!
    const xs = line.map(([x]) => x)
    expect(xs[0] === 0 ? xs : [...xs].reverse()).toEqual([0, 1, 2, 3])
  })

  it('keeps a junction of three lines as a break and leaves apart lines apart', () => {
    const merged = mergeLines([
      [[0, 0], [1, 0]],
      [[1, 0], [2, 0]],
      [[1, 0], [1, 1]],
      [[5, 5], [6, 6]],
    ])
    expect(merged).toHaveLength(4)
  })

  it('closes a ring without looping forever', () => {
    const merged = mergeLines([
      [[0, 0], [1, 0]],
      [[1, 0], [1, 1]],
      [[1, 1], [0, 0]],
    ])
    expect(merged).toHaveLength(1)
    expect(merged[0]).toHaveLength(4)
  })
})
