import type { Db } from '../db/database.js'

/**
 * The security administrator's policy (security_policy, one row). Defaults follow 等保 2.0 level
 * 2 practice: sessions end after 30 idle minutes and 12 hours in all; 5 failed logins lock an
 * account for 30 minutes.
 */
export interface SecurityPolicy {
  sessionIdleMinutes: number
  sessionAbsoluteHours: number
  lockoutFailures: number
  lockoutMinutes: number
  passwordMinLength: number
  /** How many of the four character classes (lower, upper, digit, other) a password needs. */
  passwordMinClasses: number
  /** Administrators must use a second factor (TOTP). */
  requireTwoFactorForAdministrators: boolean
}

export const defaultPolicy: SecurityPolicy = {
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  lockoutFailures: 5,
  lockoutMinutes: 30,
  passwordMinLength: 12,
  passwordMinClasses: 3,
  requireTwoFactorForAdministrators: false,
}

/** The stored policy over the defaults; a key the server does not know, or a wrong type, is ignored. */
export async function loadPolicy(db: Db): Promise<SecurityPolicy> {
  const row = await db.selectFrom('security_policy').select('policy').where('id', '=', 1).executeTakeFirst()
  const stored = (row?.policy ?? {}) as Record<string, unknown>
  const policy = { ...defaultPolicy }
  for (const key of Object.keys(defaultPolicy) as (keyof SecurityPolicy)[]) {
    const value = stored[key]
    if (typeof value === typeof defaultPolicy[key]) (policy as Record<string, unknown>)[key] = value
  }
  return policy
}

/** Which of a password's problems the policy finds, as reasons for the `password` field. */
export function passwordProblems(password: string, policy: SecurityPolicy): string[] {
  const problems: string[] = []
  if ([...password].length < policy.passwordMinLength) problems.push(`must be at least ${policy.passwordMinLength} characters`)
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) => pattern.test(password)).length
  if (classes < policy.passwordMinClasses) {
    problems.push(`must mix at least ${policy.passwordMinClasses} of: lower-case letters, capitals, digits, other characters`)
  }
  if ([...password].length > 200) problems.push('must be at most 200 characters')
  return problems
}
