/**
 * Builds the demo district, data/demo/tianshui.geojson, from the real streets of 天水街道 in
 * data/osm/ (© OpenStreetMap contributors, ODbL): `npx tsx scripts/build-demo.ts`. PostGIS does
 * the geometry, in a throwaway in-memory embedded database. The output is committed; loadDemo
 * (server/transfer/demo.ts) imports it. See docs/demo.md.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { connectDatabase } from '../server/db/connect.js'
import { osmRoadsToStreets } from '../server/transfer/osm-roads.js'
import { readingOrder } from './demo/reading-order.js'
import { buildBoundary, buildGrids, finishAreas, loadStreets, type BuiltArea } from './demo/zoning.js'
import { buildFrontages, buildSegments, buildStreets, seededRandom } from './demo/streets.js'
import { categoryRoutes, departments, fallbackOf, lampStreets, People, shopName } from './demo/people.js'

const osmFile = fileURLToPath(new URL('../data/osm/hangzhou_tianshui_jiedao_roads_osm.geojson', import.meta.url))
const outFile = fileURLToPath(new URL('../data/demo/tianshui.geojson', import.meta.url))

const DISTRICT = { code: '330105', name: '杭州市拱墅区' }
const SUBDISTRICT = { code: '330105003', name: '天水街道' }
const COMMUNITY_NAMES = ['武林门社区', '天水社区', '仓河下社区', '岳王社区']
const BOUNDARY_STREETS = ['环城北路', '中河北路', '中河高架', '凤起路', '武林路']
const COMMUNITY_CUTS = ['体育场路', '延安路', '中山北路']
/** Every inner street and alley; those that end inside a block simply do not cut it. */
const GRID_CUTS = [
  '天水巷', '展览西路', '展览东路', '耶稣堂弄', '百井坊巷', '屏风街', '狮虎桥路', '万寿亭街', '戒坛寺弄',
  '同丰弄', '玄坛弄', '后营弄', '余官巷', '茶叶弄', '灯芯巷', '武林桥河下', '凤起桥河下',
]
/** The viaduct above 中河北路: its ground is 中河北路's, which already has a chief. */
const NOT_STREETS = ['中河高架']
const SHOPS = 240
const SINCE = '2024-01-01T00:00:00+08:00'

type Feature = { type: 'Feature'; properties: Record<string, unknown>; geometry: unknown }

