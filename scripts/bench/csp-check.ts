/**
 * One manual check in real Chromium that the security headers (server/http/security-headers.ts)
 * break nothing: `npx tsx scripts/bench/csp-check.ts` builds nothing itself (run `npm run build`
 * first), starts the real server on a fresh embedded data folder with the demo, signs in as the
 * demo planner, opens the map app (with and without the OpenStreetMap base map), a citizen page
 * `/r/{code}` and the API docs, and prints every `securitypolicyviolation` event and console
 * error each page raised. Exit 0 when there were none, 1 otherwise.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--no-first-run']

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jz-csp-'))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, DEMO: '1', PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true })
  let problems = 0
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break
      } catch {
        if (attempt > 3000) throw new Error('the server did not start')
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const context = await browser.newContext({ baseURL: base })
    // Recorded in the page itself, from before any of its scripts run.
    await context.addInitScript(() => {
      const seen: string[] = []
      ;(window as unknown as { __cspViolations: string[] }).__cspViolations = seen
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} ${event.sourceFile}:${event.lineNumber}`))
    })
    const page = await context.newPage()
    const signIn = await page.request.post('/api/session', { data: { login: 'planner', password: 'Demo-2026-jiezhang' } })
    console.log(`[csp] sign-in as planner: ${signIn.status()}`)
    const code = ((await (await page.request.get('/api/zones?kind=street&limit=1')).json()) as { features: { properties: { code: string } }[] }).features[0]!.properties.code
    const pages = [
      { name: 'map app', url: '/', ready: '.maplibregl-canvas' },
      { name: 'map app with the OSM base map', url: '/?basemap=osm', ready: '.maplibregl-canvas' },
      { name: `citizen page /r/${code}`, url: `/r/${encodeURIComponent(code)}`, ready: '[data-testid=send-location]' },
      { name: 'API docs', url: '/docs', ready: '.swagger-ui' },
    ]
    for (const target of pages) {
      const errors: string[] = []
      const onConsole = (message: { type(): string; text(): string }) => {
        if (message.type() === 'error') errors.push(message.text())
      }
      page.on('console', onConsole)
      const response = await page.goto(target.url)
      await page.waitForSelector(target.ready, { timeout: 60_000 })
      // Let the map load its data and tiles, and its worker start.
      await page.waitForTimeout(target.url.startsWith('/?') || target.url === '/' ? 5000 : 1000)
      if (target.url.startsWith('/r/')) await page.click('[data-testid=send-location]')
      const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)
      page.off('console', onConsole)
      const csp = response?.headers()['content-security-policy'] ?? '(none)'
      console.log(`[csp] ${target.name}: HTTP ${response?.status()}, ${violations.length} CSP violations, ${errors.length} console errors`)
      console.log(`[csp]   policy: ${csp}`)
      for (const violation of violations) console.log(`[csp]   violation: ${violation}`)
      for (const error of errors) console.log(`[csp]   console error: ${error}`)
      problems += violations.length
    }
  } finally {
    await browser.close()
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
    rmSync(dataDir, { recursive: true, force: true })
  }
  return problems ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
