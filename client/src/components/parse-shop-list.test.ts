import { describe, expect, it } from 'vitest'
import { parseShopList, splitCsv } from './parse-shop-list.js'

describe('parseShopList', () => {
  it('reads a CSV with a Chinese header, defaulting the frontage width to 8 m', () => {
    const csv = '\uFEFF名称,电话,经度,纬度,门宽\r\n老王面馆,13800000001,120.16,30.28,6\r\n"小李, 水果",,120.161,30.281,\r\n'
    const { shops, problems } = parseShopList(csv, 'shops.csv')
    expect(problems).toEqual([])
    expect(shops).toEqual([
      { row: 2, name: '老王面馆', phone: '13800000001', door: [120.16, 30.28], widthM: 6 },
      { row: 3, name: '小李, 水果', phone: '', door: [120.161, 30.281], widthM: 8 },
    ])
  })

  it('reads an English header in any order, tab separated', () => {
    const { shops, problems } = parseShopList('lat\tlon\tname\twidth_m\n30.28\t120.16\tNoodles\t12.5\n', 'shops.txt')
    expect(problems).toEqual([])
    expect(shops[0]).toMatchObject({ name: 'Noodles', door: [120.16, 30.28], widthM: 12.5, phone: '' })
  })

  it('names the row and column of every problem and keeps the good rows', () => {
    const csv = [
      'name,phone,lon,lat,width_m',
      'A,13800000001,120.16,30.28,8',
      ',13800000002,120.16,30.28,8',
      'C,13800000003,abc,30.28,8',
      'D,13800000004,30.28,120.16,8',
      'E,13800000005,120.16,30.28,60',
      'F,13800000006,120.16,30.28,1',
      'G,找店长,120.16,30.28,8',
    ].join('\n')
    const { shops, problems } = parseShopList(csv, 'shops.csv')
    expect(shops.map((s) => s.name)).toEqual(['A'])
    expect(problems).toEqual([
      { row: 3, column: 'name', reason: 'required' },
      { row: 4, column: 'lon', reason: 'not_a_number' },
      { row: 5, column: 'lat', reason: 'lon_lat_swapped' },
      { row: 6, column: 'width_m', reason: 'width_out_of_range' },
      { row: 7, column: 'width_m', reason: 'width_out_of_range' },
      { row: 8, column: 'phone', reason: 'not_a_phone' },
    ])
  })

  it('reports missing columns on the header row', () => {
    expect(parseShopList('名称,电话\n甲,1\n', 'a.csv').problems).toEqual([
      { row: 1, column: '经度', reason: 'missing_column' },
      { row: 1, column: '纬度', reason: 'missing_column' },
    ])
  })

  it('converts GCJ-02 and BD-09 to WGS-84', () => {
    const wgs = parseShopList('名称,经度,纬度\n甲,120.16,30.28\n', 'a.csv', 'wgs84').shops[0]!.door
    const gcj = parseShopList('名称,经度,纬度\n甲,120.16,30.28\n', 'a.csv', 'gcj02').shops[0]!.door
    const bd = parseShopList('名称,经度,纬度\n甲,120.16,30.28\n', 'a.csv', 'bd09').shops[0]!.door
    // GCJ-02 is a few hundred metres off WGS-84 around Hangzhou; BD-09 further still.
    expect(wgs).toEqual([120.16, 30.28])
    expect(gcj[0]).toBeLessThan(120.16)
    expect(Math.abs(gcj[0]! - 120.16)).toBeGreaterThan(0.002)
    expect(Math.abs(gcj[0]! - 120.16)).toBeLessThan(0.01)
    expect(bd[0]).toBeLessThan(gcj[0]!)
  })

  it('reads a GeoJSON of points with the same properties', () => {
    const geojson = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [120.16, 30.28] }, properties: { 名称: '甲店', 电话: '13800000001', 门宽: 10 } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[120.16, 30.28], [120.17, 30.28]] }, properties: { name: '乙' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [120.17, 30.28] }, properties: { name: '丙', width_m: 'x' } },
      ],
    })
    const { shops, problems } = parseShopList(geojson, 'shops.geojson')
    expect(shops).toEqual([{ row: 1, name: '甲店', phone: '13800000001', door: [120.16, 30.28], widthM: 10 }])
    expect(problems).toEqual([
      { row: 2, column: 'geometry', reason: 'not_a_point' },
      { row: 3, column: 'width_m', reason: 'not_a_number' },
    ])
  })

  it('reports an unreadable GeoJSON', () => {
    expect(parseShopList('{"type":', 'x.geojson').problems).toEqual([{ row: 1, column: '', reason: 'unreadable' }])
  })
})

describe('splitCsv', () => {
  it('keeps quoted separators, quotes and line breaks inside a cell', () => {
    expect(splitCsv('a,b\n"x, ""y""\nz",2\n')).toEqual([['a', 'b'], ['x, "y"\nz', '2']])
  })
})
