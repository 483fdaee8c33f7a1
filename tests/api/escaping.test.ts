import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { unzipSync } from 'fflate'
import { SaxesParser } from 'saxes'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { seedSignboardDistrict } from './signboards.fixture.js'
import { MOBILE_PAGE_SCRIPT } from '../../server/signboards/mobile-page.js'

/**
 * Names that are markup (issue 9 item 6): a zone named a script, a party named an attribute
 * break-out with an image, a department with a CDATA end and an ampersand. Every place that
 * writes names into a document (the citizen page, the SVG, the PDF, a batch, the JSON) must show
 * them as text.
 */
const streetName = '<script>alert(1)</script>体育场路'
const chiefName = '"><img src=x onerror=alert(1)>王建国'
const departmentName = '环卫]]>所&清运'

/** The elements and text a strict XML parser reads from a document, and its errors. */
function readXml(text: string): { errors: string[]; elements: string[]; text: string } {
  const errors: string[] = []
  const elements: string[] = []
  let content = ''
  const parser = new SaxesParser()
  parser.on('error', (error) => errors.push(error.message))
  parser.on('opentag', (tag) => elements.push(tag.name))
  parser.on('text', (chunk) => (content += chunk))
  parser.write(text).close()
  return { errors, elements, text: content }
}

async function pdfText(body: Buffer): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(body), useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise
  let text = ''
  for (let number = 1; number <= pdf.numPages; number++) {
    const content = await (await pdf.getPage(number)).getTextContent()
    text += content.items.map((item) => ('str' in item ? item.str : '')).join('')
  }
  await pdf.destroy()
  // A long name may be broken across lines: compare without the breaks.
  return text.replace(/\s+/g, '')
}
const squeeze = (text: string) => text.replace(/\s+/g, '')
const chiefStart = squeeze(chiefName).slice(0, 12)

async function waitForJob(t: TestApp, id: string): Promise<{ status: string; error: string | null; file: string | null }> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const job = (await t.app.inject({ method: 'GET', url: `/api/signboards/jobs/${id}` })).json()
    if (job.status !== 'running') return job
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the batch did not finish')
}

describe('names that are markup come out as text', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    await seedSignboardDistrict(t.handle.db)
    const db = t.handle.db
    // Straight into the tables: whatever the API accepts today, a stored name must never be markup.
    await sql`UPDATE zone SET name = ${streetName} WHERE code = 'TS-S01' AND kind = 'street'`.execute(db)
    await sql`UPDATE party SET name = ${chiefName} WHERE name = '王建国'`.execute(db)
    await sql`UPDATE party SET name = ${departmentName} WHERE name = '上城区环境卫生管理所'`.execute(db)
  })
  afterAll(async () => t?.close())

  it('escapes every name on the citizen page: one script (the page\'s own), no image element, the names as text', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/r/TS-S01', headers: { authorization: undefined } })
    expect(response.statusCode).toBe(200)
    const body = response.body
    // The only script element is the page's own, byte for byte (the one the CSP hash allows).
    expect(body.match(/<script/gi)).toHaveLength(1)
    expect(body).toContain(`<script>${MOBILE_PAGE_SCRIPT}</script>`)
    expect(body).not.toMatch(/<img/i)
    // No tag carries an event handler (the text " onerror=" stays text between escaped brackets).
    expect(body).not.toMatch(/<[^>]*\sonerror=/i)
    // HTML escaping by hand: < > & " as entities.
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;体育场路')
    expect(body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;王建国')
    expect(body).toContain('环卫]]&gt;所&amp;清运')
    // The SMS text (the zone's name) sits in an attribute, escaped, not in the script.
    expect(body).toContain('data-sms-body="【&lt;script&gt;alert(1)&lt;/script&gt;体育场路】')
  })

  it('draws an SVG that is well-formed XML whose only elements are drawing, with the names in its text', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.svg' })
    expect(response.statusCode).toBe(200)
    const svg = readXml(response.body)
    expect(svg.errors).toEqual([])
    expect(svg.elements).not.toContain('script')
    expect(svg.elements).not.toContain('img')
    expect(svg.elements).not.toContain('foreignObject')
    const text = squeeze(svg.text)
    expect(text).toContain(squeeze(streetName))
    // The chief's long name is cut to fit its box (with …): its start, markup and all, is text.
    expect(text).toContain(chiefStart)
    expect(text).toContain(departmentName)
  })

  it('writes the names into the PDF as text', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.pdf' })
    expect(response.statusCode).toBe(200)
    const text = await pdfText(response.rawPayload)
    expect(text).toContain(squeeze(streetName))
    // The chief's long name is cut to fit its box (with …): its start, markup and all, is text.
    expect(text).toContain(chiefStart)
    expect(text).toContain(departmentName)
  })

  it('keeps the names as text in a batch: the PDF and every SVG of the zip', async () => {
    const pdfStart = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'TS', kind: 'street', format: 'pdf' } })
    expect(pdfStart.statusCode).toBe(202)
    const pdfJob = await waitForJob(t, pdfStart.json().id)
    expect(pdfJob).toMatchObject({ status: 'done', error: null })
    const pdf = await t.app.inject({ method: 'GET', url: pdfJob.file! })
    expect(await pdfText(pdf.rawPayload)).toContain(squeeze(streetName))

    const zipStart = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'TS', kind: 'street', format: 'zip', file_format: 'svg' } })
    expect(zipStart.statusCode).toBe(202)
    const zipJob = await waitForJob(t, zipStart.json().id)
    expect(zipJob).toMatchObject({ status: 'done', error: null })
    const zip = await t.app.inject({ method: 'GET', url: zipJob.file! })
    const entries = Object.entries(unzipSync(new Uint8Array(zip.rawPayload)))
    expect(entries.length).toBe(6)
    let seen = 0
    for (const [name, entry] of entries) {
      expect(name).not.toMatch(/[<>"]/)
      const svg = readXml(Buffer.from(entry).toString('utf8'))
      expect(svg.errors).toEqual([])
      expect(svg.elements).not.toContain('script')
      if (squeeze(svg.text).includes(squeeze(streetName))) seen++
    }
    // The street's own board and the boards whose map shows it.
    expect(seen).toBeGreaterThanOrEqual(1)
  })

  it('answers the names in JSON exactly as stored (JSON is not markup)', async () => {
    const zones = await t.app.inject({ method: 'GET', url: `/api/zones?q=${encodeURIComponent('体育场路')}&kind=street` })
    expect(zones.statusCode).toBe(200)
    expect(zones.headers['content-type']).toMatch(/^application\/json/)
    expect(zones.body).toContain(JSON.stringify(streetName).slice(1, -1))
    const parties = await t.app.inject({ method: 'GET', url: `/api/parties?q=${encodeURIComponent('王建国')}` })
    expect(parties.statusCode).toBe(200)
    expect(parties.json().map((party: { name: string }) => party.name)).toContain(chiefName)
  })
})
