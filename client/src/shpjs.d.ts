// shpjs ships no types; this is the one call the import dialog makes.
declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson'
  export default function shp(input: ArrayBuffer): Promise<(FeatureCollection & { fileName?: string }) | (FeatureCollection & { fileName?: string })[]>
}
