import type { SessionInfo } from '../api/types.js'

/** The patrol page for the phone: `/#/m/patrol`, reached from the phone page's header. */
export const PATROL_HASH = '#/m/patrol'

export function wantsPatrolPage(info: SessionInfo, hash = window.location.hash): boolean {
  return hash === PATROL_HASH && info.permissions.includes('patrols.record')
}
