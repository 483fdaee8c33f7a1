import gcoordModule from 'gcoord'
import type { Position } from 'geojson'
import { parsePhone } from '../../../server/kernel/phone.js'

// gcoord's CommonJS build (what Node hands the unit tests) puts the API on the default export;
// Vite's ES build has it there too, but accept either shape.
type Gcoord = typeof gcoordModule.default
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord)

export type ShopCrs = 'wgs84' | 'gcj02' | 'bd09'

/** One shop of a list: where its door is (WGS-84) and how wide its front is. */
export interface Shop {
  /** The row of the file it came from: the spreadsheet line for CSV (header = 1), the feature number (from 1) for GeoJSON. */
  row: number
  name: string
  phone: string
  door: Position
  widthM: number
}

/** A problem of one row and column, in the planner's terms. */
export interface ShopProblem {
  row: number
  column: string
  reason: ShopReason
}

export type ShopReason =
  | 'not_a_phone'
  | 'missing_column'
  | 'required'
  | 'not_a_number'
  | 'out_of_range'
  | 'lon_lat_swapped'
  | 'width_out_of_range'
  | 'too_long'
  | 'not_a_point'
  | 'unreadable'
  | 'empty'

export const DEFAULT_SHOP_WIDTH_M = 8
export const MIN_SHOP_WIDTH_M = 2
export const MAX_SHOP_WIDTH_M = 50

type Field = 'name' | 'phone' | 'lon' | 'lat' | 'width'

/** Header names, Chinese or English, for each field. */
const HEADERS: Record<Field, string[]> = {
  name: ['名称', '商户', '商户名称', '店名', 'name', 'shop', 'merchant'],
  phone: ['电话', '联系电话', '手机', 'phone', 'tel', 'telephone'],
  lon: ['经度', 'lon', 'lng', 'long', 'longitude', 'x'],
  lat: ['纬度', 'lat', 'latitude', 'y'],
  width: ['门宽', '门面宽度', '宽度', 'width_m', 'width', 'frontage_width'],
}

const fieldOf = (header: string): Field | undefined => {
  const key = header.trim().toLowerCase()
  return (Object.keys(HEADERS) as Field[]).find((field) => HEADERS[field].includes(key))
}

/**
 * Reads a list of shops from a CSV (header in Chinese or English, comma, semicolon or tab
 * separated) or a GeoJSON of points, converting the coordinates from `crs` to WGS-84. Every
 * problem is reported with its row and column; rows with problems are left out of `shops`.
 */
export function parseShopList(text: string, fileName: string, crs: ShopCrs = 'wgs84'): { shops: Shop[]; problems: ShopProblem[] } {
  const body = text.replace(/^\uFEFF/, '')
  const looksJson = /\.(geo)?json$/i.test(fileName) || /^\s*\{/.test(body)
  return looksJson ? parseGeoJson(body, crs) : parseCsv(body, crs)
}

function parseCsv(text: string, crs: ShopCrs): { shops: Shop[]; problems: ShopProblem[] } {
  const rows = splitCsv(text)
  const header = rows[0]
  if (!header || header.every((cell) => !cell.trim())) return { shops: [], problems: [{ row: 1, column: '', reason: 'empty' }] }
  const columns = new Map<Field, { index: number; label: string }>()
  header.forEach((cell, index) => {
    const field = fieldOf(cell)
    if (field && !columns.has(field)) columns.set(field, { index, label: cell.trim() })
  })
  const missing = (['name', 'lon', 'lat'] as Field[]).filter((f) => !columns.has(f))
  if (missing.length) return { shops: [], problems: missing.map((f) => ({ row: 1, column: HEADERS[f][0]!, reason: 'missing_column' as const })) }
  const shops: Shop[] = []
  const problems: ShopProblem[] = []
  rows.slice(1).forEach((cells, i) => {
    if (cells.every((cell) => !cell.trim())) return
    const value = (field: Field) => {
      const column = columns.get(field)
      return column ? (cells[column.index] ?? '').trim() : ''
    }
    const label = (field: Field) => columns.get(field)?.label ?? HEADERS[field][0]!
    const result = readShop(i + 2, { name: value('name'), phone: value('phone'), lon: value('lon'), lat: value('lat'), width: value('width') }, label, crs)
    if ('shop' in result) shops.push(result.shop)
    else problems.push(...result.problems)
  })
  if (shops.length === 0 && problems.length === 0) problems.push({ row: 2, column: '', reason: 'empty' })
  return { shops, problems }
}

function parseGeoJson(text: string, crs: ShopCrs): { shops: Shop[]; problems: ShopProblem[] } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { shops: [], problems: [{ row: 1, column: '', reason: 'unreadable' }] }
  }
  const root = data as { type?: string; features?: unknown[] }
  const features = root.type === 'FeatureCollection' && Array.isArray(root.features) ? root.features : root.type === 'Feature' ? [root] : null
  if (!features) return { shops: [], problems: [{ row: 1, column: 'type', reason: 'unreadable' }] }
  if (features.length === 0) return { shops: [], problems: [{ row: 1, column: '', reason: 'empty' }] }
  const shops: Shop[] = []
  const problems: ShopProblem[] = []
  features.forEach((raw, i) => {
    const row = i + 1
    const feature = raw as { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> | null }
    const coordinates = feature.geometry?.type === 'Point' ? feature.geometry.coordinates : null
    if (!Array.isArray(coordinates) || coordinates.length < 2) {
      problems.push({ row, column: 'geometry', reason: 'not_a_point' })
      return
    }
    const values: Record<Field, string> = { name: '', phone: '', lon: String(coordinates[0]), lat: String(coordinates[1]), width: '' }
    const labels: Partial<Record<Field, string>> = { lon: 'geometry', lat: 'geometry' }
    for (const [key, value] of Object.entries(feature.properties ?? {})) {
      const field = fieldOf(key)
      if (!field || field === 'lon' || field === 'lat' || labels[field]) continue
      values[field] = value === null || value === undefined ? '' : String(value).trim()
      labels[field] = key
    }
    const result = readShop(row, values, (f) => labels[f] ?? HEADERS[f][0]!, crs)
    if ('shop' in result) shops.push(result.shop)
    else problems.push(...result.problems)
  })
  return { shops, problems }
}

