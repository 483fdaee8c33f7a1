import type { Position } from 'geojson'

/**
 * Reads a pasted point: "114.30, 30.55", "114.30 30.55" or "30.55,114.30". Complaints often come
 * latitude first; when the first number cannot be a latitude-sized longitude pair the other way
 * round, the two are swapped and the caller is told so.
 */
export function parseCoordinates(text: string): { position: Position; swapped: boolean } | null {
  const numbers = text.trim().split(/[\s,，;；]+/).filter(Boolean).map(Number)
  if (numbers.length !== 2 || numbers.some((n) => !Number.isFinite(n))) return null
  const [a, b] = numbers as [number, number]
  if (Math.abs(a) <= 90 && Math.abs(b) > 90 && Math.abs(b) <= 180) return { position: [b, a], swapped: true }
  if (Math.abs(a) > 180 || Math.abs(b) > 90) return null
  return { position: [a, b], swapped: false }
}
