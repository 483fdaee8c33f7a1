/**
 * Why a drawing or a geometry verb could not be done, as named constants (terra-draw's
 * validations): every `{valid: false, reason}` in the client carries one of these, and
 * `reason.<code>` in client/src/i18n holds its text for the planner, so the status bar never
 * shows a bare code.
 */
export const DRAWING_REASONS = {
  // A drawing when it is finished (edits/validate.ts).
  tooFewPoints: 'too_few_points',
  selfIntersecting: 'self_intersecting',
  tooSmall: 'too_small',
  // Cutting a grid along a line.
  cutNeedsALine: 'cut_needs_a_line',
  cutDoesNotCross: 'cut_does_not_cross',
  cutFailed: 'cut_failed',
  // Splitting a street into segments.
  streetHasNoLine: 'street_has_no_line',
  pointNotOnStreet: 'point_not_on_street',
  splitPointAtStreetEnd: 'split_point_at_street_end',
  // Merging grids.
  mergeNeedsTwoGrids: 'merge_needs_two_grids',
  gridsDoNotTouch: 'grids_do_not_touch',
  // Generating grids.
  gridCountOutOfRange: 'grid_count_out_of_range',
  boundaryIsEmpty: 'boundary_is_empty',
  couldNotMakeThatManyGrids: 'could_not_make_that_many_grids',
  // A frontage (门前三包) from a shop's door.
  widthMustBePositive: 'width_must_be_positive',
  noStreetNearby: 'no_street_nearby',
  doorIsOnTheStreet: 'door_is_on_the_street',
  doorTooFarFromStreet: 'door_too_far_from_street',
  stripAlreadyOwnedByNeighbours: 'strip_already_owned_by_neighbours',
} as const

export type DrawingReason = (typeof DRAWING_REASONS)[keyof typeof DRAWING_REASONS]

export const drawingReasons: readonly DrawingReason[] = Object.values(DRAWING_REASONS)

export type DrawingReasonKey = `reason.${DrawingReason}`

export const isDrawingReason = (value: string): value is DrawingReason => (drawingReasons as readonly string[]).includes(value)

/** The i18n key of a reason's text. */
export const reasonKey = (reason: DrawingReason): DrawingReasonKey => `reason.${reason}`
