import { describe, expect, it } from 'vitest'
import type { FeatureCollection } from 'geojson'
import { groupLayers, toImportCollection } from './import-layers.js'

const line = { type: 'LineString' as const, coordinates: [[114.3, 30.5], [114.31, 30.5]] }
const square = { type: 'Polygon' as const, coordinates: [[[114.3, 30.5], [114.31, 30.5], [114.31, 30.51], [114.3, 30.5]]] }

describe('import layers', () => {
  it('keeps our own format as is, recognises OSM roads, and groups the rest by geometry', () => {
    const collection: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: square, properties: { kind: 'grid', code: 'G1', name: 'G1' } },
        { type: 'Feature', geometry: line, properties: { highway: 'residential', name: '民主路' } },
        { type: 'Feature', geometry: square, properties: { NAME: '某区' } },
      ],
    }
    const layers = groupLayers([collection], 'a.geojson')
    expect(layers.map((l) => l.suggested)).toEqual(['as-is', 'osm-roads', 'grid'])
    const out = toImportCollection([layers[2]!], { [layers[2]!.id]: 'community' }, 'SUB1')
    expect(out.features[0]!.properties).toMatchObject({ kind: 'community', name: '某区', parent: 'SUB1' })
  })

  it('puts a dropped street under the current jurisdiction only where it reaches into its area', () => {
    const far = { type: 'LineString' as const, coordinates: [[115.3, 31.5], [115.31, 31.5]] }
    const layer = { id: 'roads', name: 'roads', suggested: 'street' as const, features: [
      { type: 'Feature' as const, geometry: line, properties: { name: '近路' } },
      { type: 'Feature' as const, geometry: far, properties: { name: '远路' } },
    ] }
    const area = { type: 'Polygon' as const, coordinates: [[[114.29, 30.49], [114.32, 30.49], [114.32, 30.52], [114.29, 30.52], [114.29, 30.49]]] }
    const out = toImportCollection([layer], { roads: 'street' }, 'SUB1', area)
    expect(out.features.map((f) => f.properties?.parent ?? null)).toEqual(['SUB1', null])
  })
})
