import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { pdfLines, readWorkbook } from './reports.fixture.js'

/**
 * Rankings and reports over the real assessment (issue 11, item 4): patrols are written straight
 * into patrol and patrol_credit (as a stopped patrol leaves them), so the expected counts are
 * known here; the rankings, the Excel workbook, the PDF and the public page must show them.
 */
interface RankedRow {
  rank: number | null
  code: string
  name: string
  zone_id: number | null
  value: number | null
  score: number
  previous: { rank: number | null; value: number | null; score: number } | null
  rank_change: number | null
  value_change: number | null
  row: Record<string, unknown> & { rates: Record<string, number | null>; patrols: number; patrols_required: number; score: number }
}
interface Ranking { from: string; to: string; previous_from: string; previous_to: string; rows: RankedRow[] }

describe('rankings and reports', () => {
  let t: TestApp
  let grids: { id: number; code: string; name: string }[]
  const scopedToken = 'jz-reports-token-wulinmen-planner-0001'
  const viewerToken = 'jz-reports-token-demo-viewer-000000001'

  /** A stopped patrol of a grid worker credited 600 m and 15 minutes in the grid (well over the rules' minimum). */
  async function patrolOn(zoneId: number, startedAt: string): Promise<void> {
    const { rows } = await sql<{ id: number }>`
      INSERT INTO patrol (role, source, state, started_at, ended_at, distance_m, walking_s)
      VALUES ('grid_worker', 'batch', 'done', ${startedAt}::timestamptz, ${startedAt}::timestamptz + interval '20 minutes', 600, 900)
      RETURNING id`.execute(t.handle.db)
    await sql`
      INSERT INTO patrol_credit (patrol_id, zone_id, zone_kind, zone_code, seconds, metres, first_at, last_at)
      SELECT ${rows[0]!.id}, id, kind, code, 900, 600, ${startedAt}::timestamptz, ${startedAt}::timestamptz + interval '15 minutes' FROM zone WHERE id = ${zoneId}`.execute(t.handle.db)
  }

  const ranking = async (query: string, headers: Record<string, string> = {}) => {
    const response = await t.app.inject({ method: 'GET', url: `/api/assessment/ranking?${query}`, headers })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as Ranking
  }

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    grids = (await sql<{ id: number; code: string; name: string }>`SELECT id, code, name FROM zone WHERE kind = 'grid' ORDER BY code LIMIT 3`.execute(db)).rows
    expect(grids).toHaveLength(3)
    const [a, b, c] = grids as [typeof grids[number], typeof grids[number], typeof grids[number]]
    // November 2026 (Beijing): A 3, B 3, C 1. October: C 5, A 1, B none. (Times in Beijing, UTC+8.)
    for (const day of ['03', '10', '17']) await patrolOn(a.id, `2026-11-${day}T09:00:00+08:00`)
    for (const day of ['04', '11', '18']) await patrolOn(b.id, `2026-11-${day}T09:00:00+08:00`)
    await patrolOn(c.id, '2026-11-05T09:00:00+08:00')
    // On the boundary: 1 December 00:00 Beijing is December, not November; 31 October 23:59 is October.
    await patrolOn(c.id, '2026-12-01T00:00:00+08:00')
    for (const day of ['01', '08', '15', '22']) await patrolOn(c.id, `2026-10-${day}T09:00:00+08:00`)
    await patrolOn(c.id, '2026-10-31T23:59:00+08:00')
    await patrolOn(a.id, '2026-10-09T09:00:00+08:00')
    await createApiToken(db, (await accountIdByLogin(db, 'planner.wulinmen'))!, scopedToken, 'reports: 武林门社区 planner')
    await createApiToken(db, (await accountIdByLogin(db, 'viewer'))!, viewerToken, 'reports: viewer')
  })
  afterAll(async () => t?.close())

  it('ranks grids by patrols: A and B tie at 1, C is 3rd, the grids without a patrol share the next rank; each with its place in October', async () => {
    const answer = await ranking('period=2026-11&by=grid&sort=patrols')
    const [a, b, c] = grids as [typeof grids[number], typeof grids[number], typeof grids[number]]
    expect(answer.from).toBe('2026-10-31T16:00:00.000Z')
    expect(answer.previous_from).toBe('2026-09-30T16:00:00.000Z')
    expect(answer.previous_to).toBe('2026-10-31T16:00:00.000Z')
    const byCode = new Map(answer.rows.map((row) => [row.code, row]))
    expect(answer.rows.slice(0, 3).map((row) => [row.code, row.rank, row.value])).toEqual([[a.code, 1, 3], [b.code, 1, 3], [c.code, 3, 1]])
    // October: C 5 (1st), A 1 (2nd), B and every other grid 0 (3rd, shared).
    expect(byCode.get(c.code)).toMatchObject({ previous: { rank: 1, value: 5 }, rank_change: -2, value_change: -4 })
    expect(byCode.get(a.code)).toMatchObject({ previous: { rank: 2, value: 1 }, rank_change: 1, value_change: 2 })
    expect(byCode.get(b.code)).toMatchObject({ previous: { rank: 3, value: 0 }, rank_change: 2, value_change: 3 })
    const rest = answer.rows.slice(3)
    expect(rest.length).toBeGreaterThan(0)
    for (const row of rest) expect(row).toMatchObject({ rank: 4, value: 0, previous: { rank: 3 } })
    // The row is the assessment's own: the count ranked by is its patrols.
    expect(byCode.get(a.code)!.row.patrols).toBe(3)
  })

  it('compares a week with the week before (same length), and a custom range with the range of the same length before it', async () => {
    const [a, , c] = grids as [typeof grids[number], typeof grids[number], typeof grids[number]]
    // 2026-W45 is Monday 2 to Monday 9 November: A on the 3rd, C on the 5th; the week before (26 Oct – 2 Nov) holds C's 31 October patrol.
    const week = await ranking('period=2026-W45&by=grid&sort=patrols')
    expect(week.previous_from).toBe('2026-10-25T16:00:00.000Z')
    const rows = new Map(week.rows.map((row) => [row.code, row]))
    expect(rows.get(a.code)).toMatchObject({ value: 1, previous: { value: 0 } })
    expect(rows.get(c.code)).toMatchObject({ value: 1, previous: { value: 1 } })
    const custom = await ranking('from=2026-11-01&to=2026-11-11&by=grid&sort=patrols')
    expect(custom.previous_from).toBe('2026-10-21T16:00:00.000Z')
    expect(custom.previous_to).toBe('2026-10-31T16:00:00.000Z')
  })

  it('ranks only the units in the caller’s scope', async () => {
    const answer = await ranking('period=2026-11&by=grid', { authorization: `Bearer ${scopedToken}` })
    expect(answer.rows.length).toBeGreaterThan(0)
    for (const row of answer.rows) expect(row.code.startsWith('330105003001')).toBe(true)
  })

  it('refuses a bad query with 400 naming the field, and a caller without assessment.read with 403', async () => {
    const cases: [string, string][] = [
      ['period=2026-11&by=planet', 'by'],
      ['period=2026-11', 'by'],
      ['period=2026-11&by=grid,street', 'by'],
      ['period=2026-13&by=grid', 'period'],
      ['from=2026-11-10&to=2026-11-01&by=grid', 'to'],
      ['by=grid', 'from'],
      ['period=2026-11&by=grid&sort=luck', 'sort'],
    ]
    for (const [query, field] of cases) {
      const response = await t.app.inject({ method: 'GET', url: `/api/assessment/ranking?${query}` })
      expect(response.statusCode, query).toBe(400)
      expect(response.json().error.details.map((detail: { field: string }) => detail.field), query).toContain(field)
    }
    const twice = await t.app.inject({ method: 'GET', url: '/api/assessment/export.xlsx?period=2026-11&by=grid,grid' })
    expect(twice.statusCode).toBe(400)
    expect(twice.json().error.details[0].field).toBe('by')
    const nobody = await t.app.inject({ method: 'GET', url: '/api/assessment/ranking?period=2026-11&by=grid', headers: { authorization: undefined } })
    expect(nobody.statusCode).toBe(401)
    // The demo viewer reads zones but not the assessment.
    const viewer = await t.app.inject({ method: 'GET', url: '/api/assessment/export.xlsx?period=2026-11&by=grid', headers: { authorization: `Bearer ${viewerToken}` } })
    expect(viewer.statusCode).toBe(403)
    expect(viewer.json().error.details.permission).toBe('assessment.read')
  })

  it('exports an .xlsx that SheetJS opens, with every number of the ranking JSON in its cell, and records the export', async () => {
    const json = await ranking('period=2026-11&by=grid&sort=patrols')
    const response = await t.app.inject({ method: 'GET', url: '/api/assessment/export.xlsx?period=2026-11&by=grid&sort=patrols' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('spreadsheetml')
    expect(String(response.headers['content-disposition'])).toContain('.xlsx')
    const workbook = await readWorkbook(response.rawPayload)
    expect(workbook.names).toEqual(['网格排行', '考核规则'])
    const [header, ...rows] = workbook.sheets['网格排行']!
    const col = (name: string) => {
      const index = header!.findIndex((cell) => cell.value === name)
      expect(index, name).toBeGreaterThanOrEqual(0)
      return index
    }
    expect(rows).toHaveLength(json.rows.length)
    const counts = ['受理', '立案', '派遣', '应结', '结案', '按期结案', '返工', '延期', '挂账', '巡查发现', '公众举报', '巡查次数', '应巡查次数', '评价数']
    const countKeys = ['received', 'filed', 'dispatched', 'due', 'closed', 'closed_on_time', 'reworked', 'extended', 'parked', 'found_on_patrol', 'reported_by_public', 'patrols', 'patrols_required', 'ratings']
    const rates = ['立案率', '派遣率', '结案率', '按期结案率', '返工率', '延期率', '巡查完成率', '满意度']
    const rateKeys = ['filing_rate', 'dispatch_rate', 'closing_rate', 'on_time_rate', 'rework_rate', 'extension_rate', 'patrol_rate', 'satisfaction']
    json.rows.forEach((expected, index) => {
      const row = rows[index]!
      expect(row[col('编码')]!.value).toBe(expected.code)
      expect(row[col('名称')]!.value).toBe(expected.name)
      expect(row[col('排名')]!.value).toBe(expected.rank)
      expect(row[col('上期排名')]!.value).toBe(expected.previous?.rank ?? null)
      expect(row[col('综合得分')]!).toMatchObject({ value: expected.score, type: 'n' })
      expect(row[col('排序指标：巡查次数')]!.value).toBe(expected.value)
      counts.forEach((name, i) => expect(row[col(name)]!, `${expected.code} ${name}`).toMatchObject({ value: expected.row[countKeys[i]!], type: 'n' }))
      rates.forEach((name, i) => {
        const value = expected.row.rates[rateKeys[i]!] ?? null
        expect(row[col(name)]!.value, `${expected.code} ${name}`).toBe(value)
        if (value !== null) expect(row[col(name)]!.format).toBe('0.0%')
      })
    })
    const rules = workbook.sheets['考核规则']!
    expect(rules.find((row) => row[0]!.value === '考核周期')![1]!.value).toBe('2026年11月')
    expect(rules.find((row) => row[0]!.value === '对比周期')![1]!.value).toBe('2026年10月')
    expect(rules.some((row) => row[0]!.value === '按期结案率' && typeof row[1]!.value === 'number')).toBe(true)
    const { rows: audit } = await sql<{ action: string; login: string }>`
      SELECT action, login FROM audit_event WHERE path = '/api/assessment/export.xlsx?period=2026-11&by=grid&sort=patrols' AND outcome = 'ok'`.execute(t.handle.db)
    expect(audit.map((event) => event.action)).toEqual(['assessment.export'])
  })

  it('prints the monthly bulletin whose text, read back with pdfjs, holds the title, each grid’s rank, score and patrols, and the thresholds', async () => {
    const json = await ranking('period=2026-11&by=grid&sort=patrols')
    const response = await t.app.inject({ method: 'GET', url: '/api/assessment/report.pdf?period=2026-11&by=grid&sort=patrols' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    const lines = (await pdfLines(response.rawPayload)).flat()
    expect(lines.some((line) => /^.+街长制工作月度通报$/.test(line))).toBe(true)
    expect(lines.some((line) => line.includes('考核周期：2026年11月'))).toBe(true)
    const [a, b, c] = grids as [typeof grids[number], typeof grids[number], typeof grids[number]]
    for (const [grid, rank, change] of [[a, 1, '↑1'], [b, 1, '↑2'], [c, 3, '↓2']] as const) {
      const row = json.rows.find((entry) => entry.code === grid.code)!
      const line = lines.find((text) => text.includes(` | ${grid.code} | `))
      expect(line, grid.code).toBeDefined()
      const cells = line!.split(' | ')
      expect(cells.slice(0, 2)).toEqual([String(rank), change])
      expect(cells[4]).toBe(row.score.toFixed(1))
      expect(cells.at(-1)).toBe(`${row.row.patrols}/${row.row.patrols_required}`)
    }
    expect(lines.some((line) => line.startsWith(`表扬：${a.name}（3）、${b.name}（3）`))).toBe(true)
    expect(lines.some((line) => /^按期结案率：权重 \d+(\.\d+)? 分，≥ \d+\.\d% 得满分/.test(line))).toBe(true)
    const { rows: audit } = await sql<{ action: string }>`SELECT action FROM audit_event WHERE path LIKE '/api/assessment/report.pdf%' AND outcome = 'ok'`.execute(t.handle.db)
    expect(audit.map((event) => event.action)).toEqual(['assessment.report'])
  })

  it('serves the public page only when published: 404 page when off, then the chosen ranking, escaped, without script', async () => {
    const anonymous = { authorization: undefined }
    const off = await t.app.inject({ method: 'GET', url: '/p/rankings', headers: anonymous })
    expect(off.statusCode).toBe(404)
    expect(off.headers['content-type']).toContain('text/html')
    expect(off.body).toContain('暂未公布')

    const current = (await t.app.inject({ method: 'GET', url: '/api/assessment/publication' })).json()
    expect(current.enabled).toBe(false)
    const bad = await t.app.inject({ method: 'PUT', url: '/api/assessment/publication', payload: { version: current.version, units: ['grid', 'person'], indicators: ['luck'] } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.details.map((d: { field: string }) => d.field)).toEqual(['units[1]', 'indicators[0]'])
    // Nothing was written by the refused change.
    expect((await t.app.inject({ method: 'GET', url: '/api/assessment/publication' })).json().version).toBe(current.version)
    const stale = await t.app.inject({ method: 'PUT', url: '/api/assessment/publication', payload: { version: current.version + 5, enabled: true } })
    expect(stale.statusCode).toBe(409)

    const put = await t.app.inject({
      method: 'PUT', url: '/api/assessment/publication',
      payload: { version: current.version, enabled: true, units: ['grid'], sort: 'patrols', indicators: ['patrols'], title_name: '天水街道' },
    })
    expect(put.statusCode, put.body).toBe(200)
    expect(put.json()).toMatchObject({ enabled: true, units: ['grid'], sort: 'patrols', version: current.version + 1 })

    // A hostile name, and patrols in the last whole month (Beijing time) for it, whenever the test runs.
    const [a] = grids as [typeof grids[number]]
    await sql`UPDATE zone SET name = ${'<script>alert(1)</script>网格'} WHERE id = ${a.id}`.execute(t.handle.db)
    const beijingNow = new Date(Date.now() + 8 * 3600 * 1000)
    const midLastMonth = new Date(Date.UTC(beijingNow.getUTCFullYear(), beijingNow.getUTCMonth() - 1, 15, 1))
    for (let i = 0; i < 6; i++) await patrolOn(a.id, new Date(midLastMonth.getTime() + i * 3600_000).toISOString())
    const month = midLastMonth.toISOString().slice(0, 7)

    const page = await t.app.inject({ method: 'GET', url: '/p/rankings', headers: anonymous })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-security-policy']).toContain("script-src 'none'")
    expect(page.body).not.toMatch(/<script/i)
    expect(page.body).toContain('天水街道街长制考核排行榜')
    // The same row as the ranking API gives for that month, sorted by patrols (six at least: first).
    const json = await ranking(`period=${month}&by=grid&sort=patrols`)
    const row = json.rows.find((entry) => entry.code === a.code)!
    expect(row.rank).toBe(1)
    const change = row.previous === null ? '<td>新</td>' : row.rank_change! > 0 ? `<td class="up">↑${row.rank_change}</td>` : row.rank_change! < 0 ? `<td class="down">↓${-row.rank_change!}</td>` : '<td>—</td>'
    expect(page.body).toContain(`<td class="rank">1</td>${change}<td class="name">&lt;script&gt;alert(1)&lt;/script&gt;网格</td><td>${row.value}</td></tr>`)
    // Only what is published: no score column.
    expect(page.body).not.toContain('综合得分')
    const { rows: audit } = await sql<{ action: string; outcome: string }>`
      SELECT action, outcome FROM audit_event WHERE route = '/api/assessment/publication' ORDER BY id`.execute(t.handle.db)
    expect(audit.map((event) => event.outcome)).toEqual(['refused', 'refused', 'ok'])
    expect(new Set(audit.map((event) => event.action))).toEqual(new Set(['assessment_publication.update']))
  })
})
