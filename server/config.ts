import path from 'node:path'
import { defaultDatabaseTimeouts, type DatabaseTimeouts } from './db/postgres-pool.js'

export interface Config {
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  demo: boolean
  publicUrl: string
  /** PostgreSQL only: each session's timeouts (DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS, …). */
  databaseTimeouts: DatabaseTimeouts
  /** ADMIN_LOGIN, ADMIN_PASSWORD, ADMIN_TOKEN: the bootstrap administrator a first start creates (server/auth/bootstrap.ts). */
  admin: { login?: string; password?: string; token?: string }
  /** TRUST_PROXY=1 behind an HTTPS reverse proxy: X-Forwarded-Proto/-For are believed, so cookies are Secure and the audit sees the client's address. */
  trustProxy: boolean
}

export class ConfigError extends Error {}

/** Reads the environment; an unusable value is a ConfigError that names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env.PORT ?? '8080')
  const databaseUrl = env.DATABASE_URL?.trim() || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL, got "${databaseUrl.slice(0, 40)}"`)
  }
  const demo = parseFlag('DEMO', env.DEMO ?? '1')
  const host = env.HOST?.trim() || '0.0.0.0'
  return {
    port,
    host,
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || '.data/pglite'),
    demo,
    publicUrl: (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, ''),
    admin: {
      login: env.ADMIN_LOGIN?.trim() || undefined,
      password: env.ADMIN_PASSWORD || undefined,
      token: env.ADMIN_TOKEN?.trim() || undefined,
    },
    trustProxy: parseFlag('TRUST_PROXY', env.TRUST_PROXY ?? '0'),
    databaseTimeouts: {
      connectMs: parseMilliseconds(env, 'DB_CONNECT_TIMEOUT_MS', defaultDatabaseTimeouts.connectMs),
      statementMs: parseMilliseconds(env, 'DB_STATEMENT_TIMEOUT_MS', defaultDatabaseTimeouts.statementMs),
      lockMs: parseMilliseconds(env, 'DB_LOCK_TIMEOUT_MS', defaultDatabaseTimeouts.lockMs),
      idleInTransactionMs: parseMilliseconds(env, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', defaultDatabaseTimeouts.idleInTransactionMs),
    },
  }
}

/** A timeout in whole milliseconds, at least 1: a timeout of 0 means none, which is what these settings exist to prevent. */
function parseMilliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]?.trim()
  if (!value) return fallback
  const ms = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(ms) || ms < 1 || ms > 2_147_483_647) {
    throw new ConfigError(`${name} must be a whole number of milliseconds from 1 to 2147483647, got "${value}"`)
  }
  return ms
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 1 to 65535, got "${value}"`)
  }
  return port
}

function parseFlag(name: string, value: string): boolean {
  const normalised = value.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(normalised)) return true
  if (['0', 'false', 'no', 'off'].includes(normalised)) return false
  throw new ConfigError(`${name} must be 1 or 0, got "${value}"`)
}
