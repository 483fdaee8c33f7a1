/**
 * What an edit did to a coverage audit: the findings present after it and not before (added) and
 * those gone after it (resolved). Pure: takes two audit reports (or null for a jurisdiction that did
 * not exist on one side) and compares their lists by stable keys.
 */

import type { Geometry } from '../kernel/schemas.js'
import type { AuditChanges, CoverageReport, Gap, Overlap, Spill, Unassigned, UncoveredStreet } from './coverage.schemas.js'

export type GapItem = Gap
export type OverlapItem = Overlap
export type SpillItem = Spill
export type UncoveredStreetItem = UncoveredStreet
export type UnassignedItem = Unassigned

/** The finding lists of one audit report. */
export type AuditLists = Pick<CoverageReport, 'gaps' | 'overlaps' | 'spills' | 'uncovered_streets' | 'unassigned'>

type Keyed<T> = T & { key: string }
/** The same lists, each finding with its stable key, as an edit's audit effect reports them. */
export type KeyedLists = AuditChanges

export interface AuditDiff {
  added: KeyedLists
  resolved: KeyedLists
}

/**
 * A gap has no name, so it is known by where it is and how big: its centroid to 1e-5° (~1 m) and
 * its area to the square metre. Unchanged gaps come out of the same SQL with the same coordinates,
 * so the key is stable; the tolerant match below covers a key that flips at a rounding boundary.
 */
export function gapKey(gap: GapItem): string {
  const [lon, lat] = centroid(gap.geometry) ?? [0, 0]
  return `${lon.toFixed(5)},${lat.toFixed(5)}:${Math.round(gap.area_m2)}`
}

export const overlapKey = (overlap: OverlapItem): string => `${overlap.a}|${overlap.b}`
export const spillKey = (spill: SpillItem): string => spill.grid
export const uncoveredStreetKey = (street: UncoveredStreetItem): string => street.street
/** Codes are unique per kind only, and a category's code is its name. */
export const unassignedKey = (item: UnassignedItem): string => `${item.kind}:${item.code}:${item.missing}`

const emptyLists = (): AuditLists => ({ gaps: [], overlaps: [], spills: [], uncovered_streets: [], unassigned: [] })

export function diffAudits(before: AuditLists | null, after: AuditLists | null): AuditDiff {
  const was = before ?? emptyLists()
  const now = after ?? emptyLists()
  const gaps = diffGaps(was.gaps, now.gaps)
  const overlaps = diffByKey(was.overlaps, now.overlaps, overlapKey)
  const spills = diffByKey(was.spills, now.spills, spillKey)
  const streets = diffByKey(was.uncovered_streets, now.uncovered_streets, uncoveredStreetKey)
  const unassigned = diffByKey(was.unassigned, now.unassigned, unassignedKey)
  return {
    added: {
      gaps: gaps.added,
      overlaps: overlaps.added,
      spills: spills.added,
      uncovered_streets: streets.added,
      unassigned: unassigned.added,
    },
    resolved: {
      gaps: gaps.resolved,
      overlaps: overlaps.resolved,
      spills: spills.resolved,
      uncovered_streets: streets.resolved,
      unassigned: unassigned.resolved,
    },
  }
}

function diffByKey<T>(before: T[], after: T[], keyOf: (item: T) => string): { added: Keyed<T>[]; resolved: Keyed<T>[] } {
  const beforeKeys = new Set(before.map(keyOf))
  const afterKeys = new Set(after.map(keyOf))
  return {
    added: after.filter((item) => !beforeKeys.has(keyOf(item))).map((item) => ({ ...item, key: keyOf(item) })),
    resolved: before.filter((item) => !afterKeys.has(keyOf(item))).map((item) => ({ ...item, key: keyOf(item) })),
  }
}

/** Two gaps this close are the same gap, whatever their rounded keys say. */
const GAP_CENTROID_TOLERANCE_DEG = 2e-5
const gapAreaTolerance = (area: number) => Math.max(1, area * 1e-4)

