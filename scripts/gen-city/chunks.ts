/**
 * Splits features, kept in the order parents come first, into pieces that each stay within the
 * import's limits (server/transfer/import-format.ts MAX_FEATURES, kernel/body-limits.ts
 * LARGE_BODY_LIMIT), so that importing the pieces in order loads the whole city. Pure.
 */
import { MAX_FEATURES } from '../../server/transfer/import-format.js'
import { LARGE_BODY_LIMIT } from '../../server/kernel/body-limits.js'

/** Features a piece holds by default: half the import's ceiling, so one import stays a few seconds' write. */
export const DEFAULT_CHUNK_FEATURES = 100_000
/** Bytes of features a piece holds at most: the body limit less room for the head. */
export const CHUNK_BYTES = LARGE_BODY_LIMIT - 8 * 1024 * 1024

/** Each feature's JSON text once; the pieces are lists of indexes into `lines`. */
export function chunkLines(lines: readonly string[], maxFeatures = DEFAULT_CHUNK_FEATURES, maxBytes = CHUNK_BYTES): [number, number][] {
  if (maxFeatures > MAX_FEATURES) throw new Error(`a piece may hold at most ${MAX_FEATURES} features`)
  const pieces: [number, number][] = []
  let start = 0
  let bytes = 0
  for (let i = 0; i < lines.length; i++) {
    const size = Buffer.byteLength(lines[i]!) + 2
    if (i > start && (i - start >= maxFeatures || bytes + size > maxBytes)) {
      pieces.push([start, i])
      start = i
      bytes = 0
    }
    bytes += size
  }
  if (lines.length > start) pieces.push([start, lines.length])
  return pieces
}
