import { registerJob } from '../jobs/scheduler.js'
import { purgeOldTracks } from './patrols.service.js'
import { loadPatrolSettings } from './patrols.settings.js'

/**
 * The retention of raw tracks (行踪轨迹, PIPL): every hour, the fixes of patrols that ended more
 * than PATROL_TRACK_RETENTION_DAYS ago are deleted and fixes_purged_at is set; the credits per
 * zone and the totals, which assessment counts, stay.
 */
export const PATROL_RETENTION_JOB = 'patrol-track-retention'

registerJob({
  name: PATROL_RETENTION_JOB,
  intervalMs: 60 * 60_000,
  run: async (db, now) => {
    await purgeOldTracks(db, loadPatrolSettings().retentionDays, now)
  },
})
