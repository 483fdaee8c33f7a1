import { ApiError, request, sessionHeaders } from '../api/client.js'

/** The patrols API as the phone page uses it (server/patrols/, docs/patrols.md). */

export interface Credit {
  zone: { id: number; kind: string; code: string; name: string }
  seconds: number
  metres: number
  first_at: string
  last_at: string
}

export interface Live {
  distance_m: number
  walking_s: number
  grids: Credit[]
}

export interface Patrol {
  id: number
  state: 'recording' | 'done' | 'discarded'
  role: string
  started_at: string
  ended_at: string | null
  distance_m: number | null
  walking_s: number | null
  fixes: number
  credits: Credit[]
  live: Live | null
  findings: { id: number; number: string; state: string }[]
}

export interface Fix {
  at: string
  lon: number
  lat: number
  accuracy_m?: number
}

export const patrols = {
  recording: () => request<{ patrols: { id: number }[] }>('GET', '/api/patrols?mine=true&state=recording&limit=1'),
  get: (id: number) => request<Patrol>('GET', `/api/patrols/${id}`),
  start: () => request<Patrol>('POST', '/api/patrols', {}),
  send: (id: number, fixes: Fix[]) =>
    request<{ accepted: number; duplicates: number; fixes: number; live: Live }>('POST', `/api/patrols/${id}/fixes`, { fixes }),
  stop: (id: number) => request<Patrol>('POST', `/api/patrols/${id}/stop`, {}),
  discard: (id: number) => request<Patrol>('POST', `/api/patrols/${id}/discard`, {}),
  finding: (id: number, body: { category_id: number; description: string; location: { lon: number; lat: number }; accuracy_m?: number }) =>
    request<{ id: number; number: string }>('POST', `/api/patrols/${id}/findings`, body),
  categories: () => request<{ id: number; name: string }[]>('GET', '/api/categories'),
  async photo(caseId: number, file: Blob): Promise<void> {
    const response = await fetch(`/api/cases/${caseId}/photos?purpose=report`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...sessionHeaders('POST', false), 'content-type': file.type || 'application/octet-stream' },
      body: file,
    })
    if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, response.statusText, null)
  },
}

/**
 * Positions not yet taken by the server, kept in localStorage per patrol: a phone that loses the
 * network (or the page) sends them again later; the server recognises a re-sent batch.
 */
export const pendingQueue = {
  key: (id: number) => `jz-patrol-pending-${id}`,
  read(id: number): Fix[] {
    try {
      const raw = window.localStorage.getItem(this.key(id))
      return raw ? (JSON.parse(raw) as Fix[]) : []
    } catch {
      return []
    }
  },
  write(id: number, fixes: Fix[]): void {
    try {
      if (fixes.length) window.localStorage.setItem(this.key(id), JSON.stringify(fixes))
      else window.localStorage.removeItem(this.key(id))
    } catch {
      // A full or private storage: the positions stay in memory only.
    }
  },
}
