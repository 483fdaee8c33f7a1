import { DEMO_PASSWORD } from '../../server/auth/bootstrap.js'
import { TEST_ADMIN_TOKEN } from '../helpers/auth.js'

/**
 * Who the browser tests are. The page signs in with a session like a person; the tests' own
 * checks of what the engine holds (node's fetch) send the bootstrap administrator's token.
 */
export { DEMO_PASSWORD, TEST_ADMIN_TOKEN }

/**
 * A planner of the whole city, made by the browser tests' setup (not a demo account): the editing
 * tests draw and split wherever the demo needs it, while the demo planner holds 天水街道 only.
 */
export const CITY_PLANNER = { login: 'browser.planner', displayName: '全市规划员（测试）', password: 'Browser-test-2026-planner' }

export const adminHeaders: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
