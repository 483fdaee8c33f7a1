import type { FeatureCollection } from 'geojson'
import type {
  Assignment, CategoryRoute, CoverageReport, Crs, Duty, ErrorDetail, Jurisdiction, Party, ResolveResult,
  Orientation, Paper, SignboardJob, SignboardKind, WriteAudit, ZoneCollection, ZoneFeature, ZoneInput, ZoneKind,
} from './types.js'

/** An error answer from the engine, with its code and the per-feature details it gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message)
  }

  get detailList(): ErrorDetail[] {
    return Array.isArray(this.details) ? (this.details as ErrorDetail[]) : []
  }
}

export interface VersionConflict {
  current_version: number
  current: ZoneFeature
}

type AuditListener = (audit: WriteAudit) => void
const auditListeners = new Set<AuditListener>()

/** Every write answers with what it did to the coverage audit; listeners hear each one. */
export function onAudit(listener: AuditListener): () => void {
  auditListeners.add(listener)
  return () => void auditListeners.delete(listener)
}

/**
 * The signed-in session as every request needs it: the CSRF token sent with each write (the
 * session cookie itself is HttpOnly and goes along by itself), and the edit session's change
 * comment, stored by the server on each write's audit entry (OSM-changeset style).
 */
const session = { csrfToken: null as string | null, changeComment: '' }

export function setCsrfToken(token: string | null): void {
  session.csrfToken = token
}

/** The comment of the planner's edit session, sent with every write until it is changed. */
export function setChangeComment(comment: string): void {
  session.changeComment = comment.trim().slice(0, 500)
}

export function changeComment(): string {
  return session.changeComment
}

type SignedOutListener = (error: ApiError) => void
const signedOutListeners = new Set<SignedOutListener>()

/** A 401 from any route but the session's own: the session has ended, the page asks to sign in again. */
export function onSignedOut(listener: SignedOutListener): () => void {
  signedOutListeners.add(listener)
  return () => void signedOutListeners.delete(listener)
}

type RestrictedListener = (code: 'password_change_required' | 'second_factor_required_setup') => void
const restrictedListeners = new Set<RestrictedListener>()

/**
 * A 403 that says the account must first change its password or set up its second factor
 * (the security policy requires one for administrators): the page shows that step instead.
 */
export function onRestricted(listener: RestrictedListener): () => void {
  restrictedListeners.add(listener)
  return () => void restrictedListeners.delete(listener)
}

const SAFE_METHODS = new Set(['GET', 'HEAD'])

/** The headers a request of the signed-in page carries: JSON, the CSRF token and the change comment on writes. */
export function sessionHeaders(method: string, json: boolean): Record<string, string> {
  const headers: Record<string, string> = json ? { 'content-type': 'application/json' } : {}
  if (!SAFE_METHODS.has(method.toUpperCase())) {
    if (session.csrfToken) headers['x-csrf-token'] = session.csrfToken
    if (session.changeComment) headers['x-change-comment'] = encodeURIComponent(session.changeComment)
  }
  return headers
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: sessionHeaders(method, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error), null)
  }
  if (response.status === 204) return undefined as T
  const text = await response.text()
  let data: unknown
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    data = null
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error
    const failure = new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? response.statusText, error?.details)
    // The sign-in itself answers 401 for a wrong password; that is the sign-in page's to show.
    if (response.status === 401 && !path.startsWith('/api/session')) for (const listener of signedOutListeners) listener(failure)
    if (failure.code === 'password_change_required' || failure.code === 'second_factor_required_setup') {
      for (const listener of restrictedListeners) listener(failure.code)
    }
    throw failure
  }
  const audit = (data as { audit?: WriteAudit } | null)?.audit
  if (audit && Array.isArray(audit.jurisdictions)) for (const listener of auditListeners) listener(audit)
  return data as T
}

export const query = (params: Record<string, string | number | undefined | null>) => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  const text = search.toString()
  return text ? `?${text}` : ''
}

