import type { AssessmentUnit } from '../assessment/types.js'
import type { Ranking } from './ranking.js'

/**
 * What every written report (Excel, PDF, the public page) prints besides the rows: whose report
 * it is, the period in words, and the rules the scores were computed under.
 */
export interface ReportContext {
  /** 「XX街道」: the district or sub-district the report is of. */
  jurisdictionName: string
  periodLabel: string
  previousPeriodLabel: string
  /** The rules as lines a reader can check: an indicator, its weight and its threshold. */
  rules: RuleLine[]
  rulesVersion: number
  generatedAt: Date
}

export interface RuleLine {
  indicator: string
  /** 权重: points of the 100. */
  weight: number | null
  /** The threshold in words (≥ 70 % earns the full score). */
  threshold: string
}

/** One ranked table per unit kind of a report. */
export interface RankedSection {
  by: AssessmentUnit
  ranking: Ranking
}
