import { describe, expect, it } from 'vitest'
import { MAX_GEOMETRY_PROBLEMS, MAX_VERTICES, MIN_RING_AREA_M2, validateGeometry } from './validate-geometry.js'

const square = [[[120.15, 30.27], [120.16, 30.27], [120.16, 30.28], [120.15, 30.28], [120.15, 30.27]]]
const hole = [[120.152, 30.272], [120.152, 30.274], [120.154, 30.274], [120.154, 30.272], [120.152, 30.272]]

describe('validateGeometry', () => {
  it('accepts polygons, polygons with holes and multipolygons as areas', () => {
    expect(validateGeometry({ type: 'Polygon', coordinates: square }, 'area')).toEqual([])
    expect(validateGeometry({ type: 'Polygon', coordinates: [square[0], hole] }, 'area')).toEqual([])
    expect(validateGeometry({ type: 'MultiPolygon', coordinates: [square, [hole]] }, 'area')).toEqual([])
  })

  it('accepts lines and multilines as centre lines, with an altitude ignored', () => {
    expect(validateGeometry({ type: 'LineString', coordinates: [[120.15, 30.27], [120.16, 30.27, 5]] }, 'line')).toEqual([])
    expect(
      validateGeometry({ type: 'MultiLineString', coordinates: [[[120.15, 30.27], [120.16, 30.27]], [[120.16, 30.27], [120.17, 30.28]]] }, 'line'),
    ).toEqual([])
  })

  it('refuses a missing geometry, a non-object and a Feature passed instead of its geometry', () => {
    expect(validateGeometry(undefined, 'area')[0]).toMatchObject({ field: 'geometry', reason: expect.stringMatching(/required/) })
    expect(validateGeometry('POLYGON((0 0))', 'area')[0]!.reason).toMatch(/GeoJSON geometry object.*text/)
    expect(validateGeometry({ type: 'Feature', geometry: {} }, 'area')[0]).toMatchObject({
      field: 'geometry.type',
      reason: expect.stringMatching(/Feature; send its geometry/),
    })
  })

  it('refuses the wrong family of geometry for the kind and unknown types, naming what is expected', () => {
    const [line] = validateGeometry({ type: 'LineString', coordinates: [[120.15, 30.27], [120.16, 30.27]] }, 'area')
    expect(line).toEqual({ field: 'geometry.type', reason: expect.stringMatching(/LineString is not allowed.*Polygon or MultiPolygon/) })
    const [unknown] = validateGeometry({ type: 'Polygn', coordinates: square }, 'area')
    expect(unknown!.reason).toMatch(/unknown GeoJSON type "Polygn"/)
    const [point] = validateGeometry({ type: 'Point', coordinates: [120.15, 30.27] }, 'line')
    expect(point!.reason).toMatch(/LineString or MultiLineString/)
  })

  it('names an unclosed ring with both end positions', () => {
    const open = [[[120.15, 30.27], [120.16, 30.27], [120.16, 30.28], [120.15, 30.28], [120.151, 30.27]]]
    expect(validateGeometry({ type: 'Polygon', coordinates: open }, 'area')).toEqual([
      {
        field: 'geometry.coordinates[0]',
        reason: 'ring is not closed: the first position [120.15, 30.27] differs from the last [120.151, 30.27]',
      },
    ])
  })

  it('refuses rings of fewer than four positions or three distinct ones', () => {
    const short = [[[120.15, 30.27], [120.16, 30.27], [120.15, 30.27]]]
    expect(validateGeometry({ type: 'Polygon', coordinates: short }, 'area')[0]!.reason).toMatch(/at least 4 positions/)
    const flat = [[[120.15, 30.27], [120.16, 30.27], [120.16, 30.27], [120.15, 30.27]]]
    expect(validateGeometry({ type: 'Polygon', coordinates: flat }, 'area')[0]!.reason).toMatch(/3 distinct/)
  })

  it('refuses a line of one position or of one repeated position', () => {
    expect(validateGeometry({ type: 'LineString', coordinates: [[120.15, 30.27]] }, 'line')[0]!.reason).toMatch(/at least 2 positions/)
    expect(validateGeometry({ type: 'LineString', coordinates: [[120.15, 30.27], [120.15, 30.27]] }, 'line')[0]!.reason).toMatch(
      /2 distinct/,
    )
  })

  it('points out swapped longitude and latitude at the exact position', () => {
    const swapped = [[[30.27, 120.15], [30.27, 120.16], [30.28, 120.16], [30.27, 120.15]]]
    const problems = validateGeometry({ type: 'Polygon', coordinates: swapped }, 'area')
    expect(problems[0]).toEqual({
      field: 'geometry.coordinates[0][0]',
      reason: expect.stringMatching(/latitude 120.15 is out of range -90..90; longitude and latitude look swapped/),
    })
    expect(problems).toHaveLength(4)
  })

  it('refuses out-of-range coordinates without a swap hint when swapping would not help', () => {
    const [problem] = validateGeometry({ type: 'LineString', coordinates: [[190, 30], [120, 30]] }, 'line')
    expect(problem).toEqual({ field: 'geometry.coordinates[0]', reason: 'longitude 190 is out of range -180..180' })
    const [far] = validateGeometry({ type: 'LineString', coordinates: [[120, 30], [150, 95]] }, 'line')
    expect(far!.reason).not.toMatch(/swapped/)
  })

  it('refuses text, NaN and malformed positions, naming the field path under a custom prefix', () => {
    const problems = validateGeometry(
      { type: 'MultiLineString', coordinates: [[[120.15, 30.27], ['120.16', 30.27]], [[120.15, Number.NaN], [1]]] },
      'line',
      'features[3].geometry',
    )
    expect(problems).toEqual([
      { field: 'features[3].geometry.coordinates[0][1]', reason: 'coordinates must be numbers, got the text "120.16"' },
      { field: 'features[3].geometry.coordinates[1][0]', reason: 'coordinates must be finite numbers' },
      { field: 'features[3].geometry.coordinates[1][1]', reason: 'must be a position [lon, lat], got an array of 1' },
    ])
  })

  it('refuses empty coordinates and a missing coordinates array', () => {
    expect(validateGeometry({ type: 'Polygon', coordinates: [] }, 'area')[0]!.reason).toMatch(/is empty/)
    expect(validateGeometry({ type: 'Polygon' }, 'area')[0]).toMatchObject({ field: 'geometry.coordinates' })
  })

  it('caps the number of vertices', () => {
    const ring: number[][] = []
    for (let i = 0; i <= MAX_VERTICES; i++) ring.push([120 + (i % 1000) * 1e-5, 30 + Math.floor(i / 1000) * 1e-5])
    ring.push(ring[0]!)
    const [problem] = validateGeometry({ type: 'Polygon', coordinates: [ring] }, 'area')
    expect(problem!.reason).toMatch(new RegExp(`has ${MAX_VERTICES + 2} vertices; at most ${MAX_VERTICES}`))
  })

  it('lists at most a fixed number of problems and says how many more there were', () => {
    const bad = Array.from({ length: 50 }, () => ['x', 'y'])
    const problems = validateGeometry({ type: 'LineString', coordinates: bad }, 'line')
    expect(problems).toHaveLength(MAX_GEOMETRY_PROBLEMS + 1)
    expect(problems.at(-1)!.reason).toBe('and 30 more problems')
  })

  it('refuses edges that span half the globe (crossing the antimeridian unsplit, or the whole world)', () => {
    const line = validateGeometry({ type: 'LineString', coordinates: [[179.99, 30.27], [-179.99, 30.27]] }, 'line')
    expect(line).toEqual([{ field: 'geometry.coordinates[1]', reason: expect.stringMatching(/spans half the globe.*antimeridian/) }])
    const world = [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]]
    const problems = validateGeometry({ type: 'Polygon', coordinates: world }, 'area')
    expect(problems.map((p) => p.field)).toEqual(['geometry.coordinates[0][1]', 'geometry.coordinates[0][2]', 'geometry.coordinates[0][3]', 'geometry.coordinates[0][4]'])
    const area = [[[-179.5, 10], [-0.5, 10], [-0.5, 11], [-179.5, 10]]]
    expect(validateGeometry({ type: 'Polygon', coordinates: area }, 'area')).toEqual([])
  })

  it('refuses centre lines longer than a street can be, whose buffer PostGIS would distort', () => {
    const long = validateGeometry({ type: 'LineString', coordinates: [[0, 0], [90, 0], [179, 0]] }, 'line')
    expect(long).toEqual([{ field: 'geometry.coordinates', reason: expect.stringMatching(/spans 179° across.*at most 5°/) }])
    const multi = [[[120, 30], [121, 30]], [[120, 36], [121, 36]]]
    expect(validateGeometry({ type: 'MultiLineString', coordinates: multi }, 'line')[0]!.reason).toMatch(/spans 6°/)
    expect(validateGeometry({ type: 'LineString', coordinates: [[120, 30], [124.9, 30]] }, 'line')).toEqual([])
  })

  it('refuses a ring under 1 m² and accepts one of about 1.18 m², holes included', () => {
    // At 30.27° N a degree is 111.2 km north-south and 96.1 km east-west: 1.05e-5° a side ≈ 1.18 m², 2e-6° ≈ 0.04 m².
    const box = (side: number) => [[120.15, 30.27], [120.15 + side, 30.27], [120.15 + side, 30.27 + side], [120.15, 30.27 + side], [120.15, 30.27]]
    expect(MIN_RING_AREA_M2).toBe(1)
    expect(validateGeometry({ type: 'Polygon', coordinates: [box(1.05e-5)] }, 'area')).toEqual([])
    expect(validateGeometry({ type: 'Polygon', coordinates: [box(2e-6)] }, 'area')).toEqual([
      { field: 'geometry.coordinates[0]', reason: expect.stringMatching(/encloses 0\.04 m²: an area under 1 m²/) },
    ])
    expect(validateGeometry({ type: 'Polygon', coordinates: [square[0], box(2e-6)] }, 'area')).toEqual([
      { field: 'geometry.coordinates[1]', reason: expect.stringMatching(/under 1 m²/) },
    ])
  })
})
