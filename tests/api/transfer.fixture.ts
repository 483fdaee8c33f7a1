import { rectangle } from '../helpers/seed.js'

/**
 * A small but complete district in the import format, for the import/export tests: every kind,
 * every duty, history, category routes at several levels, a department and a category nobody
 * uses yet, a MultiPolygon, a MultiLineString with an altitude (dropped), a frontage named by
 * its merchant.
 *
 * Layout (lon 120.14–120.18, lat 30.25–30.29): the sub-district is the inner square; community
 * 001 its west half (two grids), community 002 its east half (one grid and an island); street
 * 延安路 runs north–south at lon 120.155 in two segments, 体育场路 is two east–west pieces.
 */
export type Feature = { type: 'Feature'; properties: Record<string, unknown>; geometry: unknown }

const feature = (properties: Record<string, unknown>, geometry: unknown): Feature => ({ type: 'Feature', properties, geometry })
const line = (...coordinates: [number, number][]) => ({ type: 'LineString', coordinates })

export function richDistrict() {
  return {
    type: 'FeatureCollection',
    departments: [
      { name: '市政所', phone: '0571-0000-0001' },
      { name: '环卫所', phone: '0571-0000-0002' },
      { name: '备用科(测试)', phone: '0571-0000-0009' },
    ],
    categories: ['路灯损坏', '未分派类别'],
    features: [
      feature(
        {
          kind: 'district', code: '330106', name: '测试区',
          chief: { name: '区长甲(测试)', phone: '139-0000-0001', title: '区长', since: '2023-01-01' },
          fallback: { name: '城市物业(测试)', phone: '0571-9999-9999' },
          categories: { 路灯损坏: '市政所' },
        },
        rectangle(120.14, 30.25, 120.18, 30.29),
      ),
      feature(
        {
          kind: 'subdistrict', code: '330106001', name: '测试街道', parent: '330106',
          department: '城管执法中队',
          fallback: { name: '街道物业(测试)', phone: '0571-8888-8888', since: '2022-05-01T08:00:00+08:00' },
          categories: { 占道经营: '城管执法中队', 垃圾堆放: '环卫所' },
        },
        rectangle(120.15, 30.26, 120.17, 30.28),
      ),
      feature(
        { kind: 'community', code: '330106001001', name: '西社区', parent: '330106001', chief: { name: '书记乙(测试)', phone: '139-0000-0002' } },
        rectangle(120.15, 30.26, 120.16, 30.28),
      ),
      feature(
        { kind: 'community', code: '330106001002', name: '东社区', parent: '330106001' },
        {
          type: 'MultiPolygon',
          coordinates: [rectangle(120.16, 30.26, 120.17, 30.275).coordinates, rectangle(120.161, 30.276, 120.169, 30.279).coordinates],
        },
      ),
      feature(
        {
          kind: 'grid', code: '33010600100101', name: '西一网格', parent: '330106001001',
          chief: { name: '网格员丙(测试)', phone: '139-0000-0003', since: '2024-03-01' },
          history: [
            { duty: 'chief', name: '网格员旧甲(测试)', phone: '139-0000-0013', from: '2020-01-01', to: '2022-01-01' },
            { duty: 'chief', name: '网格员旧乙(测试)', from: '2022-01-01', to: '2024-03-01' },
          ],
        },
        rectangle(120.15, 30.26, 120.155, 30.28),
      ),
      feature(
        { kind: 'grid', code: '33010600100102', name: '西二网格', parent: '330106001001', chief: { name: '网格员丙(测试)', phone: '139-0000-0003' } },
        rectangle(120.155, 30.26, 120.16, 30.28),
      ),
      feature(
        { kind: 'grid', code: '33010600100201', name: '东一网格', parent: '330106001002', department: { name: '环卫所', since: '2021-06-01' } },
        rectangle(120.16, 30.26, 120.17, 30.275),
      ),
      feature(
        {
          kind: 'street', code: 'S1', name: '延安路', parent: '330106001', street_class: 'secondary',
          chief: { name: '街长丁(测试)', phone: '139-0000-0004', title: '副区长', since: '2024-01-01' },
          department: '市政所',
          history: [
            { duty: 'chief', name: '街长旧(测试)', phone: '139-0000-0014', title: '原副区长', from: '2019-01-01', to: '2024-01-01' },
            { duty: 'department', name: '环卫所', from: '2019-01-01', to: '2020-01-01' },
          ],
          categories: { 路灯损坏: '环卫所' },
        },
        line([120.155, 30.26], [120.155, 30.28]),
      ),
      feature(
        { kind: 'street', code: 'S2', name: '体育场路', width_m: 18 },
        { type: 'MultiLineString', coordinates: [[[120.161, 30.265, 12.5], [120.169, 30.265, 12.5]], [[120.161, 30.272], [120.169, 30.272]]] },
      ),
      feature(
        { kind: 'segment', code: 'S1-1', name: '延安路南段', parent: 'S1', chief: { name: '段长戊(测试)', phone: '139-0000-0005' } },
        line([120.155, 30.26], [120.155, 30.27]),
      ),
      feature(
        { kind: 'segment', code: 'S1-2', name: '延安路北段', parent: 'S1', width_m: 20, chief: { name: '段长戊(测试)', phone: '139-0000-0005', role: '路段长' } },
        line([120.155, 30.27], [120.155, 30.28]),
      ),
      feature(
        { kind: 'frontage', code: 'F1', parent: 'S1-1', merchant: { name: '老王面馆(测试)', phone: '137-0000-0001', since: '2024-05-01' } },
        rectangle(120.15516, 30.264, 120.1553, 30.2645),
      ),
      feature(
        { kind: 'frontage', code: 'F2', name: '便利店门前', parent: 'S1', merchant: { name: '便利店(测试)' } },
        rectangle(120.15516, 30.275, 120.1553, 30.2755),
      ),
    ],
  }
}

/** What importing richDistrict() into an empty database creates. */
export const richDistrictCounts = {
  zones: 13,
  // departments: 市政所 环卫所 备用科 城管执法中队; chiefs: 区长甲 书记乙 网格员丙 网格员旧甲 网格员旧乙
  // 街长丁 街长旧 段长戊(段长) 段长戊(路段长); fallbacks: 2; merchants: 2
  parties: 4 + 9 + 2 + 2,
  // current: district 2, subdistrict 2, community 1, grids 1+1+1, S1 2, segments 2, frontages 2; history 4
  assignments: 14 + 4,
  // 路灯损坏 未分派类别 占道经营 垃圾堆放
  categories: 4,
  routes: 4,
}

/** Three OSM ways: 延安路 in two pieces that join, a named footway, an unnamed service road. */
export function osmRoads() {
  const way = (properties: Record<string, unknown>, coordinates: [number, number][]) => ({
    type: 'Feature',
    properties: { oneway: 'B', bridge: 'F', tunnel: 'F', ...properties },
    geometry: { type: 'LineString', coordinates },
  })
  return {
    type: 'FeatureCollection',
    features: [
      way({ osm_id: '1', highway: 'secondary', name: '延安路' }, [[120.158, 30.26], [120.158, 30.27]]),
      way({ osm_id: '2', highway: 'secondary', name: '延安路' }, [[120.158, 30.27], [120.158, 30.28]]),
      way({ osm_id: '3', highway: 'footway', name: '屏风街' }, [[120.1665, 30.2697], [120.1663, 30.2696]]),
      way({ osm_id: '4', highway: 'service', name: null }, [[120.16, 30.27], [120.161, 30.27]]),
    ],
  }
}
