import gcoordModule from 'gcoord'

// gcoord's types describe an ES module with a default export, but its CommonJS build assigns
// module.exports itself, which is what Node hands over as the default: accept either shape.
type Gcoord = typeof gcoordModule.default
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord)

/**
 * The coordinate systems a caller may send. CGCS2000 (China's geodetic datum) differs from
 * WGS-84 by centimetres, far below GPS error, so it is taken as WGS-84. GCJ-02 is the obfuscated
 * datum of Amap, Tencent and WeChat maps; BD-09 is Baidu's further offset of GCJ-02.
 */
export const inputCrsNames = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const
export type InputCrs = (typeof inputCrsNames)[number]

export interface LonLat {
  lon: number
  lat: number
}

const gcoordCrs = {
  wgs84: gcoord.WGS84,
  cgcs2000: gcoord.WGS84,
  gcj02: gcoord.GCJ02,
  bd09: gcoord.BD09,
} as const satisfies Record<InputCrs, unknown>

export function isInputCrs(value: string): value is InputCrs {
  return (inputCrsNames as readonly string[]).includes(value)
}

/**
 * A point in `crs` as WGS-84 (EPSG:4326), the datum of everything stored. gcoord inverts GCJ-02
 * iteratively (to about a millimetre), and leaves points outside China unchanged, as the
 * obfuscation is only applied inside China.
 */
export function toWgs84(point: LonLat, crs: InputCrs): LonLat {
  if (crs === 'wgs84' || crs === 'cgcs2000') return { lon: point.lon, lat: point.lat }
  const [lon, lat] = gcoord.transform([point.lon, point.lat], gcoordCrs[crs], gcoord.WGS84) as [number, number]
  return { lon, lat }
}

/** A WGS-84 point as the given map datum shows it: for fixtures, benchmarks and clients. */
export function fromWgs84(point: LonLat, crs: InputCrs): LonLat {
  if (crs === 'wgs84' || crs === 'cgcs2000') return { lon: point.lon, lat: point.lat }
  const [lon, lat] = gcoord.transform([point.lon, point.lat], gcoord.WGS84, gcoordCrs[crs]) as [number, number]
  return { lon, lat }
}
