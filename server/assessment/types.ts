/**
 * The assessment's interface (DESIGN.md §11, docs/assessment.md): what
 * `GET /api/assessment?from=…&to=…&by=…` answers, and what the rankings, the Excel export, the
 * monthly PDF and the map's colouring are built from. `computeAssessment` in
 * `server/assessment/compute.ts` produces it.
 */

export type AssessmentUnit = 'grid' | 'street' | 'community' | 'subdistrict' | 'department' | 'person'

export interface AssessmentQuery {
  /** The period, half-open [from, to), instants (a day, week, month or quarter in Beijing time). */
  from: Date
  to: Date
  by: AssessmentUnit
  /**
   * Only what lies inside these zones (a caller's scope: every zone under their grants): the area
   * units among them, and for departments and people the cases and patrols in them. Absent or
   * null: everything.
   */
  scopeZoneIds?: readonly number[] | null
}

/** The counts of one unit in the period; every rate and the score are derived from them. */
export interface AssessmentCounts {
  /** Cases received (created) in the period. */
  received: number
  /** Of those received, filed (立案) at any time (not voided, not duplicate). */
  filed: number
  /** Of those filed, dispatched. */
  dispatched: number
  /** Cases falling due in the period (due_at in [from, to)), parked ones excluded as configured. */
  due: number
  /** Of those due, closed (by now), and closed by their due time. */
  closed: number
  closed_on_time: number
  /** Of those due, sent back for rework at least once, and extended at least once. */
  reworked: number
  extended: number
  /** Of those due, parked (挂账) — counted, and excluded from `due` where configured. */
  parked: number
  /** Cases received that were found on patrol (channel patrol), and reported by the public (qr, hotline, open311). */
  found_on_patrol: number
  reported_by_public: number
  /** Patrols done in the period and required in it (patrol_requirement × staff × period). */
  patrols: number
  patrols_required: number
  /** Mean hours from dispatch to handled, of the cases handled in the period (null: none). */
  mean_handling_hours: number | null
  /** Citizens' ratings (1–5) given to cases closed in the period: count and mean. */
  ratings: number
  mean_rating: number | null
}

export interface AssessmentRates {
  /** filed ÷ received, dispatched ÷ filed, closed ÷ due, closed_on_time ÷ due, reworked ÷ due, extended ÷ due, patrols ÷ patrols_required, mean_rating ÷ 5. null when the denominator is 0. */
  filing_rate: number | null
  dispatch_rate: number | null
  closing_rate: number | null
  on_time_rate: number | null
  rework_rate: number | null
  extension_rate: number | null
  patrol_rate: number | null
  satisfaction: number | null
}

export interface AssessmentRow extends AssessmentCounts {
  /** The unit's zone code (grid, street, community, sub-district) or party id (department, person). */
  code: string
  name: string
  /** The zone id for areas; null for departments and people. */
  zone_id: number | null
  /** The party id for departments and people; null for areas. */
  party_id: number | null
  rates: AssessmentRates
  /** The score under the district's rules (0–100), and its parts per indicator. */
  score: number
  score_parts: Record<string, number>
}

export interface AssessmentReport {
  from: string
  to: string
  by: AssessmentUnit
  /** The rules' version the score was computed under. */
  rules_version: number
  rows: AssessmentRow[]
}
