import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import fastifyStatic from '@fastify/static'
import { chromium, type BrowserServer } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { buildApp } from '../../server/app.js'
import { connectDatabase } from '../../server/db/connect.js'
import { migrate } from '../../server/db/migrate.js'
import { loadDemo } from '../../server/transfer/demo.js'
import { bootstrapAccounts } from '../../server/auth/bootstrap.js'
import { createAccount } from '../../server/auth/accounts.js'
import { CITY_PLANNER, TEST_ADMIN_TOKEN } from './accounts.js'
import { seedDevelopmentFixture } from './dev-fixture.js'
import { markBackendRan } from '../setup/backends.js'

declare module 'vitest' {
  export interface ProvidedContext {
    browserBaseUrl: string
    browserWsEndpoint: string
  }
}

export const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--no-first-run',
]

/** The newest modification time under a folder, to tell whether the built client is stale. */
function newestMtime(target: string): number {
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))))
}

function buildClientIfStale(): string {
  const outDir = path.resolve('dist/client')
  const index = path.join(outDir, 'index.html')
  const sources = Math.max(newestMtime(path.resolve('client')), newestMtime(path.resolve('vite.config.ts')))
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', timeout: 180_000 })
  }
  return outDir
}

/**
 * Once per run: builds the client if needed, serves it with the real API over an in-memory
 * embedded PostGIS holding the demo district, and starts Debian's Chromium. Test files connect
 * to that browser and open the page on that server.
 */
export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: browser tests need it (apt-get install chromium)`)
  }
  const clientDir = buildClientIfStale()
  const handle = await connectDatabase({})
  await migrate(handle)
  await loadDemo(handle.db)
  // The demo accounts, as `npm start` creates them (the tests sign in as the planner, the viewer,
  // the auditor…); the administrator's token, as ADMIN_TOKEN would make it, for the tests' own
  // checks through the API; and a city-wide planner for the editing tests.
  await bootstrapAccounts(handle.db, { demo: true, adminToken: TEST_ADMIN_TOKEN })
  await createAccount(handle.db, { login: CITY_PLANNER.login, displayName: CITY_PLANNER.displayName, password: CITY_PLANNER.password }, [{ role: 'planner' }])
  // Only for working on the client before the demo district exists: JZ_BROWSER_FIXTURE=1.
  if (process.env.JZ_BROWSER_FIXTURE === '1') await seedDevelopmentFixture(handle.db)
  const zones = await handle.db.selectFrom('zone').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  if (Number(zones.count) === 0) throw new Error('the demo district loaded no zones: browser tests need the demo')

  const app = await buildApp({ db: handle.db, publicUrl: 'http://127.0.0.1' })
  await app.register(fastifyStatic, { root: clientDir, wildcard: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  let browser: BrowserServer
  try {
    browser = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
  } catch (error) {
    await app.close()
    await handle.close()
    throw error
  }
  project.provide('browserBaseUrl', `http://127.0.0.1:${port}`)
  project.provide('browserWsEndpoint', browser.wsEndpoint())
  return async () => {
    await browser.close()
    await app.close()
    await handle.close()
    markBackendRan('browser', 'Chromium browser tests ran against the built app')
  }
}
