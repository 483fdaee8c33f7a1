import type { Geometry } from '../db/geo-sql.js'
import { pathOf, type MeasureText, type Shape } from './drawing.js'
import { boxesOverlap, boxInside, placeAlongLine, pointAlong, polylineLength, rotatedBox, type Box, type Point } from './label-placement.js'
import { scaleBarLength } from './scale-bar.js'
import type { MapData } from './signboard-data.js'

/**
 * Draws the signboard map from the project's own data into `frame` (millimetres): jurisdiction
 * and grid boundaries, streets in grey with names, the zone highlighted, its segments in colour
 * with their chiefs, a north arrow, a scale bar in metres and the data attribution.
 */
const INK = '#222222'
const ROAD_CASING = '#a9a9a9'
const ROAD_FILL = '#ffffff'
const GRID_LINE = '#4a7fc1'
const HALO = { color: '#ffffff', width: 0.9 }

type Line = Point[]

function linesOf(geometry: Geometry): Line[] {
  const coordinates = geometry.coordinates as unknown
  switch (geometry.type) {
    case 'LineString':
      return [coordinates as Line]
    case 'MultiLineString':
    case 'Polygon':
      return coordinates as Line[]
    case 'MultiPolygon':
      return (coordinates as Line[][]).flat()
    default:
      return []
  }
}

