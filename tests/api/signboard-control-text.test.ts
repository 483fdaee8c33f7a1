import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { unzipSync } from 'fflate'
import { SaxesParser } from 'saxes'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { seedSignboardDistrict } from './signboards.fixture.js'

/**
 * Names with control characters written straight into the tables, as an old database or a script
 * could (the API refuses them on the way in): every writer must still produce a valid file.
 */
// Every C0 control but NUL (which PostgreSQL text cannot hold) and tab, line feed, carriage return.
const controls = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).filter((c) => !'\0\t\n\r'.includes(c))
const streetName = `网格\u0008名<b>&"'${controls.join('')}路`
const chiefName = `王\u0001建\u001F国`
const departmentName = `环卫\u000B所`

/** The errors a strict XML parser finds in a document: none for a well-formed one. */
function xmlErrors(text: string): string[] {
  const errors: string[] = []
  const parser = new SaxesParser()
  parser.on('error', (error) => errors.push(error.message))
  parser.write(text).close()
  return errors
}

/** Characters an HTML page must not contain (the HTML standard's "control" code points, less whitespace). */
// eslint-disable-next-line no-control-regex
const htmlControl = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/

async function waitForJob(t: TestApp, id: string): Promise<{ status: string; error: string | null; file: string | null }> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const job = (await t.app.inject({ method: 'GET', url: `/api/signboards/jobs/${id}` })).json()
    if (job.status !== 'running') return job
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the batch did not finish')
}

describe('signboards of zones and parties whose stored names hold control characters', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    await seedSignboardDistrict(t.handle.db)
    const db = t.handle.db
    await sql`UPDATE zone SET name = ${streetName} WHERE code = 'TS-S01' AND kind = 'street'`.execute(db)
    await sql`UPDATE zone SET name = ${`武林\u0007南网格`} WHERE code = 'TS-G01'`.execute(db)
    await sql`UPDATE party SET name = ${chiefName} WHERE name = '王建国'`.execute(db)
    await sql`UPDATE party SET name = ${departmentName} WHERE name = '上城区环境卫生管理所'`.execute(db)
    await sql`UPDATE duty_text SET text = ${'保洁\u0002巡查'} WHERE kind = 'street'`.execute(db)
  })
  afterAll(async () => t?.close())

  it('draws an SVG that a strict XML parser reads without error, with the names less their control characters', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.svg' })
    expect(response.statusCode).toBe(200)
    expect(xmlErrors(response.body)).toEqual([])
    expect(response.body).toContain('网格名&lt;b&gt;&amp;&quot;&apos;路')
    expect(response.body).toContain('王建国')
  })

  it('renders the PNG and the PDF', async () => {
    const png = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.png?paper=A4&dpi=72' })
    expect(png.statusCode).toBe(200)
    expect([...png.rawPayload.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const pdf = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.pdf' })
    expect(pdf.statusCode).toBe(200)
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
  })

  it('finishes a PDF batch and a zip of SVGs, every SVG well-formed', async () => {
    for (const payload of [{ zone: 'TS', kind: 'street', format: 'pdf' }, { zone: 'TS', kind: 'grid', format: 'zip', file_format: 'svg' }]) {
      const start = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload })
      expect(start.statusCode).toBe(202)
      const job = await waitForJob(t, start.json().id)
      expect(job).toMatchObject({ status: 'done', error: null })
      const file = await t.app.inject({ method: 'GET', url: job.file! })
      expect(file.statusCode).toBe(200)
      if (payload.format === 'zip') {
        const entries = unzipSync(new Uint8Array(file.rawPayload))
        expect(Object.keys(entries)).toHaveLength(4)
        for (const [name, entry] of Object.entries(entries)) {
          expect(name).not.toMatch(htmlControl)
          expect(xmlErrors(Buffer.from(entry).toString('utf8'))).toEqual([])
        }
      } else {
        expect(file.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
      }
    }
  })

  it('serves the mobile page with no control character and every name escaped', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/r/TS-S01' })
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toMatch(htmlControl)
    expect(response.body).toContain('网格名&lt;b&gt;&amp;&quot;&#39;路')
    expect(response.body).not.toContain('<b>')
    expect(response.body).toContain('王建国')
    expect(response.body).toContain('保洁巡查')
  })
})
