import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCity, type City } from '../../scripts/gen-city/generate.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// A small generated city (2 sub-districts, 6 copies of the template) through the ordinary import,
// then the audit: the only gaps and uncovered streets are the ones its sidecar lists.
let t: TestApp
let city: City

beforeAll(async () => {
  t = await createTestApp({ demo: false })
  city = generateCity({ scale: 0.005, seed: 7 })
})

afterAll(async () => {
  await t?.close()
})

describe('a generated city', () => {
  it('imports through POST /api/import in one piece', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/import', payload: { ...city.head, features: city.features } })
    expect(response.statusCode, response.body.slice(0, 2000)).toBe(201)
    expect(response.json().created.zones).toBe(city.features.length)
  })

  it('passes the coverage audit of each sub-district except at the listed gaps and unsegmented streets', async () => {
    const subdistricts = city.features.filter((feature) => feature.properties.kind === 'subdistrict').map((f) => f.properties.code as string)
    const gaps: { area_m2: number }[] = []
    const uncovered: string[] = []
    for (const code of subdistricts) {
      const response = await t.app.inject({ method: 'GET', url: `/api/coverage/${code}` })
      expect(response.statusCode, code).toBe(200)
      const audit = response.json()
      expect({ code, overlaps: audit.overlaps, spills: audit.spills }).toEqual({ code, overlaps: [], spills: [] })
      gaps.push(...audit.gaps)
      uncovered.push(...audit.uncovered_streets.map((street: { street: string }) => street.street))
      expect(audit.unassigned, code).toEqual([])
    }
    // Each gap is the grid left out: its area as turf measures the left-out grid, within 1 %.
    expect(gaps.length).toBe(city.known.gaps.length)
    const expected = city.known.gaps.map((gap) => gap.areaM2).sort((a, b) => a - b)
    gaps.map((gap) => gap.area_m2).sort((a, b) => a - b).forEach((area, g) => expect(Math.abs(area - expected[g]!) / expected[g]!).toBeLessThan(0.01))
    expect(uncovered.sort()).toEqual(city.known.unsegmentedStreets.map((street) => street.street).sort())
  })

  it('answers a point in a listed gap by fall-back, and a point on an unsegmented street at street level', async () => {
    for (const gap of city.known.gaps) {
      const response = await t.app.inject({ method: 'GET', url: `/api/resolve?lon=${gap.probe[0]}&lat=${gap.probe[1]}` })
      expect(response.statusCode).toBe(200)
      expect(response.json().status, gap.missingGrid).toBe('fallback')
    }
    for (const street of city.known.unsegmentedStreets) {
      const response = await t.app.inject({ method: 'GET', url: `/api/resolve?lon=${street.probe[0]}&lat=${street.probe[1]}` })
      expect(response.statusCode).toBe(200)
      expect(response.json().primary.zone, street.street).toMatchObject({ kind: 'street', code: street.street })
    }
  })
})
