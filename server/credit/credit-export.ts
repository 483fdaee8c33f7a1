import { csvField, UTF8_BOM } from '../audit/audit-export.js'
import { maskPhone } from '../kernel/phone-mask.js'
import type { MerchantRow } from './credit.repository.js'

/** The columns of the merchants' export, Chinese headings first: an office opens it in Excel. */
const columns: { heading: string; value: (row: MerchantRow, phone: string | null) => unknown }[] = [
  { heading: '商户编号 party_id', value: (row) => row.id },
  { heading: '商户名称 name', value: (row) => row.name },
  { heading: '联系电话 phone', value: (_row, phone) => phone },
  { heading: '门前三包责任区 frontages', value: (row) => row.frontages.map((f) => `${f.code} ${f.name}`).join('; ') },
  { heading: '黄牌 yellow', value: (row) => row.yellow },
  { heading: '红牌 red', value: (row) => row.red },
  { heading: '积分 points', value: (row) => row.points },
  { heading: '近90天案件 cases_90d', value: (row) => row.cases_90d },
  { heading: '最近检查 last_inspection', value: (row) => (row.last_inspection ? row.last_inspection.at : '') },
  { heading: '检查结果 passed', value: (row) => (row.last_inspection ? (row.last_inspection.passed ? '合格' : '不合格') : '') },
]

/**
 * The export as CSV (RFC 4180, CRLF, UTF-8 with a byte order mark so that Excel reads Chinese).
 * Every phone is masked unless `mayContact` holds its party; answers whether any left unmasked.
 */
export function merchantsCsv(rows: readonly MerchantRow[], mayContact: ReadonlySet<number>): { text: string; personal: boolean } {
  let personal = false
  const lines = [columns.map((column) => csvField(column.heading)).join(',')]
  for (const row of rows) {
    const shown = row.phone === null ? null : mayContact.has(row.id) ? row.phone : maskPhone(row.phone)
    if (row.phone !== null && mayContact.has(row.id)) personal = true
    lines.push(columns.map((column) => csvField(column.value(row, shown))).join(','))
  }
  return { text: UTF8_BOM + lines.join('\r\n') + '\r\n', personal }
}
