/**
 * Where a copy of the template sub-district lands in the synthetic city: mirrored or not, turned
 * by a quarter turn plus a few degrees, scaled by a few per cent, bent by a smooth seeded warp of
 * up to 25 m (wavelengths 1.5–2.5 km), and moved to its place. Pure. One function of the coordinates, so a vertex that two
 * grids share lands in one place for both, and the copy's grids still tile its communities.
 */
export type Position = [number, number]

const METRES_PER_DEGREE = 111_320

export interface TileTransform {
  (position: Position): Position
}

export interface TileParameters {
  mirror: boolean
  /** Radians. */
  rotation: number
  scale: number
  warp: { amplitudeM: number; wavelengthXM: number; wavelengthYM: number; phaseX: number; phaseY: number }
  /** The tile's centre in the city, metres east and north of the city's origin. */
  centreM: Position
}

/** Seeded parameters of one tile: `random` gives numbers in [0, 1). */
export function tileParameters(random: () => number, centreM: Position): TileParameters {
  return {
    mirror: random() < 0.5,
    rotation: Math.floor(random() * 4) * (Math.PI / 2) + (random() - 0.5) * (24 * Math.PI) / 180,
    scale: 0.94 + random() * 0.12,
    warp: {
      amplitudeM: 10 + random() * 15,
      wavelengthXM: 1500 + random() * 1000,
      wavelengthYM: 1500 + random() * 1000,
      phaseX: random() * 2 * Math.PI,
      phaseY: random() * 2 * Math.PI,
    },
    centreM,
  }
}

/** Coordinates are kept to 1e-7°, as the demo file keeps them (about 1 cm). */
export const round7 = (value: number) => Math.round(value * 1e7) / 1e7

export function makeTileTransform(templateCentre: Position, cityOrigin: Position, parameters: TileParameters): TileTransform {
  const [lon0, lat0] = templateCentre
  const templateCos = Math.cos((lat0 * Math.PI) / 180)
  const cityCos = Math.cos((cityOrigin[1] * Math.PI) / 180)
  const { mirror, rotation, scale, warp, centreM } = parameters
  const cos = Math.cos(rotation) * scale
  const sin = Math.sin(rotation) * scale
  return ([lon, lat]) => {
    let x = (lon - lon0) * templateCos * METRES_PER_DEGREE
    const y0 = (lat - lat0) * METRES_PER_DEGREE
    if (mirror) x = -x
    const xr = x * cos - y0 * sin
    const yr = x * sin + y0 * cos
    const xw = xr + warp.amplitudeM * Math.sin((2 * Math.PI * yr) / warp.wavelengthYM + warp.phaseY)
    const yw = yr + warp.amplitudeM * Math.sin((2 * Math.PI * xr) / warp.wavelengthXM + warp.phaseX)
    return [
      round7(cityOrigin[0] + (centreM[0] + xw) / (cityCos * METRES_PER_DEGREE)),
      round7(cityOrigin[1] + (centreM[1] + yw) / METRES_PER_DEGREE),
    ]
  }
}

/** Applies `transform` to every position of a GeoJSON geometry's coordinates (any nesting). */
export function mapCoordinates<T>(coordinates: T, transform: TileTransform): T {
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number') return transform(coordinates as unknown as Position) as unknown as T
  return (coordinates as unknown as unknown[]).map((inner) => mapCoordinates(inner, transform)) as unknown as T
}