function readShop(row: number, values: Record<Field, string>, label: (field: Field) => string, crs: ShopCrs): { shop: Shop } | { problems: ShopProblem[] } {
  const problems: ShopProblem[] = []
  const problem = (field: Field, reason: ShopReason) => problems.push({ row, column: label(field), reason })
  if (!values.name) problem('name', 'required')
  else if (values.name.length > 200) problem('name', 'too_long')
  if (values.phone.length > 40) problem('phone', 'too_long')
  // The server stores only numbers it can dial (server/kernel/phone.ts): say so per row, before the import.
  else if (values.phone && !parsePhone(values.phone).ok) problem('phone', 'not_a_phone')
  const lon = Number(values.lon)
  const lat = Number(values.lat)
  if (!values.lon) problem('lon', 'required')
  else if (!Number.isFinite(lon)) problem('lon', 'not_a_number')
  if (!values.lat) problem('lat', 'required')
  else if (!Number.isFinite(lat)) problem('lat', 'not_a_number')
  if (values.lon && values.lat && Number.isFinite(lon) && Number.isFinite(lat)) {
    if (Math.abs(lat) > 90 && Math.abs(lon) <= 90) problem('lat', 'lon_lat_swapped')
    else {
      if (Math.abs(lon) > 180) problem('lon', 'out_of_range')
      if (Math.abs(lat) > 90) problem('lat', 'out_of_range')
    }
  }
  let widthM = DEFAULT_SHOP_WIDTH_M
  if (values.width) {
    widthM = Number(values.width.replace(/\s*(m|米)$/i, ''))
    if (!Number.isFinite(widthM)) problem('width', 'not_a_number')
    else if (widthM < MIN_SHOP_WIDTH_M || widthM > MAX_SHOP_WIDTH_M) problem('width', 'width_out_of_range')
  }
  if (problems.length) return { problems }
  const door = crs === 'wgs84' ? [lon, lat] : (gcoord.transform([lon, lat], crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09, gcoord.WGS84) as Position)
  return { shop: { row, name: values.name, phone: values.phone, door: [door[0]!, door[1]!], widthM } }
}

/** Splits CSV text into rows of cells: quoted cells may hold separators, quotes ("") and line breaks. */
export function splitCsv(text: string): string[][] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? ''
  const separator = [',', '\t', ';', '，'].map((s) => [s, firstLine.split(s).length] as const).sort((a, b) => b[1] - a[1])[0]![0]
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"' && !cell.trim()) {
      quoted = true
      cell = ''
    } else if (c === separator) {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  if (cell || row.length) {
    row.push(cell)
    rows.push(row)
  }
  return rows
}
