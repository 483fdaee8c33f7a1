import { zoneKindTable } from '../kernel/zone-kinds.js'
import { fitText, wrapText, type Drawing, type MeasureText, type Shape } from './drawing.js'
import type { Box } from './label-placement.js'
import { drawMap } from './map-drawing.js'
import type { Orientation, Paper } from './paper.js'
import { drawQr } from './qr-drawing.js'
import type { Person, SignboardData } from './signboard-data.js'

/**
 * The signboard's composition on the A3 design canvas (millimetres): a coloured title band, the
 * map, the duties under it, the responsible people and departments beside it, the QR code and
 * the supervision hotline, and a footer with the date. Text shrinks to fit, never below a size
 * that is legible at arm's length on the printed board; what still does not fit is summarised.
 */
const BRAND = '#0b4ea2'
const ACCENT = '#c8102e'
const INK = '#1d1d1f'
const MUTED = '#5f6368'
const RULE = '#c9d3e3'

interface Layout {
  header: Box
  map: Box
  duties: Box
  people: Box
  departments: Box
  qr: Box
  footerY: number
}

function layoutFor(orientation: Orientation): Layout {
  if (orientation === 'landscape') {
    return {
      header: { x: 10, y: 10, width: 400, height: 34 },
      map: { x: 10, y: 50, width: 262, height: 166 },
      duties: { x: 10, y: 221, width: 120, height: 56 },
      departments: { x: 134, y: 221, width: 138, height: 56 },
      people: { x: 280, y: 50, width: 130, height: 163 },
      qr: { x: 280, y: 217, width: 130, height: 60 },
      footerY: 288,
    }
  }
  return {
    header: { x: 10, y: 10, width: 277, height: 36 },
    map: { x: 10, y: 52, width: 277, height: 172 },
    departments: { x: 10, y: 229, width: 277, height: 48 },
    people: { x: 10, y: 283, width: 160, height: 118 },
    duties: { x: 178, y: 283, width: 109, height: 53 },
    qr: { x: 178, y: 341, width: 109, height: 60 },
    footerY: 411,
  }
}

/** Width / height of the map frame, so the data can be fetched for the right extent. */
export function mapAspect(orientation: Orientation): number {
  const { map } = layoutFor(orientation)
  return map.width / map.height
}

export function composeSignboard(data: SignboardData, paper: Paper, measure: MeasureText): Drawing {
  const layout = layoutFor(paper.orientation)
  const shapes: Shape[] = [{ type: 'rect', x: 0, y: 0, width: paper.canvasWidth, height: paper.canvasHeight, fill: '#ffffff' }]
  shapes.push({ type: 'rect', x: 5, y: 5, width: paper.canvasWidth - 10, height: paper.canvasHeight - 10, fill: 'none', stroke: BRAND, strokeWidth: 0.8 })
  shapes.push(...header(data, layout.header, measure))
  shapes.push(...drawMap(data.map, layout.map, measure))
  shapes.push(...duties(data, layout.duties, measure))
  shapes.push(...panel(data, layout, measure))
  shapes.push(...qrBlock(data, layout.qr, measure))
  shapes.push(...footer(data, paper, layout.footerY, measure))
  return { width: paper.canvasWidth, height: paper.canvasHeight, scale: paper.scale, title: data.title, shapes }
}

function header(data: SignboardData, box: Box, measure: MeasureText): Shape[] {
  let size = 15
  while (size > 8 && measure(data.title, size, 'bold') > box.width - 60) size -= 0.5
  const title = fitText(data.title, box.width - 60, size, 'bold', measure)
  const subtitle = data.jurisdiction ? `所属：${data.jurisdiction}` : ''
  return [
    { type: 'rect', ...box, fill: BRAND, radius: 1.5 },
    { type: 'rect', x: box.x, y: box.y + box.height - 1.6, width: box.width, height: 1.6, fill: '#e0b83a' },
    { type: 'text', x: box.x + box.width / 2, y: box.y + (subtitle ? 19 : 22), text: title, size, weight: 'bold', fill: '#ffffff', anchor: 'middle' },
    ...(subtitle
      ? [{ type: 'text', x: box.x + box.width / 2, y: box.y + 28.5, text: fitText(subtitle, box.width - 60, 4.6, 'regular', measure), size: 4.6, weight: 'regular', fill: '#dce7f7', anchor: 'middle' } as Shape]
      : []),
    { type: 'text', x: box.x + box.width - 4, y: box.y + 7, text: `编号 ${data.zone.code}`, size: 3.2, weight: 'regular', fill: '#dce7f7', anchor: 'end' },
  ]
}

