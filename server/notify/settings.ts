import { ConfigError } from '../config.js'

/**
 * Where notices link to and how SMS leave: read from the environment (PUBLIC_URL,
 * SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN, OUTBOX_*), overridable by tests and by buildApp.
 */
export interface NoticeSettings {
  /** The server's public address, without a trailing slash: links in messages point here. */
  publicUrl: string
  /** An HTTP SMS gateway: POST JSON {to, text} with a bearer token; null = no SMS at all. */
  smsGateway: { url: string; token: string | null } | null
  /** Attempts before a message is dead (OUTBOX_MAX_ATTEMPTS, default 8). */
  maxAttempts: number
  /** Timeout of one HTTP send (OUTBOX_SEND_TIMEOUT_MS, default 5000). */
  sendTimeoutMs: number
  /** Rows taken per delivery run (OUTBOX_BATCH, default 20). */
  batchSize: number
  /** How long a taken row stays leased to its sender (OUTBOX_LEASE_MS, default 60000). */
  leaseMs: number
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const text = env[name]?.trim()
  if (!text) return fallback
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < 1 || value > max) throw new ConfigError(`${name} must be a whole number from 1 to ${max}, got "${text.slice(0, 40)}"`)
  return value
}

/**
 * Reads the settings; an unusable value is a ConfigError naming the variable, as loadConfig's are.
 * buildApp reads them (notify.routes.ts), so a bad value stops the server at start.
 */
export function noticeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): NoticeSettings {
  const port = env.PORT?.trim() || '8080'
  const gateway = env.SMS_GATEWAY_URL?.trim()
  if (gateway && !/^https?:\/\/[^\s/]+/.test(gateway)) throw new ConfigError(`SMS_GATEWAY_URL must be an http:// or https:// URL, got "${gateway.slice(0, 40)}"`)
  return {
    publicUrl: (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, ''),
    smsGateway: gateway ? { url: gateway, token: env.SMS_GATEWAY_TOKEN?.trim() || null } : null,
    maxAttempts: positive(env, 'OUTBOX_MAX_ATTEMPTS', 8, 100),
    sendTimeoutMs: positive(env, 'OUTBOX_SEND_TIMEOUT_MS', 5_000, 120_000),
    batchSize: positive(env, 'OUTBOX_BATCH', 20, 1_000),
    leaseMs: positive(env, 'OUTBOX_LEASE_MS', 60_000, 3_600_000),
  }
}

let current: NoticeSettings | null = null

export function noticeSettings(): NoticeSettings {
  current ??= noticeSettingsFromEnv()
  return current
}

/** Tests (and buildApp's public URL) change what the environment said; returns the previous settings. */
export function setNoticeSettings(change: Partial<NoticeSettings>): NoticeSettings {
  const previous = noticeSettings()
  current = { ...previous, ...change }
  return previous
}
