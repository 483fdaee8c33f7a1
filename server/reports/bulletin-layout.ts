import { fitText, wrapText, type Drawing, type MeasureText, type Shape } from '../signboards/drawing.js'
import { formatValue, indicators, unitLabels, type IndicatorKey } from './indicators.js'
import { rankChangeText, type RankedRow } from './ranking.js'
import type { RankedSection, ReportContext } from './report-context.js'

/**
 * The monthly bulletin (月度通报) on A4 portrait pages, drawn into the signboards' display list
 * (server/signboards/drawing.ts) in millimetres, so the signboards' PDF writer prints it with the
 * same embedded Chinese font, colours and real, searchable text: the title band, the period, a
 * ranked table per unit kind (its header repeated on each page it runs over), the best and the
 * worst of each, and the rules' weights and thresholds. Pure: the caller measures with the font.
 */
const PAGE_WIDTH = 210
const PAGE_HEIGHT = 297
const LEFT = 15
const RIGHT = PAGE_WIDTH - 15
const BOTTOM = PAGE_HEIGHT - 18
const BRAND = '#0b4ea2'
const ACCENT = '#c8102e'
const INK = '#1d1d1f'
const MUTED = '#5f6368'
const RULE = '#c9d3e3'
const STRIPE = '#f1f5fb'
const UP = '#1b7f3b'

const ROW_HEIGHT = 5.6
const TEXT_SIZE = 3.1

export function bulletinTitle(context: ReportContext): string {
  return `${context.jurisdictionName}街长制工作月度通报`
}

interface Column {
  header: string
  width: number
  align: 'start' | 'end' | 'middle'
  cell(row: RankedRow): string
}

/** The table's columns: rank and its change, the unit, the score, the indicator sorted by, and the headline rates. */
export function bulletinColumns(sort: IndicatorKey): Column[] {
  const rate = (key: 'on_time_rate' | 'closing_rate' | 'satisfaction') => (row: RankedRow) => formatValue('rate', row.row.rates[key])
  const sorted = indicators[sort]
  const extra: Column = sort === 'score' || sort === 'on_time_rate' || sort === 'closing_rate'
    ? { header: '满意度', width: 18, align: 'end', cell: rate('satisfaction') }
    : { header: sorted.zh.replace('（小时）', ''), width: 18, align: 'end', cell: (row) => formatValue(sorted.kind, row.value) }
  return [
    { header: '排名', width: 10, align: 'middle', cell: (row) => (row.rank === null ? '—' : String(row.rank)) },
    { header: '变化', width: 11, align: 'middle', cell: (row) => rankChangeText(row) },
    { header: '名称', width: 44, align: 'start', cell: (row) => row.name },
    { header: '编码', width: 28, align: 'start', cell: (row) => row.code },
    { header: '得分', width: 15, align: 'end', cell: (row) => formatValue('score', row.score) },
    extra,
    { header: '按期结案率', width: 19, align: 'end', cell: rate('on_time_rate') },
    { header: '结案率', width: 16, align: 'end', cell: rate('closing_rate') },
    { header: '巡查', width: 19, align: 'end', cell: (row) => `${row.row.patrols}/${row.row.patrols_required}` },
  ]
}

class Pages {
  readonly pages: Shape[][] = []
  y = 0
  constructor(private readonly context: ReportContext, private readonly measure: MeasureText) {
    this.newPage()
  }

  get current(): Shape[] {
    return this.pages.at(-1)!
  }

  newPage(): void {
    this.pages.push([{ type: 'rect', x: 0, y: 0, width: PAGE_WIDTH, height: PAGE_HEIGHT, fill: '#ffffff' }])
    this.y = 20
    if (this.pages.length === 1) this.titleBand()
    else {
      this.text(LEFT, 14, `${bulletinTitle(this.context)}（${this.context.periodLabel}）`, 3, 'regular', MUTED)
      this.current.push({ type: 'rect', x: LEFT, y: 15.5, width: RIGHT - LEFT, height: 0.3, fill: RULE })
    }
  }

  /** Starts a new page unless `height` millimetres still fit. */
  room(height: number): boolean {
    if (this.y + height <= BOTTOM) return false
    this.newPage()
    return true
  }

  text(x: number, y: number, text: string, size: number, weight: 'regular' | 'bold', fill: string, anchor: 'start' | 'middle' | 'end' = 'start'): void {
    this.current.push({ type: 'text', x, y, text, size, weight, fill, anchor })
  }

  private titleBand(): void {
    const title = bulletinTitle(this.context)
    let size = 8
    while (size > 5 && this.measure(title, size, 'bold') > RIGHT - LEFT - 10) size -= 0.25
    this.current.push(
      { type: 'rect', x: LEFT, y: 12, width: RIGHT - LEFT, height: 22, fill: BRAND, radius: 1.2 },
      { type: 'rect', x: LEFT, y: 32.8, width: RIGHT - LEFT, height: 1.2, fill: '#e0b83a' },
    )
    this.text(PAGE_WIDTH / 2, 23.5, fitText(title, RIGHT - LEFT - 10, size, 'bold', this.measure), size, 'bold', '#ffffff', 'middle')
    this.text(PAGE_WIDTH / 2, 30, `考核周期：${this.context.periodLabel}\u3000对比：${this.context.previousPeriodLabel}\u3000规则版本：${this.context.rulesVersion}`, 3.2, 'regular', '#dce7f7', 'middle')
    this.y = 44
  }

