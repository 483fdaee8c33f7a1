import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * Keyset paging of GET /api/zones (`after`, `next_after`): the editor pages through a city's zones
 * instead of taking the first 10,000 and drawing a partial map. The demo district has a few
 * hundred zones, so pages of 37 make many pages, the last one short.
 */
let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})

afterAll(async () => {
  await t?.close()
})

interface Page {
  features: { id: number; properties: { id: number; kind: string } }[]
  truncated: boolean
  next_after?: number
  total?: number
}

async function get(url: string) {
  return t.app.inject({ method: 'GET', url })
}

async function pageThrough(query: string, size: number): Promise<{ ids: number[]; pages: Page[] }> {
  const ids: number[] = []
  const pages: Page[] = []
  let after: number | undefined = 0
  while (after !== undefined) {
    const response = await get(`/api/zones?${query}&limit=${size}&after=${after}&total=true`)
    expect(response.statusCode, response.body).toBe(200)
    const page = response.json<Page>()
    pages.push(page)
    ids.push(...page.features.map((feature) => feature.id))
    after = page.next_after
    expect(pages.length, 'paging ends').toBeLessThan(1000)
  }
  return { ids, pages }
}

describe('GET /api/zones paged with after', () => {
  it('lists every zone exactly once, in id order, and says how many there are on every page', async () => {
    // The independent count: the table itself.
    const { rows } = await sql<{ id: number }>`SELECT id FROM zone ORDER BY id`.execute(t.handle.db)
    const stored = rows.map((row) => row.id)
    expect(stored.length).toBeGreaterThan(37 * 3)

    const { ids, pages } = await pageThrough('geometry=native', 37)
    expect(new Set(ids).size, 'no zone twice').toBe(ids.length)
    expect(ids).toEqual(stored)
    expect(pages.length).toBe(Math.ceil(stored.length / 37))
    for (const page of pages.slice(0, -1)) {
      expect(page.truncated).toBe(true)
      expect(page.features).toHaveLength(37)
      expect(page.next_after).toBe(page.features[36]!.id)
    }
    const last = pages[pages.length - 1]!
    expect(last.truncated).toBe(false)
    expect(last.next_after).toBeUndefined()
    for (const page of pages) expect(page.total).toBe(stored.length)
  })

  it('pages the same zones the unpaged list gives for a filter', async () => {
    const unpaged = (await get('/api/zones?kind=grid,frontage&limit=50000')).json<Page>()
    expect(unpaged.truncated).toBe(false)
    expect(unpaged.next_after).toBeUndefined()
    expect(unpaged.total, 'counted only when asked').toBeUndefined()
    const { ids, pages } = await pageThrough('kind=grid,frontage', 25)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(unpaged.features.map((feature) => feature.id).sort((a, b) => a - b))
    for (const page of pages) for (const feature of page.features) expect(['grid', 'frontage']).toContain(feature.properties.kind)
    expect(pages[0]!.total).toBe(unpaged.features.length)
  })

  it('starts after the given id, and a page past the last id is empty and complete', async () => {
    const { rows } = await sql<{ id: number }>`SELECT id FROM zone ORDER BY id`.execute(t.handle.db)
    const middle = rows[Math.floor(rows.length / 2)]!.id
    const rest = (await get(`/api/zones?after=${middle}&limit=50000`)).json<Page>()
    expect(rest.features.map((feature) => feature.id)).toEqual(rows.map((row) => row.id).filter((id) => id > middle))
    const beyond = (await get(`/api/zones?after=${rows[rows.length - 1]!.id}`)).json<Page>()
    expect(beyond).toEqual({ type: 'FeatureCollection', features: [], truncated: false })
  })

  it('refuses an after that is not a non-negative id with 400 naming the field', async () => {
    for (const value of ['-1', 'abc', '1.5', '99999999999']) {
      const response = await get(`/api/zones?after=${value}`)
      expect(response.statusCode, value).toBe(400)
      expect(response.json().error.details[0].field, value).toBe('querystring.after')
    }
  })
})
