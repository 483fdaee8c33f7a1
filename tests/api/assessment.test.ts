import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { simulateMonth, type SimulationSummary } from '../../scripts/simulate-month.js'
import { modelAssessment, readRawRows, type ModelRules, type RawRows } from './assessment.fixture.js'

/**
 * The assessment (docs/assessment.md) on a simulated month of the demo district: November 2026,
 * seed 7 (scripts/simulate-month.ts, through the real case service). Every indicator of every
 * unit kind is counted again from the raw rows by a second implementation
 * (assessment.fixture.ts) and must match GET /api/assessment exactly; the period boundary, a
 * parked case and a reworked case are looked at by name.
 */

const NOVEMBER = { from: new Date('2026-11-01T00:00:00+08:00'), to: new Date('2026-12-01T00:00:00+08:00') }
const DECEMBER = { from: new Date('2026-12-01T00:00:00+08:00'), to: new Date('2027-01-01T00:00:00+08:00') }
const units = ['grid', 'street', 'community', 'subdistrict', 'department', 'person'] as const
const counts = [
  'received', 'filed', 'dispatched', 'due', 'closed', 'closed_on_time', 'reworked', 'extended', 'parked', 'found_on_patrol',
  'reported_by_public', 'patrols', 'patrols_required', 'mean_handling_hours', 'ratings', 'mean_rating', 'score',
] as const

interface ApiRow {
  code: string
  zone_id: number | null
  party_id: number | null
  score: number
  score_parts: Record<string, number>
  rates: Record<string, number | null>
  [key: string]: unknown
}

