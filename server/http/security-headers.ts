import { createHash } from 'node:crypto'
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import { MOBILE_PAGE_SCRIPT } from '../signboards/mobile-page.js'
import { FOLLOW_PAGE_SCRIPT, REPORT_PAGE_SCRIPT } from '../citizen/citizen-pages.js'

/**
 * The tile servers the map app's base maps load from (client/src/map/style.ts `basemapFromUrl`):
 * OpenStreetMap and 天地图. MapLibre fetches raster tiles with `fetch`, so they go in
 * `connect-src` (and `img-src`, for the attribution and any `<img>` fallback). A base map from
 * another server (`?basemap=https://…`) needs its origin in BASEMAP_ORIGINS.
 */
export const DEFAULT_BASEMAP_ORIGINS = ['https://tile.openstreetmap.org', 'https://t0.tianditu.gov.cn']

export interface SecurityHeaderOptions {
  /** Behind an HTTPS reverse proxy (TRUST_PROXY=1): send Strict-Transport-Security. */
  https: boolean
  /** Origins of the base-map tile servers (`https://host[:port]`). */
  basemapOrigins?: readonly string[]
}

/** BASEMAP_ORIGINS: space- or comma-separated origins; unset means the defaults. A value that is not an origin is an error naming it. */
export function basemapOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.BASEMAP_ORIGINS?.trim()
  if (!value) return DEFAULT_BASEMAP_ORIGINS
  const origins = value.split(/[\s,]+/).filter(Boolean)
  for (const origin of origins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      throw new Error(`BASEMAP_ORIGINS must list origins such as https://tile.openstreetmap.org, got "${origin.slice(0, 80)}"`)
    }
  }
  return origins
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

/**
 * The map app's policy. MapLibre 6 runs its worker from a `blob:` URL (`worker-src blob:`), draws
 * raster tiles and its label glyphs from `data:`/`blob:` images, and sets element styles inline
 * (`style-src 'unsafe-inline'`); it needs no `eval` (checked in Chromium: no violation with this
 * policy, docs/operations.md). Scripts come only from this server.
 */
export function appContentSecurityPolicy(basemapOrigins: readonly string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...basemapOrigins],
    'connect-src': ["'self'", ...basemapOrigins],
    'worker-src': ["'self'", 'blob:'],
    'child-src': ["'self'", 'blob:'],
    'font-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  }
}

/**
 * The citizen page `/r/{code}` (signboards/mobile-page.ts) is self-contained: its one script is
 * allowed by its hash (the same bytes on every page; what differs per zone is in data
 * attributes), its styles are inline (a `<style>` block and the chiefs' colour swatches). No
 * image, font or connection from anywhere.
 */
export const MOBILE_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(MOBILE_PAGE_SCRIPT)}`,
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * The citizen's report form (`/r/{code}/report`) and follow-up page (`/c/{token}`,
 * server/citizen/): like the signboard's page, their scripts are allowed by hash and their styles
 * are inline; they also talk to this server's public API (`connect-src 'self'`) and show the
 * photo being sent (a `blob:` preview) and the case's public photos (`'self'`).
 */
export const CITIZEN_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(REPORT_PAGE_SCRIPT)} ${sha256(FOLLOW_PAGE_SCRIPT)}`,
  "style-src 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Which of the pages' policies a path gets. */
export function pagePolicyOf(path: string): 'citizen' | 'mobile' | 'app' {
  if (/^\/r\/[^/]+\/report\/?$/.test(path) || path.startsWith('/c/')) return 'citizen'
  if (path.startsWith('/r/')) return 'mobile'
  return 'app'
}

const serialise = (directives: Record<string, string[]>) =>
  Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ')

/**
 * Security headers on every answer (@fastify/helmet): the Content-Security-Policy above,
 * `X-Frame-Options: DENY` with `frame-ancestors 'none'` (nothing may frame the app: clickjacking),
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: strict-origin-when-cross-origin` (the tile
 * servers' usage policies ask for a Referer naming the site; paths and queries stay private), and
 * Strict-Transport-Security only when the app is served over HTTPS (TRUST_PROXY=1): on plain http
 * in development HSTS would be ignored at best.
 */
export async function installSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): Promise<void> {
  const appPolicy = serialise(appContentSecurityPolicy(options.basemapOrigins ?? DEFAULT_BASEMAP_ORIGINS))
  await app.register(helmet, {
    global: true,
    // Set below, per page: the map app's and the citizen page's differ.
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    hsts: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  })
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?', 1)[0]!
    const policy = pagePolicyOf(path)
    reply.header('content-security-policy', policy === 'citizen' ? CITIZEN_PAGE_CSP : policy === 'mobile' ? MOBILE_PAGE_CSP : appPolicy)
    return payload
  })
}
