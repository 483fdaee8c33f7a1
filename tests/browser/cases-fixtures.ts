import { deflateSync } from 'node:zlib'
import type { Feature, Geometry } from 'geojson'
import { pointOnFeature } from '@turf/turf'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { inject } from 'vitest'
import { adminHeaders, DEMO_PASSWORD } from './accounts.js'

/**
 * What the case browser tests share: a small real PNG (the handler's photo), a phone-sized page
 * signed in as a demo account, and the demo's street 环城北路 (330105003J01), whose chief is the
 * demo account `chief`.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A valid 4×4 RGB PNG (PNG specification: signature, IHDR, one IDAT, IEND), built here. */
export function smallPng(): Buffer {
  const width = 4
  const height = 4
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // colour type: RGB
  const rows: number[] = []
  for (let y = 0; y < height; y++) {
    rows.push(0) // filter: none
    for (let x = 0; x < width; x++) rows.push(x * 60, y * 60, 120)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

export interface PhonePage {
  browser: Browser
  context: BrowserContext
  page: Page
  baseUrl: string
  close(): Promise<void>
}

/** A 390×844 touch page (an iPhone 12/13/14-sized screen), signed in as a demo account through the API. */
export async function openPhone(login: string): Promise<PhonePage> {
  const browser = await chromium.connect(inject('browserWsEndpoint'))
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' })
  const page = await context.newPage()
  const baseUrl = inject('browserBaseUrl')
  const response = await page.request.post(`${baseUrl}/api/session`, { data: { login, password: DEMO_PASSWORD } })
  if (response.status() !== 200) throw new Error(`signing in as ${login}: ${response.status()} ${await response.text()}`)
  return { browser, context, page, baseUrl, close: async () => { await context.close(); await browser.close() } }
}

export async function admin<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...adminHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** The party the demo account `chief` stands for (the chief of 环城北路). */
export async function chiefParty(baseUrl: string): Promise<{ id: number; name: string }> {
  const { accounts } = await admin<{ accounts: { login: string; party_id: number | null }[] }>(baseUrl, 'GET', '/api/accounts')
  const partyId = accounts.find((a) => a.login === 'chief')?.party_id
  if (!partyId) throw new Error('the demo account chief has no party')
  const parties = await admin<{ id: number; name: string }[]>(baseUrl, 'GET', '/api/parties')
  const party = parties.find((p) => p.id === partyId)
  if (!party) throw new Error(`party ${partyId} not listed`)
  return party
}

/** A point on the demo street 环城北路 (330105003J01), in 拱墅区 (the demo dispatcher's scope). */
export async function pointOnTheStreet(baseUrl: string): Promise<[number, number]> {
  const zones = await admin<{ features: Feature<Geometry, { code: string }>[] }>(baseUrl, 'GET', '/api/zones?q=330105003J01&limit=20')
  const street = zones.features.find((z) => z.properties.code === '330105003J01')
  if (!street) throw new Error('the demo has no 330105003J01')
  return pointOnFeature(street).geometry.coordinates as [number, number]
}

/** The first category of the demo (the hotline form offers them all). */
export async function aCategory(baseUrl: string): Promise<{ id: number; name: string }> {
  const categories = await admin<{ id: number; name: string }[]>(baseUrl, 'GET', '/api/categories')
  if (!categories[0]) throw new Error('the demo has no category')
  return categories[0]
}
