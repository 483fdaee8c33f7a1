import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { zoneKinds, zoneKindTable } from '../../server/kernel/zone-kinds.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/** sql/003_zone_kind.sql and server/kernel/zone-kinds.ts hold the same kinds: the two are written by hand, so this compares them. */
describe('the zone_kind table', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  afterAll(async () => t?.close())

  it('holds one row per kind of the kind module, with the same geometry, family and chain order', async () => {
    const rows = await t.handle.db.selectFrom('zone_kind').select(['kind', 'geometry', 'family', 'chain_order']).orderBy('kind').execute()
    const expected = zoneKinds
      .map((kind) => ({ kind, geometry: zoneKindTable[kind].geometry, family: zoneKindTable[kind].family, chain_order: zoneKindTable[kind].chainOrder }))
      .sort((a, b) => (a.kind < b.kind ? -1 : 1))
    expect(rows).toEqual(expected)
  })

  it('is what zone.kind and duty_text.kind refer to, with no list of kinds left in a CHECK', async () => {
    const { rows } = await sql<{ table: string; definition: string }>`
      SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid IN ('zone'::regclass, 'duty_text'::regclass) AND contype IN ('c', 'f')`.execute(t.handle.db)
    const references = rows.filter((row) => row.definition.includes('REFERENCES zone_kind(kind)')).map((row) => row.table).sort()
    expect(references).toEqual(['duty_text', 'zone'])
    expect(rows.filter((row) => /'frontage'|'street'/.test(row.definition))).toEqual([])
  })

  it('refuses a kind the table does not hold, and a line kind without a centre line, as the CHECKs did', async () => {
    const area = sql`ST_Multi(ST_GeomFromText('POLYGON((120 30, 120.01 30, 120.01 30.01, 120 30))', 4326))`
    const insert = (kind: string) =>
      sql`INSERT INTO zone (kind, code, name, area) VALUES (${kind}, 'K1', 'K1', ${area})`.execute(t.handle.db)
    await expect(insert('not_a_kind')).rejects.toMatchObject({ code: '23503' })
    await expect(insert('street')).rejects.toMatchObject({ code: '23514' })
    await expect(insert('grid')).resolves.toBeDefined()
  })
})
