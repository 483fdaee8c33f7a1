/**
 * The width a street owns when nobody measured it, by its OpenStreetMap highway class: a line
 * owns the area within half its width of the centre line. The figures are typical kerb-to-kerb
 * widths of Chinese urban roads of each class plus their pavements.
 */
const widthByStreetClass: Record<string, number> = {
  motorway: 40,
  trunk: 40,
  primary: 40,
  secondary: 30,
  tertiary: 24,
  residential: 16,
  unclassified: 16,
  living_street: 10,
  pedestrian: 10,
}

export const DEFAULT_STREET_WIDTH_M = 12
export const MAX_STREET_WIDTH_M = 200
/** Narrower than a footpath is a typo; a width near 0 buffers to no area at all, which the schema refuses. */
export const MIN_STREET_WIDTH_M = 0.1

/** Width in metres for a street class (`primary`, `primary_link`, …); 12 m for anything else. */
export function defaultWidthM(streetClass?: string | null): number {
  if (!streetClass) return DEFAULT_STREET_WIDTH_M
  const normalized = streetClass.trim().toLowerCase()
  return widthByStreetClass[normalized] ?? DEFAULT_STREET_WIDTH_M
}
