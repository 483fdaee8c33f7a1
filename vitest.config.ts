import { defineConfig } from 'vitest/config'
import SpreadBrowserFiles from './tests/sequencer.js'

// API tests run twice, once per database backend; the two share every test file.
const apiTests = ['tests/api/**/*.test.ts']
// Tests of PostgreSQL's own behaviour (a server stopped or frozen, two servers migrating at once),
// which have no counterpart on the embedded database: the api-postgis project alone runs them.
const postgresOnlyTests = ['tests/api/**/*.postgres.test.ts']

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Vitest's default on a 2-core machine is one worker, which ran every file one after another
    // (18 min, most of it each embedded-database file opening its template). Two workers overlap
    // one file's start-up with another's tests.
    maxWorkers: 2,
    // Browser files among the others instead of all at the end (tests/sequencer.ts).
    sequence: { sequencer: SpreadBrowserFiles },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.ts', 'scripts/**/*.test.ts'],
          // Inline projects do not inherit the root's timeout: the server start-up tests spawn a process.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'api-pglite',
          include: apiTests,
          exclude: postgresOnlyTests,
          globalSetup: ['tests/setup/pglite-global.ts'],
          env: { JZ_TEST_BACKEND: 'pglite' },
          // Files of a worker share their modules, so a worker loads the server once and hands
          // its embedded database from file to file, put back as the template was
          // (tests/helpers/pglite-reuse.ts): seconds saved per file.
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'api-postgis',
          include: apiTests,
          globalSetup: ['tests/setup/postgis-global.ts'],
          env: { JZ_TEST_BACKEND: 'postgres' },
          // The server's modules are loaded once per worker, not once per file.
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The built map app in Debian's Chromium, against the real server with the demo loaded.
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: ['tests/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          // One browser file at a time, but alongside API files: see tests/browser/one-at-a-time.ts.
          setupFiles: ['tests/browser/one-at-a-time.ts'],
        },
      },
    ],
  },
})
