import { useEffect, useState } from 'react'
import type { SessionInfo } from '../api/types.js'

/**
 * Where the phone page lives: `/#/m`. A person who handles or verifies cases and signs in on a
 * narrow screen (at most 600 px wide) lands there too, unless they chose the map (`/#/map`).
 */
export const PHONE_HASH = '#/m'
export const MAP_HASH = '#/map'

/**
 * The case a notification links to: `${PUBLIC_URL}/?case=<id>` (server/notify/notices.ts). The map
 * app opens the desk with that case's panel; the phone page opens that case. Null without one.
 */
export function linkedCaseId(search = window.location.search): number | null {
  const value = new URLSearchParams(search).get('case')
  if (value === null || !/^\d{1,10}$/.test(value)) return null
  const id = Number(value)
  return id >= 1 && id <= 2_147_483_647 ? id : null
}

export function wantsPhonePage(info: SessionInfo, hash = window.location.hash, width = window.innerWidth): boolean {
  if (!info.permissions.includes('cases.read')) return false
  if (hash === PHONE_HASH) return true
  if (hash === MAP_HASH) return false
  const handles = info.permissions.includes('cases.handle') || info.permissions.includes('cases.verify')
  return handles && !info.permissions.includes('cases.dispatch') && width <= 600
}

/** The page's hash, kept current, so the phone page and the map can be switched between. */
export function useHash(): string {
  const [hash, setHash] = useState(window.location.hash)
  useEffect(() => {
    const changed = () => setHash(window.location.hash)
    window.addEventListener('hashchange', changed)
    return () => window.removeEventListener('hashchange', changed)
  }, [])
  return hash
}
