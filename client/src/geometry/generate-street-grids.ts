import { area, centroid, distance, feature, featureCollection, union } from '@turf/turf'
import { cutPolygon } from './cut-polygon.js'
import { generateLatticeGrids } from './generate-lattice-grids.js'
import { keyOf } from './node-lines.js'
import { fail, ok, type Areal, type Outcome, type Polygon, type Position } from './types.js'
import { DRAWING_REASONS } from './drawing-reasons.js'

/**
 * Cuts a jurisdiction into `count` grids along its streets: the blocks bounded by street centre
 * lines (and the boundary) are grouped into `count` contiguous grids of similar area. Groups grow
 * by repeatedly merging the smallest group into its smallest neighbour; when there are fewer
 * blocks than grids, the largest grid is halved as a lattice would.
 */
export function generateStreetGrids(boundary: Areal, streets: Position[][], count = 16): Outcome<Areal[]> {
  if (!Number.isInteger(count) || count < 1 || count > 400) return fail(DRAWING_REASONS.gridCountOutOfRange)
  const cut = streets.length ? cutPolygon(boundary, streets) : null
  const blocks: Polygon[] = cut?.valid ? cut.value : splitToPolygons(boundary)

  const groups: Group[] = blocks.map((block, index) => ({
    blocks: [index],
    areaM2: area(block),
    edges: new Set(edgeKeys(block)),
    centre: centroid(block).geometry.coordinates,
  }))
  while (groups.length > count) {
    groups.sort((a, b) => a.areaM2 - b.areaM2)
    const smallest = groups[0]!
    let best = -1
    for (let i = 1; i < groups.length; i++) {
      if (!shareAnEdge(smallest, groups[i]!)) continue
      if (best < 0 || groups[i]!.areaM2 < groups[best]!.areaM2) best = i
    }
    // An island block (no shared edge) joins the nearest group.
    if (best < 0) {
      best = 1
      for (let i = 2; i < groups.length; i++) {
        if (distance(smallest.centre, groups[i]!.centre) < distance(smallest.centre, groups[best]!.centre)) best = i
      }
    }
    const into = groups[best]!
    into.blocks.push(...smallest.blocks)
    into.centre = weightedCentre(into, smallest)
    into.areaM2 += smallest.areaM2
    for (const key of smallest.edges) {
      if (into.edges.has(key)) into.edges.delete(key)
      else into.edges.add(key)
    }
    groups.shift()
  }

  let grids: Areal[] = groups.map((group) => mergeBlocks(group.blocks.map((i) => blocks[i]!)))
  while (grids.length < count) {
    grids.sort((a, b) => area(b) - area(a))
    const halves = generateLatticeGrids(grids[0]!, 2)
    if (!halves.valid || halves.value.length < 2) break
    grids = [...halves.value, ...grids.slice(1)]
  }
  if (grids.length !== count) return fail(DRAWING_REASONS.couldNotMakeThatManyGrids)
  return ok(grids)
}


interface Group {
  blocks: number[]
  areaM2: number
  /** The group's outline as edge keys; an edge shared by two blocks inside it cancels out. */
  edges: Set<string>
  centre: Position
}

function edgeKeys(polygon: Polygon): string[] {
  const keys: string[] = []
  for (const ring of polygon.coordinates) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = keyOf(ring[i]!)
      const b = keyOf(ring[i + 1]!)
      keys.push(a < b ? `${a}|${b}` : `${b}|${a}`)
    }
  }
  return keys
}

function shareAnEdge(a: Group, b: Group): boolean {
  const [small, large] = a.edges.size < b.edges.size ? [a, b] : [b, a]
  for (const key of small.edges) if (large.edges.has(key)) return true
  return false
}

function weightedCentre(a: Group, b: Group): Position {
  const total = a.areaM2 + b.areaM2
  return [
    (a.centre[0]! * a.areaM2 + b.centre[0]! * b.areaM2) / total,
    (a.centre[1]! * a.areaM2 + b.centre[1]! * b.areaM2) / total,
  ]
}

function mergeBlocks(blocks: Polygon[]): Areal {
  if (blocks.length === 1) return blocks[0]!
  const merged = union(featureCollection(blocks.map((b) => feature(b))))
  return merged ? merged.geometry : blocks[0]!
}

function splitToPolygons(boundary: Areal): Polygon[] {
  return boundary.type === 'Polygon' ? [boundary] : boundary.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }))
}
