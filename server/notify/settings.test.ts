import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config.js'
import { noticeSettingsFromEnv } from './settings.js'

describe('notice settings from the environment', () => {
  it('defaults to 8 attempts, 5 s a send, batches of 20, leases of a minute, and no SMS gateway', () => {
    expect(noticeSettingsFromEnv({})).toEqual({
      publicUrl: 'http://localhost:8080', smsGateway: null, maxAttempts: 8, sendTimeoutMs: 5_000, batchSize: 20, leaseMs: 60_000,
    })
  })

  it('reads OUTBOX_* and the SMS gateway, trimming the public URL', () => {
    const settings = noticeSettingsFromEnv({
      PUBLIC_URL: 'https://jz.example.cn/', SMS_GATEWAY_URL: 'https://sms.example.cn/send', SMS_GATEWAY_TOKEN: 't0k',
      OUTBOX_MAX_ATTEMPTS: '3', OUTBOX_SEND_TIMEOUT_MS: '2500', OUTBOX_BATCH: '50', OUTBOX_LEASE_MS: '120000',
    })
    expect(settings).toEqual({
      publicUrl: 'https://jz.example.cn', smsGateway: { url: 'https://sms.example.cn/send', token: 't0k' }, maxAttempts: 3, sendTimeoutMs: 2500, batchSize: 50, leaseMs: 120_000,
    })
  })

  it.each([
    ['OUTBOX_MAX_ATTEMPTS', '0'],
    ['OUTBOX_MAX_ATTEMPTS', '101'],
    ['OUTBOX_SEND_TIMEOUT_MS', '5s'],
    ['OUTBOX_SEND_TIMEOUT_MS', '-1'],
    ['OUTBOX_BATCH', '2.5'],
    ['OUTBOX_BATCH', '1001'],
    ['OUTBOX_LEASE_MS', 'forever'],
    ['SMS_GATEWAY_URL', 'ftp://sms.example.cn'],
    ['SMS_GATEWAY_URL', 'https://'],
  ])('refuses %s=%s with a ConfigError naming it', (name, value) => {
    const read = () => noticeSettingsFromEnv({ [name]: value })
    expect(read).toThrow(ConfigError)
    expect(read).toThrow(new RegExp(`^${name} must be`))
  })
})
