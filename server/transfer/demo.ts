import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { importFeatureCollection } from './import.service.js'
import { loadDemoCredit } from '../credit/demo-credit.js'
import { loadDemoRosters } from '../rosters/demo-rosters.js'

/**
 * The demo district: 天水街道 of 杭州市拱墅区, built from real OpenStreetMap streets by
 * scripts/build-demo.ts (people and shops fictional; see docs/demo.md). It goes through the same
 * import as any user's file, so the demo is also a standing test of the import.
 */
export const DEMO_FILE = fileURLToPath(new URL('../../data/demo/tianshui.geojson', import.meta.url))

export async function loadDemo(db: Db): Promise<string> {
  const document = JSON.parse(await readFile(DEMO_FILE, 'utf8')) as { features: { properties: { kind: string } }[] }
  const { created } = await importFeatureCollection(db, document)
  await applyDemoCategoryLimits(db)
  // credit helper (issue 11): the demo's 门前三包 cards and points (data/demo/credit.json).
  await loadDemoCredit(db)
  // Rosters (docs/rosters.md): staff, shifts and required patrols of the demo's grids and streets.
  const rosters = await loadDemoRosters(db)
  const byKind = new Map<string, number>()
  for (const feature of document.features) byKind.set(feature.properties.kind, (byKind.get(feature.properties.kind) ?? 0) + 1)
  const count = (kind: string) => byKind.get(kind) ?? 0
  return (
    `天水街道 (杭州市拱墅区): ${count('community')} communities, ${count('grid')} grids, ${count('street')} streets, ` +
    `${count('segment')} segments, ${count('frontage')} frontages; ${created.parties} parties, ${created.routes} category routes; ` +
    `${rosters.staff} rostered staff`
  )
}

/** The demo categories' time limits and conditions (issue 10, deadlines): data/demo/category-limits.json. */
export const DEMO_CATEGORY_LIMITS = fileURLToPath(new URL('../../data/demo/category-limits.json', import.meta.url))

interface DemoCategory {
  name: string
  code: string
  limit: { value: number; unit: string }
  filing_condition: string
  closing_condition: string
}

async function applyDemoCategoryLimits(db: Db): Promise<void> {
  const { categories } = JSON.parse(await readFile(DEMO_CATEGORY_LIMITS, 'utf8')) as { categories: DemoCategory[] }
  for (const c of categories) {
    await sql`
      UPDATE category SET code = ${c.code}, limit_value = ${c.limit.value}, limit_unit = ${c.limit.unit},
             filing_condition = ${c.filing_condition}, closing_condition = ${c.closing_condition}
       WHERE name = ${c.name}`.execute(db)
  }
}

/** Loads the demo district when the database holds no zones; returns a summary, or null. */
export async function loadDemoIfEmpty(db: Db): Promise<string | null> {
  const row = await db.selectFrom('zone').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  if (Number(row.count) > 0) return null
  return loadDemo(db)
}
