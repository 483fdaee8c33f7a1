import { booleanIntersects } from '@turf/turf'
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import type { ZoneKind } from '../api/types.js'
import { isZoneKind, kindsUnderTheWorkingJurisdiction } from '../kinds/zone-kinds.js'

export type LayerTarget = ZoneKind | 'as-is' | 'osm-roads' | 'skip'

export interface ImportLayer {
  id: string
  name: string
  features: Feature[]
  suggested: LayerTarget
}

/**
 * Splits dropped data into layers the planner assigns a kind to: by the features' own `kind`
 * when they have one (our interchange format), by geometry type otherwise. Road files from
 * OpenStreetMap are recognised by their `highway` tag.
 */
export function groupLayers(collections: (FeatureCollection & { fileName?: string })[], fileName: string): ImportLayer[] {
  const layers = new Map<string, ImportLayer>()
  collections.forEach((collection, index) => {
    const source = collection.fileName ?? (collections.length > 1 ? `${fileName} #${index + 1}` : fileName)
    for (const feature of collection.features ?? []) {
      if (!feature?.geometry) continue
      const kind = feature.properties?.kind
      const highway = feature.properties?.highway
      const geometryType = feature.geometry.type.replace('Multi', '')
      const key = isZoneKind(kind)
        ? `${source}:${kind}`
        : highway ? `${source}:osm` : `${source}:${geometryType}`
      let layer = layers.get(key)
      if (!layer) {
        const suggested: LayerTarget = isZoneKind(kind)
          ? 'as-is'
          : highway ? 'osm-roads' : geometryType === 'LineString' ? 'street' : geometryType === 'Polygon' ? 'grid' : 'skip'
        layer = { id: `layer${layers.size + 1}`, name: `${source} · ${kind ?? (highway ? 'highway' : geometryType)}`, features: [], suggested }
        layers.set(key, layer)
      }
      layer.features.push(feature)
    }
  })
  return [...layers.values()]
}

/**
 * The interchange-format collection for the engine, with a kind, code and name on every feature.
 * Streets, sub-districts and communities are put under the current jurisdiction only where they
 * reach into its area (when known): the engine refuses a zone entirely outside its parent.
 */
export function toImportCollection(
  layers: ImportLayer[],
  targets: Record<string, LayerTarget>,
  parentCode: string | null,
  parentArea: Polygon | MultiPolygon | null = null,
): FeatureCollection {
  const features: Feature[] = []
  for (const layer of layers) {
    const target = targets[layer.id] ?? layer.suggested
    layer.features.forEach((feature, index) => {
      const properties = { ...(feature.properties ?? {}) }
      if (target !== 'as-is') {
        properties.kind = target
        properties.code ??= properties.CODE ?? properties.id ?? `${layer.id}-${index + 1}`
        properties.name ??= properties.NAME ?? properties.name_zh ?? String(properties.code)
        const takesParent = isZoneKind(target) && kindsUnderTheWorkingJurisdiction.includes(target)
        const inside = !parentArea || (feature.geometry !== null && booleanIntersects(feature.geometry, parentArea))
        if (parentCode && !properties.parent && takesParent && inside) properties.parent = parentCode
      }
      features.push({ type: 'Feature', geometry: feature.geometry, properties })
    })
  }
  return { type: 'FeatureCollection', features }
}