describe('assessment on a simulated month', () => {
  let t: TestApp
  let summary: SimulationSummary
  let raw: RawRows
  let rules: ModelRules & { version: number }
  const auth = {} as Record<'planner.wulinmen' | 'viewer' | 'leader', { authorization: string }>

  const report = async (query: string, headers?: Record<string, string>) => {
    const response = await t.app.inject({ method: 'GET', url: `/api/assessment?${query}`, ...(headers ? { headers } : {}) })
    return { status: response.statusCode, body: response.json() }
  }
  const rowsOf = async (query: string, headers?: Record<string, string>): Promise<Map<string, ApiRow>> => {
    const { status, body } = await report(query, headers)
    expect(status, JSON.stringify(body)).toBe(200)
    return new Map((body.rows as ApiRow[]).map((row) => [row.code, row]))
  }
  const pick = (row: Record<string, unknown>) => Object.fromEntries(['code', ...counts].map((key) => [key, row[key]]))
  const gridOf = (caseId: number) => {
    const grids = new Set(raw.zones.filter((z) => z.kind === 'grid').map((z) => z.id))
    const zone = raw.cases.find((c) => c.id === caseId)!.zone_ids.find((id) => grids.has(id))!
    return raw.zones.find((z) => z.id === zone)!.code
  }

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    for (const login of ['planner.wulinmen', 'viewer', 'leader'] as const) {
      const token = `jz-assessment-${login.replace('.', '-')}-token-0000001`
      await createApiToken(db, (await accountIdByLogin(db, login))!, token, `assessment test: ${login}`)
      auth[login] = { authorization: `Bearer ${token}` }
    }
    summary = await simulateMonth(db, { month: '2026-11', seed: 7 })
    raw = await readRawRows(db)
    rules = (await t.app.inject({ method: 'GET', url: '/api/assessment/rules' })).json()
  }, 300_000)
  afterAll(async () => t?.close())

  it('simulated a month with every kind of outcome', () => {
    for (const outcome of ['on_time', 'late', 'reworked', 'extended', 'parked', 'unparked', 'voided', 'duplicate', 'open', 'handed_back', 'boundary']) {
      expect(summary.named[outcome]?.length ?? 0, outcome).toBeGreaterThan(0)
    }
    expect(summary.named.short_patrol?.length ?? 0).toBeGreaterThan(0)
    expect(summary.patrols).toBeGreaterThan(300)
    expect(raw.cases.filter((c) => c.rating !== null).length).toBeGreaterThan(20)
  })

  for (const by of units) {
    it(`matches a second count from the raw rows, every indicator of every ${by}`, async () => {
      const api = await rowsOf(`period=2026-11&by=${by}`)
      const model = modelAssessment(raw, NOVEMBER.from, NOVEMBER.to, by, rules)
      expect([...api.keys()].sort()).toEqual([...model.keys()].sort())
      expect(api.size).toBeGreaterThan(0)
      for (const [code, expected] of model) expect(pick(api.get(code) ?? { code })).toEqual(expected)
      // The work is really there: cases due and patrols counted somewhere.
      const total = (key: string) => [...model.values()].reduce((sum, row) => sum + Number(row[key as keyof typeof row] ?? 0), 0)
      expect(total('received')).toBeGreaterThan(0)
      if (by !== 'department') expect(total('patrols')).toBeGreaterThan(0)
    })
  }

  it('derives the rates and score parts from the counts (Σ parts = score to within rounding)', async () => {
    for (const row of (await rowsOf('period=2026-11&by=grid')).values()) {
      expect(row.rates.on_time_rate).toBe((row.due as number) > 0 ? (row.closed_on_time as number) / (row.due as number) : null)
      expect(row.rates.patrol_rate).toBe((row.patrols_required as number) > 0 ? (row.patrols as number) / (row.patrols_required as number) : null)
      const sum = Object.values(row.score_parts).reduce((a, b) => a + b, 0)
      expect(Math.abs(sum - row.score)).toBeLessThanOrEqual(0.05)
    }
  })

  it('counts the case reported on 30 November at 16:00 as received in November and due (and closed on time) in December', async () => {
    const id = summary.named.boundary![0]!
    const boundary = raw.cases.find((c) => c.id === id)!
    expect(boundary.created_at).toEqual(new Date('2026-11-30T16:00:00+08:00'))
    expect(boundary.due_at! >= DECEMBER.from).toBe(true)
    expect(boundary.closed_on_time).toBe(true)
    const grid = gridOf(id)
    const november = (await rowsOf('from=2026-11-01&to=2026-12-01&by=grid')).get(grid)!
    const december = (await rowsOf('period=2026-12&by=grid')).get(grid)!
    const modelDecember = modelAssessment(raw, DECEMBER.from, DECEMBER.to, 'grid', rules).get(grid)!
    expect(pick(december)).toEqual(modelDecember)
    // Without the boundary case, December's grid would have one case due and closed on time fewer.
    const withoutIt = { ...raw, cases: raw.cases.filter((c) => c.id !== id) }
    const without = modelAssessment(withoutIt, DECEMBER.from, DECEMBER.to, 'grid', rules).get(grid)!
    expect([december.due, december.closed_on_time]).toEqual([without.due + 1, without.closed_on_time + 1])
    const novemberWithout = modelAssessment(withoutIt, NOVEMBER.from, NOVEMBER.to, 'grid', rules).get(grid)!
    expect([november.received, november.due]).toEqual([novemberWithout.received + 1, novemberWithout.due])
  })

  it('counts a reworked case as reworked among the cases due', async () => {
    const reworked = raw.cases.filter((c) => summary.named.reworked!.includes(c.id) && c.due_at! >= NOVEMBER.from && c.due_at! < NOVEMBER.to)
    expect(reworked.length).toBeGreaterThan(0)
    const one = reworked[0]!
    expect(one.rework_count).toBe(1)
    expect(raw.events.get(one.id)!.has('sent_back')).toBe(true)
    const grid = gridOf(one.id)
    const api = (await rowsOf('period=2026-11&by=grid')).get(grid)!
    const without = modelAssessment({ ...raw, cases: raw.cases.filter((c) => c.id !== one.id) }, NOVEMBER.from, NOVEMBER.to, 'grid', rules).get(grid)!
    expect([api.due, api.reworked]).toEqual([without.due + 1, without.reworked + 1])
  })

  it('leaves a parked case out of due (counted as parked) while the rules say so, and counts it when they do not', async () => {
    const parked = raw.cases.find((c) => summary.named.parked!.includes(c.id) && c.due_at! >= NOVEMBER.from && c.due_at! < NOVEMBER.to)!
    expect(parked).toBeDefined()
    expect(raw.events.get(parked.id)!.has('parked')).toBe(true)
    const grid = gridOf(parked.id)
    const before = (await rowsOf('period=2026-11&by=grid')).get(grid)!
    const without = modelAssessment({ ...raw, cases: raw.cases.filter((c) => c.id !== parked.id) }, NOVEMBER.from, NOVEMBER.to, 'grid', rules).get(grid)!
    expect([before.due, before.parked]).toEqual([without.due, without.parked + 1])

    const put = await t.app.inject({ method: 'PUT', url: '/api/assessment/rules', payload: { version: rules.version, exclude_parked_from_due: false } })
    expect(put.statusCode, put.body).toBe(200)
    try {
      const after = (await rowsOf('period=2026-11&by=grid')).get(grid)!
      const changed = { ...rules, exclude_parked_from_due: false }
      expect(pick(after)).toEqual(modelAssessment(raw, NOVEMBER.from, NOVEMBER.to, 'grid', changed).get(grid))
      expect(after.due).toBe((before.due as number) + (before.parked as number))
      expect(after.parked).toBe(before.parked)
    } finally {
      const back = await t.app.inject({ method: 'PUT', url: '/api/assessment/rules', payload: { version: put.json().version, exclude_parked_from_due: true } })
      expect(back.statusCode).toBe(200)
      rules = back.json()
    }
  })

  it('changes the score as the rules say: only on-time closing weighed, full at 70 %, 0 at 40 %', async () => {
    const zeroed = Object.fromEntries(Object.keys(rules.indicators).map((name) => [name, { weight: 0 }]))
    const put = await t.app.inject({
      method: 'PUT', url: '/api/assessment/rules',
      payload: { version: rules.version, indicators: { ...zeroed, on_time_rate: { weight: 1, threshold: 0.7, floor: 0.4 } } },
    })
    expect(put.statusCode, put.body).toBe(200)
    expect(put.json().version).toBe(rules.version + 1)
    try {
      const { body } = await report('period=2026-11&by=grid')
      expect(body.rules_version).toBe(rules.version + 1)
      let between = 0
      for (const row of body.rows as ApiRow[]) {
        const rate = row.rates.on_time_rate ?? null
        // By hand: the part is 1 at or above 0.7, 0 at or below 0.4, (rate − 0.4) ÷ 0.3 between.
        const expected = rate === null ? 0 : rate >= 0.7 ? 100 : rate <= 0.4 ? 0 : Math.round(((rate - 0.4) / 0.3) * 100 * 100) / 100
        expect(row.score, row.code).toBe(expected)
        if (rate !== null && rate > 0.4 && rate < 0.7) between++
        expect(Object.keys(row.score_parts)).toEqual(rate === null ? [] : ['on_time_rate'])
      }
      expect((body.rows as ApiRow[]).some((row) => row.score === 100)).toBe(true)
      expect(between + (body.rows as ApiRow[]).filter((row) => row.score === 0).length).toBeGreaterThan(0)
    } finally {
      const back = await t.app.inject({ method: 'PUT', url: '/api/assessment/rules', payload: { version: rules.version + 1, indicators: rules.indicators } })
      expect(back.statusCode, back.body).toBe(200)
      rules = back.json()
    }
    const restored = await rowsOf('period=2026-11&by=grid')
    for (const [code, expected] of modelAssessment(raw, NOVEMBER.from, NOVEMBER.to, 'grid', rules)) expect(restored.get(code)!.score).toBe(expected.score)
  })

  it('refuses bad rules naming the field, a stale version with 409, and a planner of one community with 403', async () => {
    const put = (payload: unknown, headers?: Record<string, string>) =>
      t.app.inject({ method: 'PUT', url: '/api/assessment/rules', payload: payload as object, ...(headers ? { headers } : {}) })
    const cases: [unknown, string][] = [
      [{ version: rules.version, indicators: { on_time_rate: { threshold: 1.5 } } }, 'indicators.on_time_rate.threshold'],
      [{ version: rules.version, indicators: { on_time_rate: { weight: -1 } } }, 'indicators.on_time_rate.weight'],
      [{ version: rules.version, indicators: { rework_rate: { threshold: 0.3, floor: 0.2 } } }, 'indicators.rework_rate.floor'],
      [{ version: rules.version, indicators: { speed: { weight: 1 } } }, 'indicators.speed'],
      [{ version: rules.version, indicators: Object.fromEntries(Object.keys(rules.indicators).map((name) => [name, { weight: 0 }])) }, 'indicators'],
      [{ version: rules.version, patrol_min_metres: 'far' }, 'patrol_min_metres'],
      [{ version: rules.version, patrol_channels: ['pigeon'] }, 'patrol_channels'],
      [{ version: rules.version, public_channels: ['patrol'] }, 'public_channels'],
      [{ version: rules.version, exclude_parked_from_due: 'yes' }, 'exclude_parked_from_due'],
    ]
    for (const [payload, field] of cases) {
      const response = await put(payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(response.json().error.details.map((d: { field: string }) => d.field)).toContain(field)
      expect(response.json().error.message).toContain(field)
    }
    expect((await put({ version: rules.version - 1 > 0 ? rules.version - 1 : rules.version + 5, patrol_min_metres: 50 })).statusCode).toBe(409)
    const scoped = await put({ version: rules.version, patrol_min_metres: 50 }, auth['planner.wulinmen'])
    expect(scoped.statusCode).toBe(403)
    expect(scoped.json().error.code).toBe('out_of_scope')
    // Nothing was written.
    expect((await t.app.inject({ method: 'GET', url: '/api/assessment/rules' })).json()).toEqual(rules)
  })

  it('answers a bad query with 400 naming the field', async () => {
    const bad: [string, string][] = [
      ['from=2026-11-01&to=2026-12-01', 'by'],
      ['from=2026-11-01&to=2026-12-01&by=planet', 'by'],
      ['from=2026-11-31&to=2026-12-01&by=grid', 'from'],
      ['from=yesterday&to=2026-12-01&by=grid', 'from'],
      ['from=2026-11-01&by=grid', 'to'],
      ['from=2026-12-01&to=2026-11-01&by=grid', 'to'],
      ['from=2020-01-01&to=2026-12-01&by=grid', 'to'],
      ['period=2026-13&by=grid', 'period'],
      ['period=2026-W54&by=grid', 'period'],
      ['period=2026-Q5&by=grid', 'period'],
      ['period=2026-11&from=2026-11-01&by=grid', 'period'],
    ]
    for (const [query, field] of bad) {
      const { status, body } = await report(query)
      expect(status, query).toBe(400)
      expect(body.error.details.map((d: { field: string }) => d.field), query).toContain(field)
    }
  })

  it('reads the shorthands as Beijing periods: a week Monday to Monday, a quarter, a day, ISO instants', async () => {
    const bounds = async (query: string) => {
      const { status, body } = await report(`${query}&by=subdistrict`)
      expect(status, query).toBe(200)
      return [body.from, body.to]
    }
    // 2026-W48: ISO week 48 of 2026 runs Monday 23 to Sunday 29 November (1 January 2026 is a Thursday, so week 1 starts 29 December 2025).
    expect(await bounds('period=2026-W48')).toEqual(['2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z'])
    expect(await bounds('period=2026-Q4')).toEqual(['2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'])
    expect(await bounds('period=2026-11-05')).toEqual(['2026-11-04T16:00:00.000Z', '2026-11-05T16:00:00.000Z'])
    expect(await bounds('from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z')).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z'])
    // A week's numbers are the same second count over the week.
    const week = await rowsOf('period=2026-W48&by=grid')
    const model = modelAssessment(raw, new Date('2026-11-23T00:00:00+08:00'), new Date('2026-11-30T00:00:00+08:00'), 'grid', rules)
    for (const [code, expected] of model) expect(pick(week.get(code)!)).toEqual(expected)
  })

  it('shows a caller only the units of their scope, and counts people only by what lies in it', async () => {
    const community = raw.zones.find((z) => z.kind === 'community' && z.name === '武林门社区')!
    const scope = new Set<number>()
    const down = [community.id]
    while (down.length) {
      const id = down.pop()!
      scope.add(id)
      for (const z of raw.zones) if (z.parent_id === id) down.push(z.id)
    }
    const grids = await rowsOf('period=2026-11&by=grid', auth['planner.wulinmen'])
    const ownGrids = raw.zones.filter((z) => z.kind === 'grid' && z.parent_id === community.id).map((z) => z.code).sort()
    expect([...grids.keys()].sort()).toEqual(ownGrids)
    expect((await rowsOf('period=2026-11&by=subdistrict', auth['planner.wulinmen'])).size).toBe(0)
    const people = await rowsOf('period=2026-11&by=person', auth['planner.wulinmen'])
    const model = modelAssessment(raw, NOVEMBER.from, NOVEMBER.to, 'person', rules, scope)
    expect([...people.keys()].sort()).toEqual([...model.keys()].sort())
    for (const [code, expected] of model) expect(pick(people.get(code)!)).toEqual(expected)
    expect(people.size).toBeLessThan((await rowsOf('period=2026-11&by=person')).size)
    // A leader (scope all) reads everything; a viewer has no assessment.read.
    expect((await rowsOf('period=2026-11&by=grid', auth.leader)).size).toBe(16)
    const viewer = await report('period=2026-11&by=grid', auth.viewer)
    expect(viewer.status).toBe(403)
  })
})