export const api = {
  listZones: (params: { kind?: ZoneKind[]; parent?: string; q?: string; limit?: number; bbox?: number[]; after?: number; total?: boolean } = {}) =>
    request<ZoneCollection>('GET', `/api/zones${query({
      kind: params.kind?.join(','), parent: params.parent, q: params.q, limit: params.limit, bbox: params.bbox?.join(','),
      after: params.after, total: params.total ? 'true' : undefined,
    })}`),
  getZone: (id: number) => request<ZoneFeature>('GET', `/api/zones/${id}`),
  createZone: (zone: ZoneInput) => request<ZoneFeature>('POST', '/api/zones', zone),
  updateZone: (id: number, patch: Partial<ZoneInput> & { version: number }) => request<ZoneFeature>('PATCH', `/api/zones/${id}`, patch),
  deleteZone: (id: number, version: number, cascade = false) =>
    request<void>('DELETE', `/api/zones/${id}${query({ version, cascade: cascade ? 'true' : undefined })}`),

  listParties: (params: { type?: Duty; q?: string } = {}) => request<Party[]>('GET', `/api/parties${query(params)}`),
  createParty: (party: { type: Duty; name: string; phone?: string; title?: string; role?: string }) =>
    request<Party>('POST', '/api/parties', party),
  listAssignments: (zoneId: number) => request<Assignment[]>('GET', `/api/zones/${zoneId}/assignments`),
  assign: (zoneId: number, body: { duty: Duty; party_id?: number; party?: { name: string; phone?: string; title?: string; role?: string } }) =>
    request<Assignment>('POST', `/api/zones/${zoneId}/assignments`, body),
  endAssignment: (id: number, version: number) => request<Assignment>('POST', `/api/assignments/${id}/end`, { version }),

  listCategories: () => request<{ id: number; name: string }[]>('GET', '/api/categories'),
  zoneCategories: (zoneId: number) => request<CategoryRoute[]>('GET', `/api/zones/${zoneId}/categories`),
  routeCategory: (zoneId: number, category: string, department: string) =>
    request<unknown>('PUT', `/api/zones/${zoneId}/categories/${encodeURIComponent(category)}`, { department }),
  unrouteCategory: (zoneId: number, category: string) =>
    request<void>('DELETE', `/api/zones/${zoneId}/categories/${encodeURIComponent(category)}`),

  resolve: (params: { lon: number; lat: number; crs?: Crs; category?: string; accuracy?: number }) =>
    request<ResolveResult>('GET', `/api/resolve${query(params)}`),
  coverage: (code: string) => request<CoverageReport>('GET', `/api/coverage/${encodeURIComponent(code)}`),
  jurisdictions: () => request<Jurisdiction[]>('GET', '/api/jurisdictions'),

  importCollection: (collection: FeatureCollection, dryRun: boolean) =>
    request<{ created: Record<string, number> }>('POST', `/api/import${dryRun ? '?dry_run=1' : ''}`, collection),
  importOsmRoads: (collection: FeatureCollection, parent?: string, dryRun = false) =>
    request<{ created: Record<string, number> }>('POST', `/api/import/osm-roads${query({ parent, dry_run: dryRun ? 1 : undefined })}`, collection),
  exportCollection: (root?: string) => request<FeatureCollection>('GET', `/api/export${query({ root })}`),

  startSignboardBatch: (body: { zone: string; kind: 'street' | 'grid'; format: 'pdf' | 'zip' }) =>
    request<SignboardJob>('POST', '/api/signboards/batch', body),
  signboardJob: (id: string) => request<SignboardJob>('GET', `/api/signboards/jobs/${encodeURIComponent(id)}`),
}

/** Where one signboard is served; the kind is always given since codes are unique only per kind. */
export function signboardUrl(
  zone: { code: string; kind: SignboardKind },
  format: 'pdf' | 'svg' | 'png',
  options: { paper: Paper; orientation: Orientation; dpi?: number },
): string {
  return `/api/signboards/${encodeURIComponent(zone.code)}.${format}${query({
    dpi: format === 'png' ? options.dpi : undefined, paper: options.paper, orientation: options.orientation, kind: zone.kind,
  })}`
}

export type Api = typeof api

type RefusalText = (error: ApiError) => string | null
let refusalText: RefusalText = () => null

/** How a refusal (403: no permission, out of scope) reads in the page's language; the session layer sets it. */
export function setRefusalText(describe: RefusalText): void {
  refusalText = describe
}

/** One line for the planner: the engine's message and which feature and field it is about. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const refusal = refusalText(error)
    if (refusal) return refusal
    const details = error.detailList.map((d) => `${d.index !== undefined ? `#${d.index} ` : ''}${d.field}: ${d.reason}`).join('; ')
    return `${error.message}${details ? ` (${details})` : ''}`
  }
  return error instanceof Error ? error.message : String(error)
}
