import { ConfigError } from '../config.js'

/**
 * The patrol settings (docs/patrols.md), read from the environment like server/config.ts reads
 * its own: an unusable value is a ConfigError naming the variable, so a server does not start
 * with a retention period or a gap rule nobody meant.
 */
export interface PatrolSettings {
  /** PATROL_TRACK_RETENTION_DAYS: raw fixes older than this are deleted (the credits stay). */
  retentionDays: number
  /** PATROL_MAX_GAP_S: a leg taking longer than this is a gap (the phone lost its fix, or was off). */
  maxGapS: number
  /** PATROL_MAX_JUMP_M: a leg longer than this is a gap (a jump, not a walk). */
  maxJumpM: number
  /** PATROL_MAX_SPEED_MS: a leg faster than this is a gap (a bus, a car, a bad fix). */
  maxSpeedMs: number
}

export const defaultPatrolSettings: PatrolSettings = { retentionDays: 180, maxGapS: 300, maxJumpM: 300, maxSpeedMs: 10 }

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, whole: boolean): number {
  const value = env[name]?.trim()
  if (!value) return fallback
  const number = Number(value)
  const shape = whole ? /^\d+$/ : /^\d+(\.\d+)?$/
  if (!shape.test(value) || !Number.isFinite(number) || number < min || number > max) {
    throw new ConfigError(`${name} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}, got "${value}"`)
  }
  return number
}

export function loadPatrolSettings(env: NodeJS.ProcessEnv = process.env): PatrolSettings {
  return {
    // At least a day: a purge of today's patrols would delete tracks still being walked.
    retentionDays: readNumber(env, 'PATROL_TRACK_RETENTION_DAYS', defaultPatrolSettings.retentionDays, 1, 36_500, true),
    maxGapS: readNumber(env, 'PATROL_MAX_GAP_S', defaultPatrolSettings.maxGapS, 1, 86_400, true),
    maxJumpM: readNumber(env, 'PATROL_MAX_JUMP_M', defaultPatrolSettings.maxJumpM, 1, 100_000, false),
    maxSpeedMs: readNumber(env, 'PATROL_MAX_SPEED_MS', defaultPatrolSettings.maxSpeedMs, 0.5, 100, false),
  }
}
