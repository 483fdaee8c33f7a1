/**
 * The longest "round" length (1, 2 or 5 times a power of ten, in metres) that fits in `maxMm`
 * on the page at `mmPerMetre`, so that a scale bar reads 50 m, 100 m, 200 m, 500 m, 1 km ...
 */
export function scaleBarLength(mmPerMetre: number, maxMm: number): { metres: number; mm: number; label: string } {
  if (!(mmPerMetre > 0) || !(maxMm > 0)) throw new RangeError('scale and length must be positive')
  const maxMetres = maxMm / mmPerMetre
  let metres = 1
  for (let power = Math.floor(Math.log10(maxMetres)); power >= -1; power--) {
    const base = 10 ** power
    const fit = [5, 2, 1].map((step) => step * base).find((candidate) => candidate <= maxMetres)
    if (fit !== undefined) {
      metres = fit
      break
    }
  }
  return { metres, mm: metres * mmPerMetre, label: metres >= 1000 ? `${metres / 1000} 千米` : `${metres} 米` }
}
