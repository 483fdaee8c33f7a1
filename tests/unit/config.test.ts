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
})