export function drawMap(map: MapData, frame: Box, measure: MeasureText): Shape[] {
  const k = frame.width / (map.extent.maxX - map.extent.minX)
  const project = ([x, y]: Point): Point => [frame.x + (x - map.extent.minX) * k, frame.y + (map.extent.maxY - y) * k]
  const pageLines = (geometry: Geometry) => linesOf(geometry).map((line) => line.map(project)).filter((line) => line.length > 1)
  const roadWidth = (metres: number) => Math.min(5, Math.max(1.4, metres * k))
  const layers: Shape[] = [{ type: 'rect', ...frame, fill: '#f4f2ec' }]
  const labels: Shape[] = []
  const placed: Box[] = []
  const inner: Box = { x: frame.x + 1, y: frame.y + 1, width: frame.width - 2, height: frame.height - 2 }

  for (const jurisdiction of map.jurisdictions) {
    const d = pageLines(jurisdiction.geometry).map((line) => pathOf(line)).join('')
    layers.push({ type: 'path', d, stroke: '#8e6fb0', strokeWidth: 0.8, dash: [3, 1.2, 0.6, 1.2], fill: 'none' })
  }

  if (map.focus.kind === 'grid' || map.focus.kind === 'community') {
    const d = pageLines(map.focus.outline).map((line) => pathOf(line, true)).join('')
    layers.push({ type: 'path', d, fill: '#fbe3d6', stroke: 'none' })
  }

  for (const grid of map.grids) {
    const d = pageLines(grid.geometry).map((line) => pathOf(line)).join('')
    layers.push({ type: 'path', d, stroke: GRID_LINE, strokeWidth: grid.isFocus ? 0 : 0.35, dash: [1.6, 0.9], fill: 'none' })
  }

  // Roads: a grey casing under a white fill, as on a street map; the widest drawn first.
  const streets = [...map.streets].sort((a, b) => a.widthM - b.widthM)
  for (const street of streets) {
    const d = pageLines(street.geometry).map((line) => pathOf(line)).join('')
    layers.push({ type: 'path', d, stroke: ROAD_CASING, strokeWidth: roadWidth(street.widthM) + 0.5, lineCap: 'round', lineJoin: 'round', fill: 'none' })
  }
  for (const street of streets) {
    const d = pageLines(street.geometry).map((line) => pathOf(line)).join('')
    layers.push({ type: 'path', d, stroke: ROAD_FILL, strokeWidth: roadWidth(street.widthM), lineCap: 'round', lineJoin: 'round', fill: 'none' })
  }

  // The zone itself.
  if (map.focus.line) {
    const width = roadWidth(map.focus.widthM) + 1.6
    const d = pageLines(map.focus.line).map((line) => pathOf(line)).join('')
    layers.push({ type: 'path', d, stroke: '#f2b8b8', strokeWidth: width + 1.2, lineCap: 'round', lineJoin: 'round', fill: 'none' })
    const hasSegments = map.focus.kind === 'street' && map.segments.length > 0
    if (!hasSegments) layers.push({ type: 'path', d, stroke: '#c8102e', strokeWidth: width * 0.55, lineCap: 'round', lineJoin: 'round', fill: 'none' })
  } else {
    const d = pageLines(map.focus.outline).map((line) => pathOf(line, true)).join('')
    layers.push({ type: 'path', d, fill: 'none', stroke: '#c8102e', strokeWidth: 1.1, lineJoin: 'round' })
  }

  for (const segment of map.segments) {
    const d = pageLines(segment.geometry).map((line) => pathOf(line)).join('')
    const width = Math.max(1.6, roadWidth(segment.widthM) * (segment.isFocus ? 0.8 : 0.6))
    layers.push({ type: 'path', d, stroke: segment.color, strokeWidth: width, opacity: segment.isFocus || map.focus.kind === 'street' ? 1 : 0.55, lineCap: 'butt', lineJoin: 'round', fill: 'none' })
  }
  // A small white mark where one segment ends and the next begins, once per joint.
  const joints: Point[] = []
  for (const segment of map.segments) {
    const width = Math.max(1.6, roadWidth(segment.widthM) * (segment.isFocus ? 0.8 : 0.6))
    for (const line of pageLines(segment.geometry)) {
      for (const end of [line[0]!, line[line.length - 1]!]) {
        if (joints.some(([x, y]) => Math.hypot(x - end[0], y - end[1]) < width)) continue
        joints.push(end)
        layers.push({ type: 'circle', cx: end[0], cy: end[1], r: width * 0.4, fill: '#ffffff', stroke: '#555555', strokeWidth: 0.3 })
      }
    }
  }

  // Labels, most important first, so that they win the space: the north arrow, scale bar and
  // attribution corners are reserved before any label is placed.
  const north = northArrow(frame)
  const scale = scaleBar(frame, k, measure)
  const attribution = attributionLabel(frame, map.attribution, measure)
  placed.push(north.box, scale.box, attribution.box)
  // Street names keep off the highlighted zone and its segments, so the colours stay readable.
  const highlighted = [...(map.focus.line ? pageLines(map.focus.line) : []), ...map.segments.flatMap((segment) => pageLines(segment.geometry))]
  const keepOut = highlighted.flatMap((line) => boxesAlong(line, roadWidth(map.focus.widthM) + 1))

  const focusName = map.focus.streetName ?? undefined
  for (const segment of map.segments) {
    if (!segment.chief) continue
    const text = `${segment.isFocus ? '本段' : ''}段长 ${segment.chief}`
    const size = 3.4
    const width = measure(text, size, 'bold') + 1.6
    const line = longest(pageLines(segment.geometry))
    const offset = roadWidth(segment.widthM) / 2 + 3.2
    const placement =
      placeAlongLine(line, width, size * 1.25, inner, placed, offset) ?? placeAlongLine(line, width, size * 1.25, inner, placed, -offset)
    if (!placement) continue
    placed.push(placement.box)
    labels.push(...textAt(placement, text, size, 'bold', segment.color))
  }

  const seen = new Set<string>()
  const ordered = [...map.streets].sort((a, b) => Number(b.name === focusName) - Number(a.name === focusName) || b.widthM - a.widthM)
  for (const street of ordered) {
    const isFocus = street.name === focusName
    if (seen.has(street.name) && !isFocus) continue
    const size = isFocus ? 4.2 : street.widthM >= 20 ? 3.6 : 3
    const width = measure(street.name, size, isFocus ? 'bold' : 'regular') + 1
    const line = longest(pageLines(street.geometry))
    if (polylineLength(line) < width * 1.1) continue
    const placement = isFocus
      ? placeAlongLine(line, width, size * 1.2, inner, placed, map.segments.length ? -(roadWidth(street.widthM) / 2 + 3) : 0)
      : placeAlongLine(line, width, size * 1.2, inner, [...placed, ...keepOut])
    if (!placement) continue
    seen.add(street.name)
    placed.push(placement.box)
    labels.push(...textAt(placement, street.name, size, isFocus ? 'bold' : 'regular', isFocus ? '#8a0a1f' : '#4d4d4d'))
  }

  for (const grid of map.grids) {
    const [x, y] = project(grid.label)
    const size = grid.isFocus ? 4 : 2.8
    const width = measure(grid.name, size, 'regular') + 1
    const box = rotatedBox(x, y, width, size * 1.2, 0)
    if (!boxInside(box, inner) || placed.some((other) => boxesOverlap(box, other, 0.5))) continue
    placed.push(box)
    labels.push({ type: 'text', x, y: y + size * 0.35, text: grid.name, size, weight: grid.isFocus ? 'bold' : 'regular', fill: grid.isFocus ? '#8a0a1f' : GRID_LINE, anchor: 'middle', halo: HALO })
  }

  return [
    { type: 'group', clip: frame, children: [...layers, ...labels, ...north.shapes, ...scale.shapes, ...attribution.shapes] },
    { type: 'rect', ...frame, fill: 'none', stroke: INK, strokeWidth: 0.5 },
  ]
}

/** Square boxes every `size` millimetres along a line: the room a drawn line takes from labels. */
function boxesAlong(line: Line, size: number): Box[] {
  const boxes: Box[] = []
  const length = polylineLength(line)
  for (let at = 0; at <= length; at += size) {
    const { x, y } = pointAlong(line, at)
    boxes.push({ x: x - size / 2, y: y - size / 2, width: size, height: size })
  }
  return boxes
}

