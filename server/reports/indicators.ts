import type { AssessmentRates, AssessmentRow, AssessmentUnit } from '../assessment/types.js'

/**
 * What a ranking can be sorted by, and how each indicator reads: one table, from which the
 * ranking, the Excel sheet, the PDF and the public page all take their columns and labels. The
 * formulas are the assessment's (server/assessment/types.ts, docs/assessment.md); this only says
 * which way is better and how a value is printed.
 */
export type IndicatorKind = 'score' | 'rate' | 'count' | 'hours' | 'rating'

export interface Indicator {
  zh: string
  en: string
  kind: IndicatorKind
  /** Whether a larger value ranks higher (返工率, 延期率 and handling time rank the other way). */
  higherIsBetter: boolean
  value(row: AssessmentRow): number | null
}

const rate = (key: keyof AssessmentRates, zh: string, en: string, higherIsBetter = true): Indicator => ({
  zh, en, kind: 'rate', higherIsBetter, value: (row) => row.rates[key],
})
const count = (key: 'received' | 'filed' | 'dispatched' | 'due' | 'closed' | 'closed_on_time' | 'reworked' | 'extended' | 'parked' | 'found_on_patrol' | 'reported_by_public' | 'patrols' | 'patrols_required', zh: string, en: string, higherIsBetter = true): Indicator => ({
  zh, en, kind: 'count', higherIsBetter, value: (row) => row[key],
})

export const indicators = {
  score: { zh: '综合得分', en: 'Score', kind: 'score', higherIsBetter: true, value: (row) => row.score },
  on_time_rate: rate('on_time_rate', '按期结案率', 'On-time closing rate'),
  closing_rate: rate('closing_rate', '结案率', 'Closing rate'),
  filing_rate: rate('filing_rate', '立案率', 'Filing rate'),
  dispatch_rate: rate('dispatch_rate', '派遣率', 'Dispatch rate'),
  rework_rate: rate('rework_rate', '返工率', 'Rework rate', false),
  extension_rate: rate('extension_rate', '延期率', 'Extension rate', false),
  patrol_rate: rate('patrol_rate', '巡查完成率', 'Patrols done ÷ required'),
  satisfaction: rate('satisfaction', '满意度', 'Satisfaction'),
  patrols: count('patrols', '巡查次数', 'Patrols'),
  received: count('received', '受理案件数', 'Cases received'),
  found_on_patrol: count('found_on_patrol', '巡查发现数', 'Found on patrol'),
  mean_handling_hours: { zh: '平均处置时长（小时）', en: 'Mean handling time (h)', kind: 'hours', higherIsBetter: false, value: (row) => row.mean_handling_hours },
} satisfies Record<string, Indicator>

export type IndicatorKey = keyof typeof indicators
export const indicatorKeys = Object.keys(indicators) as IndicatorKey[]
export const isIndicatorKey = (value: unknown): value is IndicatorKey => typeof value === 'string' && Object.hasOwn(indicators, value)

/** The counts of a row, in the order the Excel sheet and the PDF print them. */
export const countColumns = [
  ['received', '受理', 'Received'],
  ['filed', '立案', 'Filed'],
  ['dispatched', '派遣', 'Dispatched'],
  ['due', '应结', 'Due'],
  ['closed', '结案', 'Closed'],
  ['closed_on_time', '按期结案', 'Closed on time'],
  ['reworked', '返工', 'Reworked'],
  ['extended', '延期', 'Extended'],
  ['parked', '挂账', 'Parked'],
  ['found_on_patrol', '巡查发现', 'Found on patrol'],
  ['reported_by_public', '公众举报', 'Reported by the public'],
  ['patrols', '巡查次数', 'Patrols'],
  ['patrols_required', '应巡查次数', 'Patrols required'],
  ['ratings', '评价数', 'Ratings'],
] as const satisfies readonly (readonly [keyof AssessmentRow, string, string])[]

/** The rates of a row, in print order. */
export const rateColumns = [
  ['filing_rate', '立案率', 'Filing rate'],
  ['dispatch_rate', '派遣率', 'Dispatch rate'],
  ['closing_rate', '结案率', 'Closing rate'],
  ['on_time_rate', '按期结案率', 'On-time rate'],
  ['rework_rate', '返工率', 'Rework rate'],
  ['extension_rate', '延期率', 'Extension rate'],
  ['patrol_rate', '巡查完成率', 'Patrol rate'],
  ['satisfaction', '满意度', 'Satisfaction'],
] as const satisfies readonly (readonly [keyof AssessmentRates, string, string])[]

/** The unit kinds as a 通报 names them. */
export const unitLabels: Record<AssessmentUnit, { zh: string; en: string }> = {
  grid: { zh: '网格', en: 'Grid' },
  street: { zh: '街巷', en: 'Street' },
  community: { zh: '社区', en: 'Community' },
  subdistrict: { zh: '街道', en: 'Sub-district' },
  department: { zh: '部门', en: 'Department' },
  person: { zh: '人员', en: 'Person' },
}
export const assessmentUnits = Object.keys(unitLabels) as AssessmentUnit[]

/** A value as printed in Chinese reports: rates as percentages with one decimal, hours and scores with one. */
export function formatValue(kind: IndicatorKind, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—'
  switch (kind) {
    case 'rate':
      return `${(value * 100).toFixed(1)}%`
    case 'count':
      return String(value)
    case 'score':
    case 'hours':
    case 'rating':
      return value.toFixed(1)
  }
}
