import type { Feature, FeatureCollection, Geometry } from 'geojson'

/** The engine's shapes, as in the HTTP API contract. */
export type ZoneKind = 'district' | 'subdistrict' | 'community' | 'grid' | 'street' | 'segment' | 'frontage'
export const ZONE_KINDS: ZoneKind[] = ['district', 'subdistrict', 'community', 'grid', 'street', 'segment', 'frontage']
export const JURISDICTION_KINDS: ZoneKind[] = ['district', 'subdistrict', 'community']
export type Duty = 'chief' | 'department' | 'merchant' | 'fallback'
export type Crs = 'wgs84' | 'gcj02' | 'bd09'

export interface Contact {
  name: string
  phone: string | null
  title?: string | null
  role?: string | null
}

export interface ZoneProperties {
  id: number
  kind: ZoneKind
  code: string
  name: string
  parent_id: number | null
  parent_code: string | null
  street_class: string | null
  width_m: number | null
  version: number
  area_m2: number | null
  length_m?: number | null
  chief: Contact | null
  department: Contact | null
  merchant: Contact | null
  fallback: Contact | null
  children_count?: number
}

export type ZoneFeature = Feature<Geometry, ZoneProperties> & { id: number }
export type ZoneCollection = FeatureCollection<Geometry, ZoneProperties>

export interface ZoneInput {
  kind: ZoneKind
  code: string
  name: string
  parent?: string | null
  geometry: Geometry
  width_m?: number | null
  street_class?: string | null
}

export interface ZoneRef {
  id: number
  kind: ZoneKind
  code: string
  name: string
}

export interface Link {
  zone: ZoneRef
  chief: Contact | null
  department: Contact | null
  fallback: Contact | null
}

export interface ResolveResult {
  status: 'owned' | 'fallback' | 'outside'
  point: { lon: number; lat: number }
  primary: Link | null
  chain: Link[]
  department: (Contact & { via?: unknown }) | null
  alternatives: Link[]
  nearest: { zone: ZoneRef; distance_m: number } | null
}

export interface CoverageReport {
  code: string
  kind: ZoneKind
  name: string
  ok: boolean
  area_m2: number
  gaps: { area_m2: number; geometry: Geometry }[]
  overlaps: { a: string; b: string; area_m2: number; geometry: Geometry }[]
  spills: { grid: string; area_m2: number; geometry: Geometry }[]
  uncovered_streets: { street: string; name: string; length_m: number; geometry: Geometry }[]
  unassigned: { code: string; kind: ZoneKind; name: string; missing: string | string[] }[]
}

export interface Jurisdiction {
  id: number
  kind: ZoneKind
  code: string
  name: string
  parent_code: string | null
}

export interface Party {
  id: number
  type: Duty
  name: string
  phone: string | null
  title: string | null
  role: string | null
  version: number
  zones: (ZoneRef & { duty: Duty })[]
}

export interface Assignment {
  id: number
  duty: Duty
  party: Contact & { id: number }
  valid_from: string
  valid_to: string | null
  version: number
}

export interface CategoryRoute {
  category: string
  department: { id: number; name: string; phone: string | null }
  via: { id: number; code: string; kind: ZoneKind }
  inherited: boolean
}

export interface ErrorDetail {
  index?: number
  field: string
  reason: string
}

/** A finding's lists as an edit's audit reports them; each finding carries a stable key. */
export interface AuditFindings {
  gaps: { key: string; area_m2?: number }[]
  overlaps: { key: string; a?: string; b?: string }[]
  spills: { key: string }[]
  uncovered_streets: { key: string }[]
  unassigned: { key: string; code?: string; missing?: string | string[] }[]
}

/** What one write did to the coverage audit of one jurisdiction (docs/api-zones.md). */
export interface JurisdictionAudit {
  code: string
  kind?: ZoneKind
  name?: string
  ok_before: boolean | null
  ok_after: boolean | null
  truncated?: boolean
  added: AuditFindings
  resolved: AuditFindings
}

export interface WriteAudit {
  jurisdictions: JurisdictionAudit[]
}

export type SignboardKind = 'street' | 'segment' | 'grid' | 'community'
export const SIGNBOARD_KINDS: SignboardKind[] = ['street', 'segment', 'grid', 'community']
export type Paper = 'A4' | 'A3' | 'A2' | 'A1'
export type Orientation = 'landscape' | 'portrait'

/** A batch of signboards rendering on the server. */
export interface SignboardJob {
  id: string
  status: 'running' | 'done' | 'failed'
  done: number
  total: number
  current: string | null
  error: string | null
  file: string | null
}
