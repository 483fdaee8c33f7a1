import type { Db } from '../../server/db/database.js'
import { bootstrapAccounts } from '../../server/auth/bootstrap.js'

/**
 * The bootstrap administrator's API token in every test database, as ADMIN_TOKEN would create it
 * in a deployment. `createTestApp` sends it with every `app.inject` that brings no credentials of
 * its own, so tests of zoning and resolution act as an administrator; tests of permissions send
 * their own headers (or `anonymous()`).
 */
export const TEST_ADMIN_TOKEN = 'jz-test-administrator-token-0123456789'
export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }

/** What the test templates hold: the administrator with the token, and on the demo the demo accounts. */
export async function bootstrapTestAccounts(db: Db, demo: boolean): Promise<void> {
  await bootstrapAccounts(db, demo ? { demo: true } : { adminToken: TEST_ADMIN_TOKEN, demo: false })
}
