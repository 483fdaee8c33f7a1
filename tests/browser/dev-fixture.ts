import type { Db } from '../../server/db/database.js'
import { rectangle, seedAssignment, seedParty, seedZone } from '../helpers/seed.js'

/**
 * A small district for working on the client while the demo is not there yet (JZ_BROWSER_FIXTURE=1).
 * The browser tests themselves run on the demo district.
 */
export async function seedDevelopmentFixture(db: Db): Promise<void> {
  const district = await seedZone(db, { kind: 'district', code: '330106', name: '西湖区', geometry: rectangle(120.14, 30.26, 120.18, 30.3) })
  const subdistrict = await seedZone(db, { kind: 'subdistrict', code: '330106001', name: '天水街道', parent: district, geometry: rectangle(120.15, 30.27, 120.17, 30.29) })
  const west = await seedZone(db, { kind: 'community', code: '330106001001', name: '西社区', parent: subdistrict, geometry: rectangle(120.15, 30.27, 120.16, 30.29) })
  const east = await seedZone(db, { kind: 'community', code: '330106001002', name: '东社区', parent: subdistrict, geometry: rectangle(120.16, 30.27, 120.17, 30.29) })
  const fallback = await seedParty(db, { type: 'fallback', name: '城市物业公司', phone: '0571-1000' })
  await seedAssignment(db, { zone: subdistrict, party: fallback, duty: 'fallback' })
  let n = 0
  for (const [community, west0] of [[west, 120.15], [east, 120.16]] as const) {
    for (let row = 0; row < 2; row++) {
      for (let col = 0; col < 2; col++) {
        n++
        const grid = await seedZone(db, {
          kind: 'grid',
          code: `${community === west ? '330106001001' : '330106001002'}0${row * 2 + col + 1}`,
          name: `网格${n}`,
          parent: community,
          geometry: rectangle(west0 + col * 0.005, 30.28 - row * 0.01, west0 + (col + 1) * 0.005, 30.29 - row * 0.01),
        })
        if (n !== 4) {
          const chief = await seedParty(db, { type: 'chief', name: `网格长${n}`, phone: `1380000000${n}`, role: '网格长' })
          await seedAssignment(db, { zone: grid, party: chief, duty: 'chief' })
        }
      }
    }
  }
  const streetChief = await seedParty(db, { type: 'chief', name: '王街长', phone: '13900000001', role: '街长', title: '副区长' })
  const street = await seedZone(db, { kind: 'street', code: 'S001', name: '体育场路', parent: subdistrict, geometry: { type: 'LineString', coordinates: [[120.15, 30.2801], [120.17, 30.2801]] }, widthM: 20 })
  await seedAssignment(db, { zone: street, party: streetChief, duty: 'chief' })
  await seedZone(db, { kind: 'street', code: 'S002', name: '延安路', parent: subdistrict, geometry: { type: 'LineString', coordinates: [[120.1601, 30.27], [120.1601, 30.29]] }, widthM: 16 })
}
