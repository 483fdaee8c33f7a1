import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { emptyTheDatabase, rectangle, seedZone } from '../helpers/seed.js'

// Robustness issue 13: assignments sent at the same moment. On PostgreSQL they run on several
// pooled connections at once; on PGlite they queue for its one connection, and must pass too.
describe('concurrent assignments', () => {
  let t: TestApp
  let community: number
  const grids: number[] = []

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  beforeEach(async () => {
    const db = t.handle.db
    await emptyTheDatabase(db)
    const district = await seedZone(db, { kind: 'district', code: '330105', geometry: rectangle(120.1, 30.2, 120.3, 30.4) })
    const subdistrict = await seedZone(db, { kind: 'subdistrict', code: '330105003', parent: district, geometry: rectangle(120.14, 30.26, 120.2, 30.3) })
    community = await seedZone(db, { kind: 'community', code: '330105003001', parent: subdistrict, geometry: rectangle(120.15, 30.27, 120.17, 30.29) })
    grids.length = 0
    for (let i = 0; i < 10; i++) {
      const west = 120.15 + i * 0.001
      grids.push(await seedZone(db, { kind: 'grid', code: `3301050030010${i}`, parent: community, geometry: rectangle(west, 30.27, west + 0.001, 30.28) }))
    }
  })
  afterAll(async () => t?.close())

  it('accepts 20 chief changes sent at once without a start, and keeps them as one unbroken history', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.app.inject({ method: 'POST', url: `/api/zones/${community}/assignments`, payload: { duty: 'chief', party: { name: `社区长${i}`, phone: `1380000${String(i).padStart(4, '0')}` } } }),
      ),
    )
    for (const response of responses) expect(response.statusCode, response.body).toBe(201)

    const history = (await t.app.inject({ method: 'GET', url: `/api/zones/${community}/assignments?duty=chief` })).json() as {
      valid_from: string
      valid_to: string | null
    }[]
    expect(history).toHaveLength(20)
    // Oldest first: each term ends exactly where the next begins, and only the last is open.
    const terms = [...history].sort((a, b) => Date.parse(a.valid_from) - Date.parse(b.valid_from))
    for (let i = 0; i < terms.length - 1; i++) {
      expect(Date.parse(terms[i]!.valid_from)).toBeLessThan(Date.parse(terms[i + 1]!.valid_from))
      expect(terms[i]!.valid_to).not.toBeNull()
      expect(Date.parse(terms[i]!.valid_to!)).toBe(Date.parse(terms[i + 1]!.valid_from))
    }
    expect(terms[19]!.valid_to).toBeNull()
  })

  it('creates one party when the same new person is made chief of 10 grids at once', async () => {
    const responses = await Promise.all(
      grids.map((grid) =>
        t.app.inject({ method: 'POST', url: `/api/zones/${grid}/assignments`, payload: { duty: 'chief', party: { name: '钱七', phone: '13800009999' } } }),
      ),
    )
    for (const response of responses) expect(response.statusCode, response.body).toBe(201)
    const partyIds = new Set(responses.map((response) => (response.json() as { party: { id: number } }).party.id))
    expect(partyIds.size).toBe(1)
    const parties = (await t.app.inject({ method: 'GET', url: `/api/parties?type=chief&q=${encodeURIComponent('钱七')}` })).json() as unknown[]
    expect(parties).toHaveLength(1)
  })
})
