/**
 * CONTRACT for `npm run bench` (issue 8): the whole benchmark is a list of sections, each in its
 * own module, run one after another by scripts/bench.ts on the generated default city. A section
 * starts whatever it needs (a server process on the city's embedded folder, a PostgreSQL, a
 * browser) and stops it before it returns; no two processes ever open one data folder.
 */
export interface BenchContext {
  /** The `--out` base of the generated city: `${cityBase}.ndjson`, `${cityBase}.known.json`, … */
  cityBase: string
  /** The city's `.known.json`, parsed (counts, gaps, unsegmented streets, sub-districts). */
  known: Record<string, unknown>
  /** An embedded database folder (DATA_DIR) with the whole city imported and analysed; closed. */
  cityDataDir: string
  /** Where a section may write scratch files. */
  scratchDir: string
  log: (line: string) => void
}

/** One figure, printed beside its baseline measured in the same run, with a verdict. */
export interface BenchFigure {
  /** What was measured, e.g. "batch resolution of 1,000,000 points". */
  name: string
  value: number
  unit: string
  /** The obvious alternative measured in the same run on the same data, when there is one. */
  baseline?: { name: string; value: number; unit: string }
  /** The target in words, e.g. "≤ 1.5 s and ≥ 10× the join". */
  target?: string
  /** Whether the target is met (absent when the figure has no target). */
  met?: boolean
  /** Anything a reader needs to weigh the number (load, sample size). */
  note?: string
}

export type BenchSection = (context: BenchContext) => Promise<BenchFigure[]>