function longest(lines: Line[]): Line {
  return lines.reduce<Line>((best, line) => (polylineLength(line) > polylineLength(best) ? line : best), lines[0] ?? [])
}

/**
 * A label at a placement (its centre). Along steep lines Chinese is set as upright characters
 * stacked top to bottom, as on Chinese street maps; elsewhere the text follows the line.
 */
function textAt(placement: { x: number; y: number; angle: number }, text: string, size: number, weight: 'regular' | 'bold', fill: string): Shape[] {
  const characters = [...text]
  if (Math.abs(placement.angle) > 60 && characters.every((c) => /[\u3000-\u9fff\uff00-\uffef]/.test(c) || c === ' ')) {
    const angle = placement.angle < 0 ? placement.angle + 180 : placement.angle
    const dx = Math.cos((angle * Math.PI) / 180)
    const dy = Math.sin((angle * Math.PI) / 180)
    const step = size * 1.05
    return characters.map((character, i): Shape => {
      const along = (i - (characters.length - 1) / 2) * step
      return { type: 'text', x: placement.x + dx * along, y: placement.y + dy * along + size * 0.35, text: character, size, weight, fill, anchor: 'middle', halo: HALO }
    })
  }
  // The baseline sits about a third of the size below the centre, across the text's direction.
  const radians = (placement.angle * Math.PI) / 180
  const drop = size * 0.35
  return [
    {
      type: 'text',
      x: placement.x - Math.sin(radians) * drop,
      y: placement.y + Math.cos(radians) * drop,
      text,
      size,
      weight,
      fill,
      anchor: 'middle',
      rotate: placement.angle,
      halo: HALO,
    },
  ]
}

function northArrow(frame: Box): { shapes: Shape[]; box: Box } {
  const cx = frame.x + frame.width - 12
  const top = frame.y + 6
  const box = { x: cx - 8, y: frame.y, width: 20, height: 26 }
  return {
    box,
    shapes: [
      { type: 'circle', cx, cy: top + 10, r: 7.5, fill: '#ffffff', stroke: INK, strokeWidth: 0.35, opacity: 0.92 },
      { type: 'path', d: `M${cx} ${top + 3}L${cx + 3.6} ${top + 15}L${cx} ${top + 12.2}Z`, fill: INK, stroke: INK, strokeWidth: 0.2 },
      { type: 'path', d: `M${cx} ${top + 3}L${cx - 3.6} ${top + 15}L${cx} ${top + 12.2}Z`, fill: '#ffffff', stroke: INK, strokeWidth: 0.3, lineJoin: 'round' },
      { type: 'text', x: cx, y: top + 22.5, text: '北 N', size: 3.2, weight: 'bold', fill: INK, anchor: 'middle', halo: HALO },
    ],
  }
}

function scaleBar(frame: Box, k: number, measure: MeasureText): { shapes: Shape[]; box: Box } {
  const bar = scaleBarLength(k, Math.min(60, frame.width * 0.25))
  const x = frame.x + 6
  const y = frame.y + frame.height - 8
  const half = bar.mm / 2
  const labelWidth = measure(bar.label, 3, 'regular')
  return {
    box: { x: frame.x, y: y - 8, width: bar.mm + labelWidth + 16, height: 16 },
    shapes: [
      { type: 'rect', x: x - 2, y: y - 6.5, width: bar.mm + labelWidth + 8, height: 10, fill: '#ffffff', opacity: 0.85, radius: 1 },
      { type: 'rect', x, y, width: half, height: 1.6, fill: INK, stroke: INK, strokeWidth: 0.25 },
      { type: 'rect', x: x + half, y, width: half, height: 1.6, fill: '#ffffff', stroke: INK, strokeWidth: 0.25 },
      { type: 'text', x, y: y - 1.2, text: '0', size: 2.8, weight: 'regular', fill: INK, anchor: 'middle' },
      { type: 'text', x: x + bar.mm, y: y - 1.2, text: String(bar.metres >= 1000 ? bar.metres / 1000 : bar.metres), size: 2.8, weight: 'regular', fill: INK, anchor: 'middle' },
      { type: 'text', x: x + bar.mm + 3, y: y + 1.6, text: bar.metres >= 1000 ? '千米' : '米', size: 3, weight: 'regular', fill: INK, anchor: 'start' },
    ],
  }
}

function attributionLabel(frame: Box, text: string, measure: MeasureText): { shapes: Shape[]; box: Box } {
  const size = 2.5
  const width = measure(text, size, 'regular') + 3
  const x = frame.x + frame.width - width
  const y = frame.y + frame.height - 4.6
  return {
    box: { x, y, width, height: 4.6 },
    shapes: [
      { type: 'rect', x, y, width, height: 4.6, fill: '#ffffff', opacity: 0.85 },
      { type: 'text', x: x + 1.5, y: y + 3.3, text, size, weight: 'regular', fill: '#555555', anchor: 'start' },
    ],
  }
}
