import type { FeatureCollection, Point } from 'geojson'
import { ApiError, query, request, sessionHeaders } from './client.js'
import type { ActionBody, CreateCaseBody, ListQuery, PreviewBody } from '../../../server/cases/cases.schemas.js'

/**
 * The cases of issue 10 as the desk and the phone page use them. The bodies and queries are the
 * server's own schemas (types only, server/cases/cases.schemas.ts); the server describes its
 * answers as open objects, so their shapes are written here from server/cases/cases.service.ts.
 */

export type CaseState =
  | 'reported' | 'filed' | 'voided' | 'dispatched' | 'accepted' | 'handled'
  | 'closed' | 'evaluated' | 'parked' | 'duplicate'

export const CASE_STATES: CaseState[] = ['reported', 'filed', 'voided', 'dispatched', 'accepted', 'handled', 'closed', 'evaluated', 'parked', 'duplicate']

export type CaseChannel = 'qr' | 'hotline' | 'patrol' | 'open311' | 'app'
export type LimitUnit = 'working_hours' | 'working_days' | 'hours' | 'days'
export type Urgency = 'overdue' | 'warning' | 'normal' | 'none'

export interface CaseLimit { value: number; unit: LimitUnit }

/** One link of the routing chain as stored at intake (the resolve answer of that moment). */
export interface RoutingLink {
  zone?: { id: number; code: string; name: string; kind: string }
  holders?: { party_id?: number; id?: number; name: string; duty?: string; phone?: string | null }[]
  [key: string]: unknown
}

export interface CaseEvent {
  id: number
  at: string
  action: string
  from_state: CaseState | null
  to_state: CaseState | null
  login: string | null
  display_name: string | null
  by_system: boolean
  note: string | null
  public: boolean
  public_note: string | null
  details: Record<string, unknown>
  photo_ids: number[]
}

export interface CasePhoto { id: number; purpose: 'report' | 'feedback' | 'verification'; content_type: string; byte_size: number; created_at: string }

export interface CaseSummary {
  id: number
  number: string
  state: CaseState
  channel?: CaseChannel
  category: { id: number; name: string }
  description: string
  location?: { lon: number; lat: number }
  address?: string | null
  owner_party?: { id: number; name: string } | null
  department?: { id: number; name: string } | null
  assignee?: { id: number; name: string } | null
  flags?: string[]
  due_at: string | null
  warn_at?: string | null
  overdue?: boolean
  urgency?: Urgency
  escalation_level?: number
  created_at?: string
  updated_at?: string
}

export interface Case {
  id: number
  number: string
  state: CaseState
  channel: CaseChannel
  category: { id: number; name: string }
  description: string
  location: { lon: number; lat: number }
  accuracy_m: number | null
  address: string | null
  reporter: { name: string | null; phone: string | null }
  owner: { party_id: number | null; name: string | null; duty: string | null; zone: { id: number; code: string; name: string; kind: string } | null } | null
  department: { id: number; name: string } | null
  assignee: { id: number; name: string } | null
  routing: unknown
  flags: string[]
  duplicate_of: number | null
  limit: CaseLimit | null
  dispatched_at: string | null
  warn_at: string | null
  due_at: string | null
  overdue: boolean
  escalation_level: number
  handled_at: string | null
  closed_at: string | null
  closed_on_time: boolean | null
  rework_count: number
  extension_count: number
  pending: { extension?: Record<string, unknown>; park?: Record<string, unknown> }
  rating: number | null
  version: number
  created_at?: string
  events: CaseEvent[]
  photos: CasePhoto[]
  actions: string[]
}

export type CaseFilters = ListQuery

export type CaseActionBody = ActionBody

export type CaseIntake = CreateCaseBody

export interface CasePreview {
  routing: unknown
  flags: string[]
  /** The owner as routing chose it; its name is in the chain (routing.chain[].holders). */
  owner: { party_id: number; duty: string; zone: { id: number; code: string; name: string; kind: string } } | null
  department: { id: number; name: string; phone?: string | null } | null
  duplicates: { id: number; number: string; state: CaseState; distance_m: number; created_at: string }[]
}

export type CaseMapProperties = { id: number; number: string; state: CaseState; urgency: Urgency; category?: string }

/** A photo upload: the file itself as the body (no multipart), with the session's CSRF header. */
async function upload<T>(path: string, file: Blob): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...sessionHeaders('POST', false), 'content-type': file.type || 'application/octet-stream' },
      body: file,
    })
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error), null)
  }
  const text = await response.text()
  let data: unknown
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    data = null
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? response.statusText, error?.details)
  }
  return data as T
}

export const cases = {
  list: (filters: CaseFilters) =>
    request<{ cases: CaseSummary[]; next_before: number | null }>('GET', `/api/cases${query({
      ...filters, overdue: filters.overdue ? 'true' : undefined, mine: filters.mine ? 'true' : undefined,
    } as Record<string, string | number | undefined>)}`),
  map: (bbox: number[]) => request<FeatureCollection<Point, CaseMapProperties>>('GET', `/api/cases/map${query({ bbox: bbox.map((n) => n.toFixed(6)).join(',') })}`),
  get: (id: number) => request<Case>('GET', `/api/cases/${id}`),
  reporter: (id: number) => request<{ name: string | null; phone: string | null }>('GET', `/api/cases/${id}/reporter`),
  act: (id: number, body: CaseActionBody) => request<Case>('POST', `/api/cases/${id}/actions`, body),
  preview: (body: PreviewBody) => request<CasePreview>('POST', '/api/cases/preview', body),
  create: (body: CaseIntake) => request<Case>('POST', '/api/cases', body),
  uploadPhoto: (id: number, purpose: CasePhoto['purpose'], file: Blob) =>
    upload<{ id: number; byte_size: number; sha256: string }>(`/api/cases/${id}/photos?purpose=${purpose}`, file),
  categories: () => request<{ id: number; name: string; limit?: CaseLimit | null }[]>('GET', '/api/categories'),
  calendar: (year: number) =>
    request<{ time_zone: string; periods: [string, string][]; warn_ratio: number; version: number; days: { day: string; working: boolean; note: string | null }[] }>(
      'GET', `/api/calendar?year=${year}`,
    ),
}

export const casePhotoUrl = (caseId: number, photoId: number) => `/api/cases/${caseId}/photos/${photoId}`