function sectionHeading(text: string, x: number, y: number, width: number, size: number): Shape[] {
  return [
    { type: 'rect', x, y: y - size * 0.95, width: 1.4, height: size * 1.15, fill: ACCENT },
    { type: 'text', x: x + 3, y, text, size, weight: 'bold', fill: BRAND, anchor: 'start' },
    { type: 'rect', x, y: y + size * 0.45, width, height: 0.3, fill: RULE },
  ]
}

function duties(data: SignboardData, box: Box, measure: MeasureText): Shape[] {
  const text = data.duties || '（未设置职责说明）'
  let size = 4.8
  let lines = wrapText(text, box.width - 10, size, 'regular', measure)
  const fits = (count: number) => 15.5 + (count - 1) * size * 1.5 + size * 0.4 <= box.height - 2
  while (size > 2.8 && !fits(lines.length)) {
    size -= 0.2
    lines = wrapText(text, box.width - 10, size, 'regular', measure)
  }
  let maxLines = lines.length
  while (maxLines > 1 && !fits(maxLines)) maxLines--
  if (lines.length > maxLines) lines = [...lines.slice(0, maxLines - 1), fitText(lines.slice(maxLines - 1).join(''), box.width - 10, size, 'regular', measure)]
  const roleName = zoneKindTable[data.zone.kind].chiefRole
  return [
    { type: 'rect', ...box, fill: '#f1f5fb', radius: 1.5 },
    ...sectionHeading(`${roleName}职责`, box.x + 4, box.y + 7.5, box.width - 8, 4.6),
    ...lines.map((line, i): Shape => ({ type: 'text', x: box.x + 5, y: box.y + 15.5 + i * size * 1.5, text: line, size, weight: 'regular', fill: INK, anchor: 'start' })),
  ]
}

interface Block {
  height: number
  draw(x: number, y: number): Shape[]
}

/** One person (or department): name, title, phone on a line, what they hold under it. */
function personBlock(person: Person, width: number, f: number, measure: MeasureText, nameShare = 0.4): Block {
  const nameSize = 4.4 * f
  const smallSize = 3.1 * f
  const lineHeight = nameSize * 1.45
  const holdsHeight = person.holds ? smallSize * 1.5 : 0
  return {
    height: lineHeight + holdsHeight + 1.6 * f,
    draw(x, y) {
      const baseline = y + nameSize
      const indent = person.color ? 5 * f : 0
      const phone = person.phone ?? '—'
      const phoneWidth = measure(phone, nameSize, 'bold')
      const name = fitText(person.name, Math.min(width * nameShare, width - indent - phoneWidth - 4), nameSize, 'bold', measure)
      const nameWidth = measure(name, nameSize, 'bold')
      const titleRoom = width - indent - nameWidth - phoneWidth - 5
      const title = person.title && titleRoom > 6 ? fitText(person.title, titleRoom, smallSize, 'regular', measure) : ''
      const shapes: Shape[] = []
      if (person.color) shapes.push({ type: 'rect', x, y: baseline - nameSize * 0.8, width: 3.2 * f, height: nameSize * 0.9, fill: person.color, radius: 0.5 })
      shapes.push({ type: 'text', x: x + indent, y: baseline, text: name, size: nameSize, weight: 'bold', fill: INK, anchor: 'start' })
      if (title) shapes.push({ type: 'text', x: x + indent + nameWidth + 2, y: baseline, text: title, size: smallSize, weight: 'regular', fill: MUTED, anchor: 'start' })
      shapes.push({ type: 'text', x: x + width, y: baseline, text: phone, size: nameSize, weight: 'bold', fill: ACCENT, anchor: 'end' })
      if (person.holds) {
        shapes.push({
          type: 'text',
          x: x + indent,
          y: baseline + holdsHeight,
          text: fitText(`负责：${person.holds}`, width - indent, smallSize, 'regular', measure),
          size: smallSize,
          weight: 'regular',
          fill: MUTED,
          anchor: 'start',
        })
      }
      return shapes
    },
  }
}

function headingBlock(text: string, width: number, f: number): Block {
  const size = 4.4 * f
  return { height: size * 2.1, draw: (x, y) => sectionHeading(text, x, y + size * 1.25, width, size) }
}

function noteBlock(text: string, width: number, f: number, measure: MeasureText, color = MUTED): Block {
  const size = 3.1 * f
  return {
    height: size * 1.6,
    draw: (x, y) => [{ type: 'text', x, y: y + size * 1.1, text: fitText(text, width, size, 'regular', measure), size, weight: 'regular', fill: color, anchor: 'start' }],
  }
}

