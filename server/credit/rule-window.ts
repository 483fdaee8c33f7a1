/**
 * When a credit rule fires (docs/credit.md): the facts of one merchant's frontage in time order,
 * none used before by the same rule; each time `count` of them lie within `windowDays` of the
 * latest, the rule fires with those facts, and they are used up. Pure: no database.
 *
 * Greedy and in order, so the same facts always give the same firings, and facts used by one
 * firing are never counted again: three cases give one yellow card, not one per case after the
 * third.
 */
export interface Fact {
  key: string
  at: Date
}

export interface WindowRule {
  count: number
  /** null: no window (each `count` facts fire, however far apart). */
  windowDays: number | null
}

const DAY_MS = 86_400_000

export function firings(rule: WindowRule, facts: readonly Fact[]): Fact[][] {
  const ordered = [...facts].sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key))
  const fired: Fact[][] = []
  let window: Fact[] = []
  for (const fact of ordered) {
    window.push(fact)
    if (rule.windowDays !== null) {
      const earliest = fact.at.getTime() - rule.windowDays * DAY_MS
      window = window.filter((held) => held.at.getTime() >= earliest)
    }
    if (window.length >= rule.count) {
      fired.push(window.slice(-rule.count))
      window = []
    }
  }
  return fired
}
