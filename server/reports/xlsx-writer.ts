import ExcelJS from 'exceljs'
import { countColumns, indicators, rateColumns, unitLabels } from './indicators.js'
import { rankChangeText, type RankedRow } from './ranking.js'
import type { RankedSection, ReportContext } from './report-context.js'
import { printable } from '../signboards/printable-text.js'

/**
 * The assessment as an Excel workbook (.xlsx): one sheet of ranked rows per unit kind, with
 * Chinese headers, counts as numbers, rates as numbers formatted as percentages (0.725 shows as
 * 72.5 %, so a formula over the column still works), and a sheet 「考核规则」 with the period and
 * the rules. Text that a spreadsheet would run as a formula (= + - @) is stored as text: ExcelJS
 * writes strings as shared strings, never formulas, so a unit named "=1+1" stays words.
 */
export const RULES_SHEET = '考核规则'

export function sheetName(section: RankedSection): string {
  return `${unitLabels[section.by].zh}排行`
}

/** The columns of a ranking sheet, in order: header and the cell of a row. */
export function rankingColumns(section: RankedSection): { header: string; width: number; format?: string; cell(row: RankedRow): string | number | null }[] {
  const sort = indicators[section.ranking.sort]
  return [
    { header: '排名', width: 6, cell: (row) => row.rank },
    { header: '名次变化', width: 9, cell: (row) => rankChangeText(row) },
    { header: '上期排名', width: 9, cell: (row) => row.previous?.rank ?? null },
    { header: '编码', width: 16, cell: (row) => row.code },
    { header: '名称', width: 22, cell: (row) => printable(row.name) },
    { header: '综合得分', width: 9, format: '0.0', cell: (row) => row.score },
    { header: '上期得分', width: 9, format: '0.0', cell: (row) => row.previous?.score ?? null },
    ...(section.ranking.sort === 'score'
      ? []
      : [{ header: `排序指标：${sort.zh}`, width: 14, format: sort.kind === 'rate' ? '0.0%' : sort.kind === 'count' ? '0' : '0.0', cell: (row: RankedRow) => row.value }]),
    ...countColumns.map(([key, zh]) => ({ header: zh, width: 8, format: '0', cell: (row: RankedRow) => row.row[key] })),
    ...rateColumns.map(([key, zh]) => ({ header: zh, width: 10, format: '0.0%', cell: (row: RankedRow) => row.row.rates[key] })),
    { header: '平均处置时长（小时）', width: 12, format: '0.0', cell: (row) => row.row.mean_handling_hours },
    { header: '平均评价（1–5）', width: 10, format: '0.00', cell: (row) => row.row.mean_rating },
  ]
}

export async function writeAssessmentXlsx(sections: readonly RankedSection[], context: ReportContext): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Jiezhang 街长'
  workbook.created = context.generatedAt
  workbook.title = `${context.jurisdictionName}街长制工作考核 ${context.periodLabel}`

  for (const section of sections) {
    const sheet = workbook.addWorksheet(sheetName(section), { views: [{ state: 'frozen', ySplit: 1, xSplit: 5 }] })
    const columns = rankingColumns(section)
    sheet.columns = columns.map((column) => ({ header: column.header, width: column.width, ...(column.format ? { style: { numFmt: column.format } } : {}) }))
    sheet.getRow(1).font = { bold: true }
    for (const row of section.ranking.rows) sheet.addRow(columns.map((column) => column.cell(row)))
  }

  const rules = workbook.addWorksheet(RULES_SHEET)
  rules.columns = [{ width: 22 }, { width: 12 }, { width: 48 }]
  const facts: (string | number)[][] = [
    ['考核单位', context.jurisdictionName],
    ['考核周期', context.periodLabel],
    ['对比周期', context.previousPeriodLabel],
    ['规则版本', context.rulesVersion],
    ['生成时间', context.generatedAt.toISOString()],
    ...sections.map((section) => [`${unitLabels[section.by].zh}排序指标`, indicators[section.ranking.sort].zh]),
    [],
    ['指标', '权重（分）', '达标标准'],
    ...context.rules.map((rule) => [rule.indicator, rule.weight ?? '', rule.threshold]),
  ]
  for (const fact of facts) rules.addRow(fact)
  rules.getRow(facts.length - context.rules.length).font = { bold: true }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
