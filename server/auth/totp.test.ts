import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUrl, timeStep, totp } from './totp.js'

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const seed = Buffer.from('12345678901234567890', 'ascii')
// Time (s) → the 8-digit TOTP of the RFC's table (SHA1 column).
const vectors: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

describe('TOTP (RFC 6238)', () => {
  it('gives the RFC 6238 Appendix B SHA-1 values with 8 digits', () => {
    for (const [time, code] of vectors) expect(totp(seed, time, 8), String(time)).toBe(code)
  })

  it('gives the 6-digit codes: the same truncated number mod 10^6, i.e. the last six digits', () => {
    // 6 digits = (truncated HMAC) mod 10^6, and 10^6 divides 10^8, so they are the last six of the 8-digit value.
    const six = ['287082', '081804', '050471', '005924', '279037', '353130']
    vectors.forEach(([time], index) => expect(totp(seed, time)).toBe(six[index]))
  })

  it('gives the RFC 4226 Appendix D HOTP values for counters 0 and 1', () => {
    expect(hotp(seed, 0)).toBe('755224')
    expect(hotp(seed, 1)).toBe('287082')
  })

  it('round-trips base32 and encodes the RFC 4648 test vector', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI')
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar')
    expect(base32Decode(base32Encode(seed))).toEqual(seed)
  })

  it('accepts one step of drift either way, not two, and a used step not again', () => {
    const secret = base32Encode(seed)
    const now = 1234567890
    const step = timeStep(now)
    expect(matchTotp(secret, hotp(seed, step), now)).toBe(step)
    expect(matchTotp(secret, hotp(seed, step - 1), now)).toBe(step - 1)
    expect(matchTotp(secret, hotp(seed, step + 1), now)).toBe(step + 1)
    expect(matchTotp(secret, hotp(seed, step - 2), now)).toBeNull()
    expect(matchTotp(secret, hotp(seed, step), now, step)).toBeNull()
    expect(matchTotp(secret, 'abcdef', now)).toBeNull()
  })

  it('writes an otpauth URL with the label, issuer and parameters', () => {
    const text = otpauthUrl('JBSWY3DPEHPK3PXP', 'planner')
    expect(text.startsWith('otpauth://totp/Jiezhang%3Aplanner?')).toBe(true)
    const url = new URL(text)
    expect(url.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP')
    expect(url.searchParams.get('period')).toBe('30')
    expect(url.searchParams.get('digits')).toBe('6')
  })
})