async function main(): Promise<void> {
  const osm = JSON.parse(readFileSync(osmFile, 'utf8'))
  // Named service ways are the alleys (巷, 弄) of the old town: they get a chief of their own too.
  const streets = osmRoadsToStreets(osm).features
  const known = new Set(streets.map((street) => street.properties.name))
  const alleys = osmRoadsToStreets(osm, { include: ['service'] }).features.filter((street) => !known.has(street.properties.name))

  const handle = await connectDatabase({})
  try {
    await handle.execScript('CREATE EXTENSION IF NOT EXISTS postgis;')
    const db = handle.db
    await loadStreets(db, [...streets, ...alleys], new Set(alleys.map((alley) => alley.properties.name)))
    const boundary = await buildBoundary(db, BOUNDARY_STREETS)
    const cut = await buildGrids(db, { communityCuts: COMMUNITY_CUTS, gridCuts: GRID_CUTS, communities: 4, gridsPerCommunity: 4 })
    const areas = await finishAreas(db)
    const demoStreets = await buildStreets(db, { exclude: NOT_STREETS, minLengthM: 100 })
    const segments = await buildSegments(db, demoStreets)
    const frontages = await buildFrontages(db, demoStreets, SHOPS, seededRandom(20240101))
    console.log(
      `sub-district ${Math.round(boundary.areaM2)} m² (closed by the data's bbox: ${boundary.closedByBbox}); ` +
        `${cut.blocks} blocks, ${cut.halved} halved; ${demoStreets.length} streets, ${segments.length} segments, ${frontages.length} frontages`,
    )

    const people = new People()
    const features: Feature[] = []
    const feature = (properties: Record<string, unknown>, geometry: unknown) => features.push({ type: 'Feature', properties, geometry })

    feature(
      { kind: 'district', ...DISTRICT, chief: { ...people.person('拱墅区区长', '区长'), since: SINCE }, fallback: { ...fallbackOf.district, since: SINCE } },
      areas.subdistrict.geometry,
    )
    feature(
      {
        kind: 'subdistrict', ...SUBDISTRICT, parent: DISTRICT.code,
        chief: { ...people.person('天水街道办事处主任', '街道主任'), since: SINCE },
        fallback: { ...fallbackOf.subdistrict, since: SINCE },
        categories: Object.fromEntries(Object.entries(categoryRoutes).map(([category, department]) => [category, department.name])),
      },
      areas.subdistrict.geometry,
    )
    const communities = readingOrder(areas.communities)
    const gridsByRegion = new Map<number, BuiltArea[]>()
    for (const grid of areas.grids) gridsByRegion.set(grid.region!, [...(gridsByRegion.get(grid.region!) ?? []), grid])
    communities.forEach((community, c) => {
      const name = COMMUNITY_NAMES[c]!
      const code = `${SUBDISTRICT.code}${String(c + 1).padStart(3, '0')}`
      feature(
        {
          kind: 'community', code, name, parent: SUBDISTRICT.code,
          chief: { ...people.person(`${name}党委书记`, '社区书记'), since: SINCE },
          fallback: { ...fallbackOf.community(name, c), since: SINCE },
        },
        community.geometry,
      )
      readingOrder(gridsByRegion.get(community.region!)!).forEach((grid, g) => {
        feature(
          {
            kind: 'grid', code: `${code}${String(g + 1).padStart(2, '0')}`, name: `${name.replace(/社区$/, '')}第${g + 1}网格`, parent: code,
            chief: { ...people.person('天水街道专职网格员', '网格长'), since: SINCE },
            department: departments.grid.name,
          },
          grid.geometry,
        )
      })
    })

    const streetCodes = new Map<string, string>()
    demoStreets.forEach((street, s) => {
      const code = `${SUBDISTRICT.code}J${String(s + 1).padStart(2, '0')}`
      streetCodes.set(street.name, code)
      const alley = street.alley || /[巷弄]$/.test(street.name)
      const chief = people.person(alley ? '天水街道副主任' : '拱墅区副区长', alley ? '巷长' : '街长')
      const properties: Record<string, unknown> = {
        kind: 'street', code, name: street.name, parent: SUBDISTRICT.code, street_class: street.streetClass, width_m: street.widthM,
        chief: { ...chief, since: SINCE }, department: departments.enforcement.name,
      }
      if (lampStreets.includes(street.name)) properties.categories = { 路灯损坏: departments.lamps.name }
      // One street changed chief, so that "who was in charge on a past date" has a different answer.
      if (s === 0) {
        const before = people.person('拱墅区副区长', '街长')
        properties.history = [{ duty: 'chief', ...before, from: '2021-03-01T00:00:00+08:00', to: SINCE }]
      }
      feature(properties, street.geometry)
    })
    const segmentTitles = ['区城管执法局副局长', '区环卫所所长', '交警拱墅大队副大队长', '区市场监管局副局长', '天水街道城管科科长']
    const segmentCodes = new Map<string, string>()
    segments.forEach((segment, s) => {
      const streetCode = streetCodes.get(segment.street)!
      const code = `${streetCode}-${String(segment.sequence).padStart(2, '0')}`
      segmentCodes.set(`${segment.street}|${segment.sequence}`, code)
      const street = demoStreets.find((candidate) => candidate.name === segment.street)!
      feature(
        {
          kind: 'segment', code, name: segment.name, parent: streetCode, street_class: street.streetClass, width_m: street.widthM,
          chief: { ...people.person(segmentTitles[s % segmentTitles.length]!, '段长'), since: SINCE },
          department: departments.sanitation.name,
        },
        segment.geometry,
      )
    })
    frontages.forEach((frontage, f) => {
      const merchant = shopName(f)
      feature(
        {
          kind: 'frontage', code: `${SUBDISTRICT.code}MQ${String(f + 1).padStart(4, '0')}`, name: merchant.name,
          parent: segmentCodes.get(`${frontage.street}|${frontage.segment}`), parent_kind: 'segment',
          merchant: { ...merchant, since: SINCE },
        },
        frontage.geometry,
      )
    })

    const document = {
      type: 'FeatureCollection',
      name: '天水街道 demo (fictional people and shops; streets © OpenStreetMap contributors, ODbL 1.0)',
      attribution: '© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)',
      departments: Object.values(departments),
      categories: Object.keys(categoryRoutes),
      features,
    }
    // One feature a line: small diffs when the demo is rebuilt.
    const { features: _, ...head } = document
    const text = `${JSON.stringify(head).slice(0, -1)},"features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`
    writeFileSync(outFile, text)
    console.log(`wrote ${outFile}: ${features.length} features, ${(text.length / 1024).toFixed(0)} KiB`)
  } finally {
    await handle.close()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
