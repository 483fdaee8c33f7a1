import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.js'

describe('configuration', () => {
  it('defaults to port 8080, the embedded database and the demo', () => {
    const config = loadConfig({})
    expect(config.port).toBe(8080)
    expect(config.databaseUrl).toBeUndefined()
    expect(config.demo).toBe(true)
  })

  it('refuses an unusable PORT, DATABASE_URL or DEMO with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/)
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/)
    expect(() => loadConfig({ DEMO: 'maybe' })).toThrow(/DEMO/)
  })

  it('reads DEMO=0 as an empty start', () => {
    expect(loadConfig({ DEMO: '0' }).demo).toBe(false)
  })

  it('reads the database timeouts from DB_*_MS, defaulting to the documented values', () => {
    expect(loadConfig({}).databaseTimeouts).toEqual({ connectMs: 5_000, statementMs: 60_000, lockMs: 10_000, idleInTransactionMs: 60_000 })
    expect(loadConfig({ DB_STATEMENT_TIMEOUT_MS: '2500', DB_LOCK_TIMEOUT_MS: '700' }).databaseTimeouts).toMatchObject({ statementMs: 2500, lockMs: 700 })
  })

  it('refuses a database timeout that is not a positive whole number of milliseconds, naming the variable', () => {
    expect(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/DB_STATEMENT_TIMEOUT_MS/)
    expect(() => loadConfig({ DB_CONNECT_TIMEOUT_MS: '5s' })).toThrow(/DB_CONNECT_TIMEOUT_MS/)
    expect(() => loadConfig({ DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '-1' })).toThrow(/DB_IDLE_IN_TRANSACTION_TIMEOUT_MS/)
  })
})
