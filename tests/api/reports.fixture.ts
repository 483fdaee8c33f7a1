import type { AssessmentCounts, AssessmentReport, AssessmentRow, AssessmentUnit } from '../../server/assessment/types.js'

/**
 * Hand-built assessment rows for the reports' own tests (ranking, Excel, PDF, the public page):
 * the rates are derived here from the counts by the formulas of server/assessment/types.ts, the
 * score is given, so a test knows every number without the assessment's computation.
 */
const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator)

export function fixtureRow(code: string, name: string, score: number, counts: Partial<AssessmentCounts> = {}): AssessmentRow {
  const c: AssessmentCounts = {
    received: 0, filed: 0, dispatched: 0, due: 0, closed: 0, closed_on_time: 0, reworked: 0, extended: 0, parked: 0,
    found_on_patrol: 0, reported_by_public: 0, patrols: 0, patrols_required: 0, mean_handling_hours: null, ratings: 0, mean_rating: null,
    ...counts,
  }
  return {
    ...c,
    code,
    name,
    zone_id: null,
    party_id: null,
    rates: {
      filing_rate: ratio(c.filed, c.received),
      dispatch_rate: ratio(c.dispatched, c.filed),
      closing_rate: ratio(c.closed, c.due),
      on_time_rate: ratio(c.closed_on_time, c.due),
      rework_rate: ratio(c.reworked, c.due),
      extension_rate: ratio(c.extended, c.due),
      patrol_rate: ratio(c.patrols, c.patrols_required),
      satisfaction: c.mean_rating === null ? null : c.mean_rating / 5,
    },
    score,
    score_parts: {},
  }
}

export function fixtureReport(from: string, to: string, by: AssessmentUnit, rows: AssessmentRow[]): AssessmentReport {
  return { from, to, by, rules_version: 3, rows }
}

/** A PDF's text as lines: the text items of each page grouped by baseline, left to right, cells joined by " | ". */
export async function pdfLines(body: Buffer): Promise<string[][]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const pdf = await getDocument({ data: new Uint8Array(body), useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise
  const pages: string[][] = []
  for (let number = 1; number <= pdf.numPages; number++) {
    const content = await (await pdf.getPage(number)).getTextContent()
    const lines = new Map<number, { x: number; text: string }[]>()
    for (const item of content.items) {
      if (!('str' in item) || item.str.trim() === '') continue
      const y = Math.round(item.transform[5]! * 2) / 2
      const line = lines.get(y) ?? []
      line.push({ x: item.transform[4]!, text: item.str })
      lines.set(y, line)
    }
    pages.push([...lines.entries()].sort((a, b) => b[0] - a[0]).map(([, cells]) => cells.sort((a, b) => a.x - b.x).map((cell) => cell.text).join(' | ')))
  }
  await pdf.destroy()
  return pages
}

/** Every cell of every sheet of a workbook, read by SheetJS (a reader independent of the writer, ExcelJS). */
export async function readWorkbook(body: Buffer): Promise<{ names: string[]; sheets: Record<string, { value: unknown; type: string; format?: string; text?: string }[][]> }> {
  const XLSX = await import('xlsx')
  const read = (XLSX as unknown as { read: typeof import('xlsx').read }).read ?? XLSX.default.read
  const utils = (XLSX as unknown as { utils: typeof import('xlsx').utils }).utils ?? XLSX.default.utils
  const workbook = read(body, { type: 'buffer', cellNF: true, cellText: true })
  const sheets: Record<string, { value: unknown; type: string; format?: string; text?: string }[][]> = {}
  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name]!
    const range = utils.decode_range(sheet['!ref'] ?? 'A1:A1')
    const rows: { value: unknown; type: string; format?: string; text?: string }[][] = []
    for (let r = range.s.r; r <= range.e.r; r++) {
      const row: { value: unknown; type: string; format?: string; text?: string }[] = []
      for (let c = range.s.c; c <= range.e.c; c++) {
        const cell = sheet[utils.encode_cell({ r, c })] as { v?: unknown; t?: string; z?: string; w?: string } | undefined
        row.push({ value: cell?.v ?? null, type: cell?.t ?? 'z', ...(cell?.z ? { format: String(cell.z) } : {}), ...(cell?.w ? { text: cell.w } : {}) })
      }
      rows.push(row)
    }
    sheets[name] = rows
  }
  return { names: workbook.SheetNames, sheets }
}
