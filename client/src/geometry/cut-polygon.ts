import { booleanPointInPolygon, feature, featureCollection, intersect, lineString, pointOnFeature, polygonize } from '@turf/turf'
import { nodeLines } from './node-lines.js'
import { fail, ok, partsOf, ringsOf, type Areal, type Outcome, type Polygon, type Position } from './types.js'
import { DRAWING_REASONS } from './drawing-reasons.js'

/**
 * Cuts a polygon along lines (a drawn cut, or street centre lines): the pieces are the faces of the
 * polygon's rings and the lines noded together that lie inside the polygon. Neighbouring pieces
 * share their cut edge vertex for vertex, so they leave no sliver between them.
 */
export function cutPolygon(area: Areal, cuts: Position[][]): Outcome<Polygon[]> {
  if (cuts.length === 0) return fail(DRAWING_REASONS.cutNeedsALine)
  const edges = nodeLines([...ringsOf(area), ...cuts])
  let faces: Polygon[]
  try {
    faces = polygonize(featureCollection(edges.map((edge) => lineString(edge)))).features.map((f) => f.geometry)
  } catch {
    return fail(DRAWING_REASONS.cutFailed)
  }
  let inside = faces.filter((face) => booleanPointInPolygon(pointOnFeature(face), area))
  // The polygonizer gives faces without holes; a hole of the original is taken back out.
  if (partsOf(area).some((part) => part.length > 1)) {
    inside = inside.flatMap((face) => {
      const clipped = intersect(featureCollection([feature(face), feature(area)]))
      if (!clipped) return []
      const g = clipped.geometry
      return g.type === 'Polygon' ? [g] : g.coordinates.map((coordinates) => ({ type: 'Polygon' as const, coordinates }))
    })
  }
  if (inside.length < 2) return fail(DRAWING_REASONS.cutDoesNotCross)
  return ok(inside)
}

