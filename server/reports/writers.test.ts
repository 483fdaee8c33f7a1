import { describe, expect, it } from 'vitest'
import { fixtureReport, fixtureRow, pdfLines, readWorkbook } from '../../tests/api/reports.fixture.js'
import { writeBulletinPdf } from './bulletin-pdf.js'
import { buildRanking } from './ranking.js'
import type { RankedSection, ReportContext } from './report-context.js'
import { publicRankingsHtml, PUBLIC_RANKINGS_CSP } from './public-page.js'
import { RULES_SHEET, writeAssessmentXlsx } from './xlsx-writer.js'

const nov = ['2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'] as const
const oct = ['2026-09-30T16:00:00.000Z', '2026-10-31T16:00:00.000Z'] as const

/** Three grids: 武林 closes 7 of 10 due on time (70 %), 天水 9 of 12 (75 %), and "=1+1 <b>" is a hostile name. */
function sections(): RankedSection[] {
  const current = fixtureReport(...nov, 'grid', [
    fixtureRow('330105003001', '武林网格', 86.25, { received: 12, filed: 11, dispatched: 11, due: 10, closed: 9, closed_on_time: 7, reworked: 1, patrols: 31, patrols_required: 30, mean_handling_hours: 20.5, ratings: 4, mean_rating: 4.5 }),
    fixtureRow('330105003002', '天水网格', 91.5, { received: 15, filed: 15, dispatched: 14, due: 12, closed: 12, closed_on_time: 9, extended: 2, patrols: 25, patrols_required: 30 }),
    fixtureRow('330105003003', '=1+1 <b>网格</b>', 60, { received: 3, filed: 1, dispatched: 1, due: 2, closed: 1, closed_on_time: 0, patrols: 3, patrols_required: 30 }),
  ])
  const previous = fixtureReport(...oct, 'grid', [fixtureRow('330105003001', '武林网格', 95), fixtureRow('330105003002', '天水网格', 80)])
  return [{ by: 'grid', ranking: buildRanking(current, previous, 'score') }]
}

const context: ReportContext = {
  jurisdictionName: '天水街道',
  periodLabel: '2026年11月',
  previousPeriodLabel: '2026年10月',
  rules: [{ indicator: '按期结案率', weight: 30, threshold: '≥ 70.0% 得满分，≤ 40.0% 得 0 分' }],
  rulesVersion: 3,
  generatedAt: new Date('2026-12-01T01:00:00Z'),
}

describe('the Excel export', () => {
  it('opens in SheetJS with every count a number, every rate a number shown as a percentage, and the rules on their own sheet', async () => {
    const workbook = await readWorkbook(await writeAssessmentXlsx(sections(), context))
    expect(workbook.names).toEqual(['网格排行', RULES_SHEET])
    const [header, ...rows] = workbook.sheets['网格排行']!
    const column = (name: string) => header!.findIndex((cell) => cell.value === name)
    expect(rows.map((row) => row[column('名称')]!.value)).toEqual(['天水网格', '武林网格', '=1+1 <b>网格</b>'])
    // A name that looks like a formula is text, not a formula.
    expect(rows[2]![column('名称')]!.type).toBe('s')
    const wulin = rows[1]!
    expect(wulin[column('排名')]!.value).toBe(2)
    expect(wulin[column('上期排名')]!.value).toBe(1)
    expect(wulin[column('名次变化')]!.value).toBe('↓1')
    expect(wulin[column('综合得分')]!).toMatchObject({ value: 86.25, type: 'n' })
    expect(wulin[column('受理')]!).toMatchObject({ value: 12, type: 'n' })
    expect(wulin[column('巡查次数')]!).toMatchObject({ value: 31, type: 'n' })
    // 7 ÷ 10 stored as 0.7, formatted as a percentage.
    expect(wulin[column('按期结案率')]!).toMatchObject({ value: 0.7, type: 'n', format: '0.0%', text: '70.0%' })
    expect(wulin[column('满意度')]!.value).toBe(0.9)
    expect(wulin[column('平均处置时长（小时）')]!.value).toBe(20.5)
    // No cases rated: an empty cell, not 0.
    expect(rows[0]![column('满意度')]!.value).toBeNull()
    const rules = workbook.sheets[RULES_SHEET]!
    expect(rules.find((row) => row[0]!.value === '考核周期')![1]!.value).toBe('2026年11月')
    expect(rules.find((row) => row[0]!.value === '按期结案率')!.map((cell) => cell.value)).toEqual(['按期结案率', 30, '≥ 70.0% 得满分，≤ 40.0% 得 0 分'])
  })
})

describe('the monthly bulletin (PDF)', () => {
  it('holds the title, the period, each row with its rank, score and rates, the best and the worst, and the thresholds', async () => {
    const pages = await pdfLines(await writeBulletinPdf(sections(), context))
    const text = pages.flat()
    expect(text).toContain('天水街道街长制工作月度通报')
    expect(text.some((line) => line.includes('考核周期：2026年11月'))).toBe(true)
    // 天水 91.5, 9 ÷ 12 = 75.0 % on time, 12 ÷ 12 closed, 25 of 30 patrols; up from 2nd to 1st.
    expect(text).toContain('1 | ↑1 | 天水网格 | 330105003002 | 91.5 | — | 75.0% | 100.0% | 25/30')
    expect(text).toContain('2 | ↓1 | 武林网格 | 330105003001 | 86.3 | 90.0% | 70.0% | 90.0% | 31/30')
    expect(text).toContain('3 | 新 | =1+1 <b>网格</b> | 330105003003 | 60.0 | — | 0.0% | 50.0% | 3/30')
    expect(text.some((line) => line.startsWith('表扬：天水网格（91.5）'))).toBe(true)
    expect(text.some((line) => line.startsWith('末位：=1+1 <b>网格</b>（60.0）'))).toBe(true)
    expect(text).toContain('按期结案率：权重 30 分，≥ 70.0% 得满分，≤ 40.0% 得 0 分')
  })
})

describe('the public page', () => {
  it('escapes names and carries no script; its policy allows none', () => {
    const [section] = sections()
    const html = publicRankingsHtml([{ ...section!, shown: ['score', 'on_time_rate'] }], context)
    expect(html).toContain('=1+1 &lt;b&gt;网格&lt;/b&gt;')
    expect(html).not.toContain('<b>')
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('<td class="rank">1</td><td class="up">↑1</td><td class="name">天水网格</td><td>91.5</td><td>75.0%</td>')
    expect(PUBLIC_RANKINGS_CSP).toContain("script-src 'none'")
  })
})
