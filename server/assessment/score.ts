import type { AssessmentCounts, AssessmentRates } from './types.js'
import { indicators, indicatorTable, type AssessmentRules, type Indicator, type IndicatorRule } from './rules.js'

/**
 * Rates and the score of one unit from its counts (docs/assessment.md "Score"). Pure: the
 * route, the rankings and the tests all derive them the same way.
 */

const ratio = (numerator: number, denominator: number): number | null => (denominator > 0 ? numerator / denominator : null)

export function ratesOf(counts: AssessmentCounts): AssessmentRates {
  return {
    filing_rate: ratio(counts.filed, counts.received),
    dispatch_rate: ratio(counts.dispatched, counts.filed),
    closing_rate: ratio(counts.closed, counts.due),
    on_time_rate: ratio(counts.closed_on_time, counts.due),
    rework_rate: ratio(counts.reworked, counts.due),
    extension_rate: ratio(counts.extended, counts.due),
    patrol_rate: ratio(counts.patrols, counts.patrols_required),
    satisfaction: counts.mean_rating === null ? null : counts.mean_rating / 5,
  }
}

/**
 * The part (0–1) an indicator earns: 1 at or beyond its threshold, 0 at or beyond its floor on the
 * other side, linear between. `higher` indicators are good high, `lower` ones (返工率, 延期率) low.
 */
export function partOf(indicator: Indicator, rule: IndicatorRule, rate: number): number {
  if (indicatorTable[indicator].direction === 'higher') {
    if (rate >= rule.threshold) return 1
    if (rate <= rule.floor) return 0
    return (rate - rule.floor) / (rule.threshold - rule.floor)
  }
  if (rate <= rule.threshold) return 1
  if (rate >= rule.floor) return 0
  return (rule.floor - rate) / (rule.floor - rule.threshold)
}

export const round2 = (value: number): number => Math.round(value * 100) / 100

/**
 * Score = Σ weight × part ÷ Σ weight × 100 over the indicators with a weight above 0 and a rate
 * (an indicator whose denominator is 0 is left out, with its weight); 0 when none is left.
 * `score_parts` holds each indicator's points (its share of the 100), rounded to 0.01.
 */
export function scoreOf(rates: AssessmentRates, rules: AssessmentRules): { score: number; score_parts: Record<string, number> } {
  const counted = indicators.filter((name) => rules.indicators[name].weight > 0 && rates[name] !== null)
  const totalWeight = counted.reduce((sum, name) => sum + rules.indicators[name].weight, 0)
  if (totalWeight === 0) return { score: 0, score_parts: {} }
  let sum = 0
  const parts: Record<string, number> = {}
  for (const name of counted) {
    const rule = rules.indicators[name]
    const points = (rule.weight * partOf(name, rule, rates[name]!)) / totalWeight * 100
    parts[name] = round2(points)
    sum += points
  }
  return { score: round2(sum), score_parts: parts }
}