function diffGaps(before: GapItem[], after: GapItem[]): { added: Keyed<GapItem>[]; resolved: Keyed<GapItem>[] } {
  const was = before.map((gap) => ({ gap, key: gapKey(gap), centre: centroid(gap.geometry), matched: false }))
  const now = after.map((gap) => ({ gap, key: gapKey(gap), centre: centroid(gap.geometry), matched: false }))
  // Exact keys first, so a near match cannot take the partner of an exact one.
  const byKey = new Map<string, (typeof was)[number][]>()
  for (const entry of was) byKey.set(entry.key, [...(byKey.get(entry.key) ?? []), entry])
  for (const entry of now) {
    const partner = byKey.get(entry.key)?.find((candidate) => !candidate.matched)
    if (partner) {
      partner.matched = true
      entry.matched = true
    }
  }
  for (const entry of now) {
    if (entry.matched || !entry.centre) continue
    const partner = was.find(
      (candidate) =>
        !candidate.matched &&
        candidate.centre !== null &&
        Math.abs(candidate.centre[0] - entry.centre![0]) <= GAP_CENTROID_TOLERANCE_DEG &&
        Math.abs(candidate.centre[1] - entry.centre![1]) <= GAP_CENTROID_TOLERANCE_DEG &&
        Math.abs(candidate.gap.area_m2 - entry.gap.area_m2) <= gapAreaTolerance(Math.max(candidate.gap.area_m2, entry.gap.area_m2)),
    )
    if (partner) {
      partner.matched = true
      entry.matched = true
    }
  }
  return {
    added: now.filter((entry) => !entry.matched).map(({ gap, key }) => ({ ...gap, key })),
    resolved: was.filter((entry) => !entry.matched).map(({ gap, key }) => ({ ...gap, key })),
  }
}

type Ring = [number, number][]

/**
 * Area-weighted centroid of a Polygon or MultiPolygon in its own (planar lon/lat) coordinates,
 * holes subtracted; the mean of its vertices when it has no area. Null for anything else.
 */
export function centroid(geometry: Geometry | { type: string; coordinates?: unknown }): [number, number] | null {
  const polygons: Ring[][] =
    geometry.type === 'Polygon'
      ? [geometry.coordinates as Ring[]]
      : geometry.type === 'MultiPolygon'
        ? (geometry.coordinates as Ring[][])
        : []
  if (!Array.isArray(polygons) || polygons.length === 0) return null
  let area = 0
  let sumX = 0
  let sumY = 0
  let vertices = 0
  let meanX = 0
  let meanY = 0
  for (const polygon of polygons) {
    for (const [index, ring] of (polygon ?? []).entries()) {
      if (!Array.isArray(ring) || ring.length === 0) continue
      // Rings are shifted to their first vertex so that lon/lat magnitudes do not cost precision.
      const [x0, y0] = ring[0]!
      let ringArea = 0
      let ringX = 0
      let ringY = 0
      for (let i = 0; i + 1 < ring.length; i++) {
        const [ax, ay] = [ring[i]![0] - x0, ring[i]![1] - y0]
        const [bx, by] = [ring[i + 1]![0] - x0, ring[i + 1]![1] - y0]
        const cross = ax * by - bx * ay
        ringArea += cross
        ringX += (ax + bx) * cross
        ringY += (ay + by) * cross
      }
      ringArea /= 2
      // Outer rings count positive and holes negative, whichever way they wind.
      const sign = (index === 0 ? 1 : -1) * Math.sign(ringArea)
      if (ringArea !== 0) {
        area += sign * ringArea
        sumX += sign * (ringX / 6 + x0 * ringArea)
        sumY += sign * (ringY / 6 + y0 * ringArea)
      }
      for (const [x, y] of ring) {
        vertices++
        meanX += (x - meanX) / vertices
        meanY += (y - meanY) / vertices
      }
    }
  }
  if (vertices === 0) return null
  if (Math.abs(area) < 1e-20) return [meanX, meanY]
  return [sumX / area, sumY / area]
}
