import { readFileSync } from 'node:fs'
import { DEMO_FILE } from '../../server/transfer/demo.js'

/**
 * The demo district copied `tiles` times side by side, as an import document: a large, valid file
 * of real shapes for load tests (the hostile test's "demo tiled S times"). Tile t is shifted by
 * whole demo extents on a 25-column lattice and every code under the demo's county 330105 is
 * renumbered under a county of its own (6000tt…), so that the CJ/T 213 prefixes still hold and no
 * tile's code meets another's or the demo's.
 */
export interface DemoDocument {
  type: 'FeatureCollection'
  departments?: unknown[]
  categories?: unknown[]
  features: { type: 'Feature'; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[]
}

const DEMO_COUNTY = '330105'
const COLUMNS = 25
const STEP_LON = 0.02
const STEP_LAT = 0.015

export function readDemo(): DemoDocument {
  return JSON.parse(readFileSync(DEMO_FILE, 'utf8')) as DemoDocument
}

function shift(coordinates: unknown, dLon: number, dLat: number): unknown {
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number') {
    return [Math.round(((coordinates[0] as number) + dLon) * 1e7) / 1e7, Math.round(((coordinates[1] as number) + dLat) * 1e7) / 1e7]
  }
  return (coordinates as unknown[]).map((inner) => shift(inner, dLon, dLat))
}

export function tiledDemo(tiles: number, demo: DemoDocument = readDemo()): DemoDocument {
  const features: DemoDocument['features'] = []
  for (let tile = 1; tile <= tiles; tile++) {
    const county = String(600_000 + tile)
    const recode = (code: unknown) => (typeof code === 'string' && code.startsWith(DEMO_COUNTY) ? county + code.slice(DEMO_COUNTY.length) : code)
    const dLon = STEP_LON * (tile % COLUMNS)
    const dLat = STEP_LAT * (1 + Math.floor(tile / COLUMNS))
    for (const feature of demo.features) {
      const properties: Record<string, unknown> = { ...feature.properties, code: recode(feature.properties.code) }
      if (properties.parent !== undefined) properties.parent = recode(properties.parent)
      features.push({ type: 'Feature', properties, geometry: { type: feature.geometry.type, coordinates: shift(feature.geometry.coordinates, dLon, dLat) } })
    }
  }
  return { type: 'FeatureCollection', departments: demo.departments ?? [], categories: demo.categories ?? [], features }
}