/** A department in a compact cell: its name, then its phone and the categories it handles. */
function departmentCell(name: string, phone: string | null, note: string, width: number, f: number, measure: MeasureText): Block {
  const size = 3.5 * f
  const small = 2.7 * f
  return {
    height: size * 2.75 + 1.4 * f,
    draw(x, y) {
      const phoneText = phone ?? '—'
      const phoneWidth = measure(phoneText, size, 'bold')
      const shapes: Shape[] = [
        { type: 'text', x, y: y + size, text: fitText(name, width, size, 'bold', measure), size, weight: 'bold', fill: INK, anchor: 'start' },
        { type: 'text', x, y: y + size * 2.35, text: phoneText, size, weight: 'bold', fill: ACCENT, anchor: 'start' },
      ]
      if (note && width - phoneWidth - 3 > 8) {
        shapes.push({ type: 'text', x: x + phoneWidth + 2.5, y: y + size * 2.35, text: fitText(note, width - phoneWidth - 2.5, small, 'regular', measure), size: small, weight: 'regular', fill: MUTED, anchor: 'start' })
      }
      return shapes
    },
  }
}

function departmentBlocks(data: SignboardData, width: number, f: number, measure: MeasureText, limit: number): Block[] {
  const entries = [
    ...data.departments.map((d) => ({ name: d.name, phone: d.phone, note: d.categories.join('、') })),
    ...(data.fallback ? [{ name: data.fallback.name, phone: data.fallback.phone, note: '属地兜底' }] : []),
  ]
  if (entries.length === 0) return [headingBlock('职能部门', width, f), noteBlock('暂未指定职能部门', width, f, measure, ACCENT)]
  const columns = Math.max(1, Math.floor((width + 4) / 62))
  const cellWidth = (width - (columns - 1) * 4) / columns
  const shown = entries.slice(0, limit)
  const blocks = [headingBlock('职能部门', width, f), ...cellRows(shown.map((e) => departmentCell(e.name, e.phone, e.note, cellWidth, f, measure)), columns, cellWidth + 4)]
  if (entries.length > shown.length) blocks.push(noteBlock(`另有 ${entries.length - shown.length} 个部门，请扫码查看`, width, f, measure, ACCENT))
  return blocks
}

function peopleBlocks(data: SignboardData, width: number, f: number, measure: MeasureText, limit: number, compact: boolean): Block[] {
  const blocks: Block[] = []
  if (data.groups.length === 0) return [headingBlock('责任人', width, f), noteBlock('暂未指定责任人', width, f, measure, ACCENT)]
  let shown = 0
  const hidden: string[] = []
  for (const group of data.groups) {
    const visible = group.people.slice(0, Math.max(0, limit - shown))
    if (visible.length) blocks.push(headingBlock(group.heading, width, f))
    if (compact && visible.length > 2 && !visible.some((person) => person.color)) {
      // Many grid or street chiefs: two to a row, so the panel keeps room for everyone.
      const cellWidth = (width - 5) / 2
      const cells = visible.map((person) => personBlock({ ...person, title: null }, cellWidth, f * 0.92, measure, 0.45))
      blocks.push(...cellRows(cells, 2, cellWidth + 5))
    } else {
      for (const person of visible) blocks.push(personBlock(person, width, f, measure))
    }
    shown += visible.length
    if (group.people.length > visible.length) hidden.push(`${group.heading} ${group.people.length - visible.length} 位`)
  }
  if (hidden.length) blocks.push(noteBlock(`另有${hidden.join('、')}，请扫码查看全部责任人`, width, f, measure, ACCENT))
  return blocks
}

/** Cells side by side, `columns` to a row, `pitch` millimetres apart. */
function cellRows(cells: Block[], columns: number, pitch: number): Block[] {
  const rows: Block[] = []
  for (let start = 0; start < cells.length; start += columns) {
    const row = cells.slice(start, start + columns)
    rows.push({ height: Math.max(...row.map((cell) => cell.height)), draw: (x, y) => row.flatMap((cell, i) => cell.draw(x + i * pitch, y)) })
  }
  return rows
}

const heightOf = (blocks: Block[]) => blocks.reduce((sum, block) => sum + block.height, 0)

/**
 * The first way that fits: the largest text scale with one person to a line, then two to a line
 * for long lists, then, at the smallest legible scale, as many people as fit.
 */
