import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Passwords and tokens. A password is kept as a memory-hard scrypt hash (Node's built-in, so no
 * native package): N = 2^15, r = 8, p = 1 costs 32 MiB and about 0.1 s per guess on this
 * hardware, above OWASP's minimum for scrypt (N = 2^17 with r = 8 is its first choice; 2^15 keeps
 * a login on the embedded database's one connection short). The stored form names its parameters
 * so they can be raised later without breaking old hashes.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 }

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const { N, r, p, keyLength } = SCRYPT
  const key = await scryptAsync(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r })
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Whether `password` matches a stored hash; a malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((value) => Number.isSafeInteger(value) && value > 0) || N > 2 ** 20) return false
  const salt = Buffer.from(parts[4]!, 'base64url')
  const expected = Buffer.from(parts[5]!, 'base64url')
  if (expected.length < 16) return false
  const key = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r })
  return timingSafeEqual(key, expected)
}

/**
 * A hash to spend the same time on when the login does not exist, so that a wrong login and a
 * wrong password take equally long (no way to probe which logins exist).
 */
let decoyHash: Promise<string> | undefined
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(12).toString('base64url'))
  return decoyHash
}

/** A random secret for a cookie, a CSRF token or an API token: 32 bytes, URL-safe. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url')
}

/** How a session or API token is stored: its SHA-256. The tokens are random, so no salt or stretching is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}
