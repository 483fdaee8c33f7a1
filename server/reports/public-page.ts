import { citizenPageShell, escapeHtml } from '../citizen/citizen-pages.js'
import { formatValue, indicators, unitLabels, type IndicatorKey } from './indicators.js'
import { rankChangeText } from './ranking.js'
import type { RankedSection, ReportContext } from './report-context.js'

/**
 * The public rankings page (`/p/rankings`): the rankings a district chose to publish, as plain
 * server-written HTML in Chinese, phone-first, with no script at all — its policy
 * (`PUBLIC_RANKINGS_CSP`) allows none — and every name escaped. Only the units and indicators the
 * publication setting names are shown: counts of cases, never people's data beyond the names of
 * the units ranked.
 */
export const PUBLIC_RANKINGS_CSP = [
  "default-src 'none'",
  "script-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const STYLE = `
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; background: #f1f5fb; color: #1d1d1f; font-size: 15px; }
  header { background: #0b4ea2; color: #fff; padding: 16px 16px 12px; border-bottom: 3px solid #e0b83a; }
  header h1 { margin: 0; font-size: 20px; } header p { margin: 6px 0 0; opacity: .85; font-size: 14px; }
  main { padding: 8px 10px 28px; max-width: 760px; margin: 0 auto; }
  section { background: #fff; border-radius: 10px; margin: 10px 0; padding: 10px 10px; box-shadow: 0 1px 2px rgba(0,0,0,.06); overflow-x: auto; }
  h2 { font-size: 16px; color: #0b4ea2; margin: 4px 0 8px; border-left: 3px solid #c8102e; padding-left: 6px; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; }
  th, td { padding: 6px 4px; border-bottom: 1px solid #e3e8f0; text-align: right; white-space: nowrap; }
  th { color: #5f6368; font-weight: 600; } td.name, th.name { text-align: left; white-space: normal; }
  td.rank { font-weight: 700; text-align: center; } .up { color: #1b7f3b; } .down { color: #c8102e; }
  .hint { color: #5f6368; font-size: 13px; margin: 6px 2px; }
  footer { text-align: center; color: #888; font-size: 12px; }
`

function page(title: string, header: string, main: string): string {
  return citizenPageShell({ title, style: STYLE, header, main })
}

export interface PublicSection extends RankedSection {
  /** The indicators published for this unit kind, after the rank and the name. */
  shown: IndicatorKey[]
}

export function publicRankingsHtml(sections: readonly PublicSection[], context: ReportContext): string {
  const title = `${context.jurisdictionName}街长制考核排行榜`
  const body = sections.map((section) => {
    const unit = unitLabels[section.by].zh
    const sortLabel = indicators[section.ranking.sort].zh
    const head = section.shown.map((key) => `<th>${escapeHtml(indicators[key].zh)}</th>`).join('')
    const rows = section.ranking.rows.map((row) => {
      const change = rankChangeText(row)
      const tone = (row.rank_change ?? 0) > 0 ? ' class="up"' : (row.rank_change ?? 0) < 0 ? ' class="down"' : ''
      const cells = section.shown.map((key) => `<td>${escapeHtml(formatValue(indicators[key].kind, indicators[key].value(row.row)))}</td>`).join('')
      return `<tr><td class="rank">${row.rank ?? '—'}</td><td${tone}>${escapeHtml(change)}</td><td class="name">${escapeHtml(row.name)}</td>${cells}</tr>`
    }).join('\n')
    return `<section data-unit="${section.by}">
<h2>${escapeHtml(unit)}排名（按${escapeHtml(sortLabel)}）</h2>
${section.ranking.rows.length === 0 ? `<p class="hint">本期无${escapeHtml(unit)}考核数据。</p>` : `<table>
<thead><tr><th>排名</th><th>变化</th><th class="name">名称</th>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`}
</section>`
  }).join('\n')
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(context.periodLabel)} · 与${escapeHtml(context.previousPeriodLabel)}相比</p>`,
    `${body || '<section><p class="hint">暂无公布的排名。</p></section>'}
<p class="hint">数据来自数字城管案件闭环与巡查记录，按本辖区考核办法计算（规则版本 ${context.rulesVersion}）。</p>`,
  )
}

/** When the district has not turned the public page on. */
export const NOT_PUBLISHED_PAGE = page('排行榜未公布', '<h1>排行榜未公布</h1>', '<section><p>本辖区暂未公布街长制考核排行榜。</p></section>')
