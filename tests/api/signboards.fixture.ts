import type { Db } from '../../server/db/database.js'
import { rectangle, seedAssignment, seedCategoryRoute, seedParty, seedZone } from '../helpers/seed.js'

/**
 * A small sub-district around Hangzhou's 体育场路, written straight into the tables so that the
 * signboard tests do not depend on the import path or the demo file: two communities, four unit
 * grids, six streets (one cut into three segments), chiefs, departments and a fall-back party.
 */
export interface SignboardFixture {
  chiefs: { name: string; phone: string }[]
  streetCodes: string[]
}

const line = (...points: [number, number][]) => ({ type: 'LineString', coordinates: points })

export async function seedSignboardDistrict(db: Db): Promise<SignboardFixture> {
  const chiefs: { name: string; phone: string }[] = []
  const chief = async (zone: number, name: string, phone: string, title: string, role: string) => {
    const party = await seedParty(db, { type: 'chief', name, phone, title, role })
    await seedAssignment(db, { zone, party, duty: 'chief' })
    chiefs.push({ name, phone })
  }
  const subdistrict = await seedZone(db, { kind: 'subdistrict', code: 'TS', name: '天水街道', geometry: rectangle(120.158, 30.268, 120.174, 30.282) })
  const wulin = await seedZone(db, { kind: 'community', code: 'TS-WL', name: '武林社区', parent: subdistrict, geometry: rectangle(120.158, 30.268, 120.166, 30.282) })
  const tianjing = await seedZone(db, { kind: 'community', code: 'TS-TJ', name: '天井社区', parent: subdistrict, geometry: rectangle(120.166, 30.268, 120.174, 30.282) })
  const grids = [
    { code: 'TS-G01', name: '武林南网格', parent: wulin, box: [120.158, 30.268, 120.166, 30.275], chief: ['刘芳', '13905710011'] },
    { code: 'TS-G02', name: '武林北网格', parent: wulin, box: [120.158, 30.275, 120.166, 30.282], chief: ['孙伟', '13905710012'] },
    { code: 'TS-G03', name: '天井南网格', parent: tianjing, box: [120.166, 30.268, 120.174, 30.275], chief: ['周静', '13905710013'] },
    { code: 'TS-G04', name: '天井北网格', parent: tianjing, box: [120.166, 30.275, 120.174, 30.282], chief: ['吴磊', '13905710014'] },
  ] as const
  for (const grid of grids) {
    const id = await seedZone(db, { kind: 'grid', code: grid.code, name: grid.name, parent: grid.parent, geometry: rectangle(grid.box[0], grid.box[1], grid.box[2], grid.box[3]) })
    await chief(id, grid.chief[0], grid.chief[1], '社区专职网格员', '网格长')
  }
  await chief(wulin, '黄丽', '0571-87011001', '武林社区党委书记', '社区书记')

  const streets = [
    { code: 'TS-S01', name: '体育场路', width: 30, cls: 'secondary', geometry: line([120.158, 30.2762], [120.162, 30.2764], [120.1655, 30.2766], [120.170, 30.2765], [120.174, 30.2763]) },
    { code: 'TS-S02', name: '中山北路', width: 24, cls: 'secondary', geometry: line([120.1655, 30.268], [120.1652, 30.274], [120.1655, 30.282]) },
    { code: 'TS-S03', name: '延安路', width: 30, cls: 'secondary', geometry: line([120.1605, 30.268], [120.1607, 30.282]) },
    { code: 'TS-S04', name: '凤起路', width: 30, cls: 'secondary', geometry: line([120.158, 30.2705], [120.174, 30.2702]) },
    { code: 'TS-S05', name: '武林路', width: 16, cls: 'tertiary', geometry: line([120.170, 30.2702], [120.1702, 30.282]) },
    { code: 'TS-S06', name: '天水巷', width: 8, cls: 'unclassified', geometry: line([120.1607, 30.2792], [120.1655, 30.2793], [120.170, 30.2790]) },
  ]
  const streetIds: number[] = []
  for (const street of streets) {
    streetIds.push(await seedZone(db, { kind: 'street', code: street.code, name: street.name, parent: subdistrict, geometry: street.geometry, widthM: street.width, streetClass: street.cls }))
  }
  await chief(streetIds[0]!, '王建国', '0571-87001234', '上城区副区长', '街长')
  await chief(streetIds[1]!, '郑海', '0571-87001235', '上城区政协副主席', '街长')
  await chief(streetIds[2]!, '冯涛', '0571-87001236', '上城区人大副主任', '街长')

  const segments = [
    { code: 'TS-S01-1', name: '体育场路（延安路—中山北路）', geometry: line([120.158, 30.2762], [120.162, 30.2764], [120.1655, 30.2766]), chief: ['李明', '13805710001', '区城管局局长'] },
    { code: 'TS-S01-2', name: '体育场路（中山北路—武林路）', geometry: line([120.1655, 30.2766], [120.170, 30.2765]), chief: ['陈晓红', '13805710002', '区市场监管局副局长'] },
    { code: 'TS-S01-3', name: '体育场路（武林路以东）', geometry: line([120.170, 30.2765], [120.174, 30.2763]), chief: ['赵志刚', '13805710003', '区住建局局长'] },
  ] as const
  for (const segment of segments) {
    const id = await seedZone(db, { kind: 'segment', code: segment.code, name: segment.name, parent: streetIds[0]!, geometry: segment.geometry, widthM: 30 })
    await chief(id, segment.chief[0], segment.chief[1], segment.chief[2], '段长')
  }

  const sanitation = await seedParty(db, { type: 'department', name: '上城区环境卫生管理所', phone: '0571-87005678' })
  const enforcement = await seedParty(db, { type: 'department', name: '上城区城管执法中队', phone: '0571-87009999' })
  const traffic = await seedParty(db, { type: 'department', name: '上城交警大队', phone: '0571-87112110' })
  await seedCategoryRoute(db, { zone: subdistrict, category: '垃圾清运', department: sanitation })
  await seedCategoryRoute(db, { zone: subdistrict, category: '占道经营', department: enforcement })
  await seedCategoryRoute(db, { zone: subdistrict, category: '违章停车', department: traffic })
  const fallback = await seedParty(db, { type: 'fallback', name: '天水街道城市物业', phone: '0571-87020000' })
  await seedAssignment(db, { zone: subdistrict, party: fallback, duty: 'fallback' })
  // A chief whose term ended must not appear on the board.
  const former = await seedParty(db, { type: 'chief', name: '钱旧任', phone: '13000000000', role: '街长' })
  await seedAssignment(db, { zone: streetIds[0]!, party: former, duty: 'chief', from: '2018-01-01T00:00:00Z', to: '2019-12-31T00:00:00Z' })

  return { chiefs, streetCodes: streets.map((s) => s.code) }
}