function fitBlocks(box: Box, build: (f: number, limit: number, compact: boolean) => Block[]): Block[] {
  // Larger than 1 fills a sparse panel; 0.8 keeps the smallest text near 7 pt on A3.
  for (const compact of [false, true]) {
    for (const f of [1.15, 1.08, 1, 0.94, 0.88, ...(compact ? [0.84, 0.8] : [])]) {
      const blocks = build(f, Infinity, compact)
      if (heightOf(blocks) <= box.height) return blocks
    }
  }
  for (let limit = 40; limit >= 0; limit--) {
    const blocks = build(0.8, limit, true)
    if (heightOf(blocks) <= box.height) return blocks
  }
  return build(0.8, 0, true)
}

function flow(blocks: Block[], box: Box): Shape[] {
  let y = box.y
  return blocks.flatMap((block) => {
    const shapes = block.draw(box.x, y)
    y += block.height
    return shapes
  })
}

/** The people panel's groups: the chiefs, then the shown staff where the city prints them (docs/rosters.md). */
function withStaff(data: SignboardData): SignboardData {
  if (!data.staffOnBoard || data.staff.length === 0) return data
  const staff: Person[] = data.staff.map((s) => ({ role: s.role, name: s.name, title: [s.role, s.shift].filter(Boolean).join(' '), phone: s.phone, holds: null }))
  return { ...data, groups: [...data.groups, { heading: '值守人员', people: staff }] }
}

function panel(data: SignboardData, layout: Layout, measure: MeasureText): Shape[] {
  data = withStaff(data)
  const { people, departments } = layout
  const inner: Box = { x: departments.x + 4, y: departments.y + 1.5, width: departments.width - 8, height: departments.height - 3 }
  return [
    ...flow(fitBlocks(people, (f, limit, compact) => peopleBlocks(data, people.width, f, measure, limit, compact)), people),
    { type: 'rect', ...departments, fill: '#f1f5fb', radius: 1.5 },
    ...flow(fitBlocks(inner, (f, limit) => departmentBlocks(data, inner.width, f, measure, limit)), inner),
  ]
}

function qrBlock(data: SignboardData, box: Box, measure: MeasureText): Shape[] {
  const size = box.height
  const textX = box.x + size + 4
  const textWidth = box.width - size - 4
  const role = data.groups[0]?.heading ?? '责任人'
  // The URL is printed whole (people type it when a camera fails), smaller if it must be.
  let urlSize = 2.4
  while (urlSize > 1.6 && measure(data.qrUrl, urlSize, 'regular') > textWidth) urlSize -= 0.1
  const lines: Shape[] = [
    { type: 'text', x: textX, y: box.y + 8, text: fitText(`扫码联系${role}`, textWidth, 5, 'bold', measure), size: 5, weight: 'bold', fill: BRAND, anchor: 'start' },
    { type: 'text', x: textX, y: box.y + 14.5, text: fitText('一键拨号 · 发送位置', textWidth, 3.4, 'regular', measure), size: 3.4, weight: 'regular', fill: INK, anchor: 'start' },
    { type: 'text', x: textX, y: box.y + 19.5, text: fitText('反映问题 · 查看责任人', textWidth, 3.4, 'regular', measure), size: 3.4, weight: 'regular', fill: INK, anchor: 'start' },
    { type: 'text', x: textX, y: box.y + 33, text: '监督电话', size: 3.8, weight: 'regular', fill: MUTED, anchor: 'start' },
    { type: 'text', x: textX, y: box.y + 44, text: data.hotline, size: 10, weight: 'bold', fill: ACCENT, anchor: 'start' },
    { type: 'text', x: textX, y: box.y + size - 1.5, text: data.qrUrl, size: urlSize, weight: 'regular', fill: MUTED, anchor: 'start' },
  ]
  return [
    { type: 'rect', ...box, fill: '#f1f5fb', radius: 1.5 },
    ...drawQr(data.qrUrl, box.x, box.y, size),
    { type: 'rect', x: box.x, y: box.y, width: size, height: size, fill: 'none', stroke: RULE, strokeWidth: 0.3 },
    ...lines,
  ]
}

const dateFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' })

function footer(data: SignboardData, paper: Paper, y: number, measure: MeasureText): Shape[] {
  const size = 3.2
  const left = `生成日期：${dateFormat.format(data.generatedAt)}`
  const right = '街长制 · 谁主管谁负责，属地兜底'
  return [
    { type: 'text', x: 12, y, text: left, size, weight: 'regular', fill: MUTED, anchor: 'start' },
    { type: 'text', x: paper.canvasWidth - 12, y, text: fitText(right, paper.canvasWidth / 2 - measure(left, size, 'regular'), size, 'regular', measure), size, weight: 'regular', fill: MUTED, anchor: 'end' },
  ]
}
