/**
 * The colours of the grid map (a choropleth of one indicator): five classes from the smallest to
 * the largest value among the grids, light to dark, the dark end always "better" (for 返工率,
 * 延期率 and handling time, where lower is better, the scale runs the other way), and grey for a
 * grid without a value. Pure.
 */
export const CHOROPLETH_COLOURS = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'] as const
export const NO_VALUE_COLOUR = '#bdbdbd'

export interface ChoroplethClass {
  colour: string
  /** The class holds values from `min` up to and including `max`. */
  min: number
  max: number
}

export interface Choropleth {
  classes: ChoroplethClass[]
  colourOf(value: number | null): string
}

/**
 * Equal-interval classes between the smallest and largest value. Counts start at 0 (`zeroBased`):
 * a grid with no patrol is at the light end even when every grid has none. Equal rates have one
 * class, in the middle colour: no grid is better than another.
 */
export function choropleth(values: readonly (number | null)[], higherIsBetter: boolean, options: { zeroBased?: boolean } = {}): Choropleth {
  const finite = values.filter((value): value is number => value !== null && Number.isFinite(value))
  if (finite.length === 0) return { classes: [], colourOf: () => NO_VALUE_COLOUR }
  const min = options.zeroBased ? Math.min(0, ...finite) : Math.min(...finite)
  const max = Math.max(...finite)
  const palette = higherIsBetter ? [...CHOROPLETH_COLOURS] : [...CHOROPLETH_COLOURS].reverse()
  if (min === max) {
    const colour = options.zeroBased && max === 0 ? palette[0]! : CHOROPLETH_COLOURS[2]
    return { classes: [{ colour, min, max }], colourOf: (value) => (value === null || !Number.isFinite(value) ? NO_VALUE_COLOUR : colour) }
  }
  const count = palette.length
  const step = (max - min) / count
  const classes = palette.map((colour, index) => ({ colour, min: min + step * index, max: index === count - 1 ? max : min + step * (index + 1) }))
  const colourOf = (value: number | null) => {
    if (value === null || !Number.isFinite(value)) return NO_VALUE_COLOUR
    const index = Math.min(count - 1, Math.max(0, Math.floor((value - min) / step)))
    return palette[index]!
  }
  return { classes, colourOf }
}