  heading(text: string): void {
    this.room(12 + ROW_HEIGHT * 3)
    this.current.push(
      { type: 'rect', x: LEFT, y: this.y - 3.8, width: 1.2, height: 4.6, fill: ACCENT },
      { type: 'rect', x: LEFT, y: this.y + 1.6, width: RIGHT - LEFT, height: 0.3, fill: RULE },
    )
    this.text(LEFT + 3, this.y, text, 4.4, 'bold', BRAND)
    this.y += 7
  }

  paragraph(text: string, size = 3.4, fill = INK): void {
    for (const line of wrapText(text, RIGHT - LEFT - 4, size, 'regular', this.measure)) {
      this.room(size * 1.6)
      this.text(LEFT + 2, this.y, line, size, 'regular', fill)
      this.y += size * 1.6
    }
  }

  table(columns: Column[], rows: readonly RankedRow[]): void {
    const header = () => {
      this.current.push({ type: 'rect', x: LEFT, y: this.y - 4, width: RIGHT - LEFT, height: ROW_HEIGHT, fill: BRAND })
      let x = LEFT
      for (const column of columns) {
        this.text(anchorX(x, column), this.y, column.header, TEXT_SIZE, 'bold', '#ffffff', column.align)
        x += column.width
      }
      this.y += ROW_HEIGHT
    }
    header()
    rows.forEach((row, index) => {
      if (this.room(ROW_HEIGHT)) header()
      if (index % 2 === 1) this.current.push({ type: 'rect', x: LEFT, y: this.y - 4, width: RIGHT - LEFT, height: ROW_HEIGHT, fill: STRIPE })
      let x = LEFT
      for (const column of columns) {
        const value = fitText(column.cell(row), column.width - 2, TEXT_SIZE, 'regular', this.measure)
        const change = column.header === '变化' ? (row.rank_change ?? 0) : 0
        this.text(anchorX(x, column), this.y, value, TEXT_SIZE, 'regular', change > 0 ? UP : change < 0 ? ACCENT : INK, column.align)
        x += column.width
      }
      this.y += ROW_HEIGHT
    })
    this.y += 3
  }

  footers(): void {
    const total = this.pages.length
    this.pages.forEach((page, index) => {
      page.push({ type: 'rect', x: LEFT, y: PAGE_HEIGHT - 14, width: RIGHT - LEFT, height: 0.3, fill: RULE })
      page.push({ type: 'text', x: LEFT, y: PAGE_HEIGHT - 9, text: `生成时间：${beijingDate(this.context.generatedAt)}`, size: 2.8, weight: 'regular', fill: MUTED, anchor: 'start' })
      page.push({ type: 'text', x: RIGHT, y: PAGE_HEIGHT - 9, text: `第 ${index + 1} 页 / 共 ${total} 页`, size: 2.8, weight: 'regular', fill: MUTED, anchor: 'end' })
    })
  }
}

function anchorX(x: number, column: Column): number {
  return column.align === 'start' ? x + 1 : column.align === 'end' ? x + column.width - 1 : x + column.width / 2
}

function beijingDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ')
}

/** The units sharing the best rank, and those sharing the worst (ranked units only). */
export function bestAndWorst(rows: readonly RankedRow[]): { best: RankedRow[]; worst: RankedRow[] } {
  const ranked = rows.filter((row) => row.rank !== null)
  if (ranked.length === 0) return { best: [], worst: [] }
  const bestRank = ranked[0]!.rank
  const worstRank = ranked.at(-1)!.rank
  const best = ranked.filter((row) => row.rank === bestRank)
  // With one rank for all there is no worst to name.
  const worst = worstRank === bestRank ? [] : ranked.filter((row) => row.rank === worstRank)
  return { best, worst }
}

export function composeBulletin(sections: readonly RankedSection[], context: ReportContext, measure: MeasureText): Drawing[] {
  const pages = new Pages(context, measure)
  pages.paragraph(
    `现将${context.periodLabel}${context.jurisdictionName}街长制工作考核情况通报如下。考核依据本辖区考核办法（规则版本 ${context.rulesVersion}），` +
      '数据取自案件闭环与巡查记录，按期结案率等指标的口径见文末。',
  )
  pages.y += 2
  sections.forEach((section, index) => {
    const sort = indicators[section.ranking.sort]
    const unit = unitLabels[section.by].zh
    pages.heading(`${'一二三四五六七八九十'[index] ?? index + 1}、${unit}排名（按${sort.zh}）`)
    if (section.ranking.rows.length === 0) {
      pages.paragraph(`本期无${unit}考核数据。`, 3.4, MUTED)
      return
    }
    pages.table(bulletinColumns(section.ranking.sort), section.ranking.rows)
    const { best, worst } = bestAndWorst(section.ranking.rows)
    const names = (rows: RankedRow[]) => rows.map((row) => `${row.name}（${formatValue(sort.kind, row.value)}）`).join('、')
    if (best.length) pages.paragraph(`表扬：${names(best)}，${sort.zh}位列第一。`, 3.4, UP)
    if (worst.length) pages.paragraph(`末位：${names(worst)}，${sort.zh}排名第 ${worst[0]!.rank} 位，请限期整改。`, 3.4, ACCENT)
    pages.y += 3
  })
  pages.heading(`${'一二三四五六七八九十'[sections.length] ?? sections.length + 1}、考核规则与标准`)
  if (context.rules.length === 0) pages.paragraph('本期未设置考核规则。', 3.4, MUTED)
  for (const rule of context.rules) pages.paragraph(`${rule.indicator}：${rule.weight === null ? '' : `权重 ${rule.weight} 分，`}${rule.threshold}`)
  pages.footers()
  return pages.pages.map((shapes) => ({ width: PAGE_WIDTH, height: PAGE_HEIGHT, scale: 1, title: bulletinTitle(context), shapes }))
}
