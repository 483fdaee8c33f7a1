import { describe, expect, it } from 'vitest'
import { fromWgs84, toWgs84, type LonLat } from './convert-crs.js'

/** Great-circle distance in metres (haversine on a sphere of the mean Earth radius). */
function metresBetween(a: LonLat, b: LonLat): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h))
}

// Published pairs from other implementations of the same public algorithm (wandergis/coordtransform
// for Beijing; a geotool test for Jiaxing, Zhejiang).
const beijing = { wgs84: { lon: 116.404, lat: 39.915 }, gcj02: { lon: 116.41024449916938, lat: 39.91640428150164 } }
const jiaxing = {
  wgs84: { lon: 121.0917077, lat: 30.6107779 },
  gcj02: { lon: 121.09626935575027, lat: 30.608604331756705 },
  bd09: { lon: 121.10271732371203, lat: 30.61484572185035 },
}
const hangzhouWest = { lon: 120.1551, lat: 30.2741 }

describe('toWgs84', () => {
  it('leaves WGS-84 and CGCS2000 points as they are', () => {
    expect(toWgs84(hangzhouWest, 'wgs84')).toEqual(hangzhouWest)
    expect(toWgs84(hangzhouWest, 'cgcs2000')).toEqual(hangzhouWest)
  })

  it('turns published GCJ-02 points back into their WGS-84 points within a metre', () => {
    expect(metresBetween(toWgs84(beijing.gcj02, 'gcj02'), beijing.wgs84)).toBeLessThan(1)
    expect(metresBetween(toWgs84(jiaxing.gcj02, 'gcj02'), jiaxing.wgs84)).toBeLessThan(1)
  })

  it('turns a published BD-09 point back into its WGS-84 point within a metre', () => {
    expect(metresBetween(toWgs84(jiaxing.bd09, 'bd09'), jiaxing.wgs84)).toBeLessThan(1)
  })

  it('moves a Hangzhou GCJ-02 point by the few hundred metres of the obfuscation', () => {
    const offset = metresBetween(toWgs84(hangzhouWest, 'gcj02'), hangzhouWest)
    expect(offset).toBeGreaterThan(300)
    expect(offset).toBeLessThan(700)
    // BD-09 adds Baidu's own offset of roughly another 600 m to 1 km.
    expect(metresBetween(toWgs84(hangzhouWest, 'bd09'), hangzhouWest)).toBeGreaterThan(offset)
  })

  it('round-trips seeded random points across China within a metre', () => {
    let seed = 20170101
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    for (let i = 0; i < 500; i++) {
      const wgs84 = { lon: 98 + random() * 24, lat: 22 + random() * 20 }
      for (const crs of ['gcj02', 'bd09'] as const) {
        expect(metresBetween(toWgs84(fromWgs84(wgs84, crs), crs), wgs84)).toBeLessThan(1)
      }
    }
  })

  it('leaves GCJ-02 points outside China unchanged, where no obfuscation applies', () => {
    const london = { lon: -0.1276, lat: 51.5072 }
    expect(toWgs84(london, 'gcj02')).toEqual(london)
  })
})

describe('fromWgs84', () => {
  it('gives the published GCJ-02 and BD-09 points for their WGS-84 points', () => {
    expect(metresBetween(fromWgs84(beijing.wgs84, 'gcj02'), beijing.gcj02)).toBeLessThan(0.01)
    expect(metresBetween(fromWgs84(jiaxing.wgs84, 'gcj02'), jiaxing.gcj02)).toBeLessThan(0.01)
    expect(metresBetween(fromWgs84(jiaxing.wgs84, 'bd09'), jiaxing.bd09)).toBeLessThan(0.1)
  })
})
