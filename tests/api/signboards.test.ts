import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unzipSync } from 'fflate'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { seedSignboardDistrict, type SignboardFixture } from './signboards.fixture.js'

// jsqr is CommonJS with an ES-style default in its types: the function is the module itself or its default.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof jsQRModule.default

/** All text of a PDF, page by page, as a reader would extract it. */
async function pdfText(body: Buffer): Promise<{ pages: string[]; sizes: number[][] }> {
  const pdf = await getDocument({ data: new Uint8Array(body), useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise
  const pages: string[] = []
  const sizes: number[][] = []
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number)
    const content = await page.getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('\n'))
    sizes.push(page.view)
  }
  await pdf.destroy()
  return { pages, sizes }
}

/** The RGBA pixels of a rectangle given in millimetres of the printed page. */
function crop(png: PNG, dpi: number, box: { x: number; y: number; width: number; height: number }) {
  const px = (mm: number) => Math.round((mm / 25.4) * dpi)
  const x0 = px(box.x)
  const y0 = px(box.y)
  const width = px(box.width)
  const height = px(box.height)
  const data = new Uint8ClampedArray(width * height * 4)
  for (let y = 0; y < height; y++) {
    const start = ((y0 + y) * png.width + x0) * 4
    data.set(png.data.subarray(start, start + width * 4), y * width * 4)
  }
  return { data, width, height }
}

function countColour(pixels: { data: Uint8ClampedArray }, hex: string, tolerance = 40): number {
  const r = parseInt(hex.slice(1, 3), 16)
  const g = parseInt(hex.slice(3, 5), 16)
  const b = parseInt(hex.slice(5, 7), 16)
  let count = 0
  for (let i = 0; i < pixels.data.length; i += 4) {
    if (Math.abs(pixels.data[i]! - r) + Math.abs(pixels.data[i + 1]! - g) + Math.abs(pixels.data[i + 2]! - b) <= tolerance) count++
  }
  return count
}

async function waitForJob(t: TestApp, id: string): Promise<{ status: string; done: number; total: number; file: string | null }> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const job = (await t.app.inject({ method: 'GET', url: `/api/signboards/jobs/${id}` })).json()
    if (job.status !== 'running') return job
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the batch did not finish')
}

describe('signboards of a seeded sub-district', () => {
  let t: TestApp
  let fixture: SignboardFixture
  beforeAll(async () => {
    t = await createTestApp({ demo: false })
    fixture = await seedSignboardDistrict(t.handle.db)
  })
  afterAll(async () => t?.close())

  it('prints a street signboard as a PDF whose text holds the street, every chief with phone, departments and the date', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.pdf' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    const body = response.rawPayload
    expect(body.subarray(0, 5).toString()).toBe('%PDF-')
    // The Chinese font is embedded (a CFF subset), not referenced.
    expect(body.toString('latin1')).toMatch(/\/FontFile3/)
    const { pages, sizes } = await pdfText(body)
    expect(pages).toHaveLength(1)
    const text = pages[0]!.replace(/\n/g, '')
    expect(text).toContain('体育场路 街长公示牌')
    expect(text).toContain('天水街道')
    for (const [name, phone] of [['王建国', '0571-87001234'], ['李明', '13805710001'], ['陈晓红', '13805710002'], ['赵志刚', '13805710003'], ['孙伟', '13905710012'], ['吴磊', '13905710014']]) {
      expect(text).toContain(name)
      expect(text).toContain(phone)
    }
    expect(text).toContain('体育场路（中山北路—武林路）')
    expect(text).toContain('上城区环境卫生管理所')
    expect(text).toContain('0571-87005678')
    expect(text).toContain('12345')
    expect(text).toContain('生成日期')
    expect(text).toContain('OpenStreetMap')
    // A chief whose term has ended is not on the board; nor are grids the street does not cross.
    expect(text).not.toContain('钱旧任')
    expect(text).not.toContain('刘芳')
    // A3 landscape by default: 420 × 297 mm in points.
    expect(sizes[0]![2]).toBeCloseTo((420 / 25.4) * 72, 0)
    expect(sizes[0]![3]).toBeCloseTo((297 / 25.4) * 72, 0)
  })

  it('prints a PNG that is not blank, draws the street and its segments in the map, and carries a QR code that decodes to the zone URL', async () => {
    const dpi = 100
    const response = await t.app.inject({ method: 'GET', url: `/api/signboards/TS-S01.png?dpi=${dpi}` })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('image/png')
    const png = PNG.sync.read(response.rawPayload)
    expect(png.width).toBe(Math.round((420 / 25.4) * dpi))
    const whole = { data: new Uint8ClampedArray(png.data) }
    const white = countColour(whole, '#ffffff', 6)
    expect(white / (png.width * png.height)).toBeLessThan(0.8)
    // The map frame (landscape: 10..272 × 50..240 mm) holds the three segment colours.
    const map = crop(png, dpi, { x: 10, y: 50, width: 262, height: 190 })
    for (const colour of ['#1f77b4', '#e8710a', '#2ca02c']) expect(countColour(map, colour)).toBeGreaterThan(300)
    // The QR code sits in the panel's lower corner (280..340 × 217..277 mm).
    const qr = crop(png, dpi, { x: 278, y: 215, width: 64, height: 64 })
    expect(jsQR(qr.data, qr.width, qr.height)?.data).toBe('http://jiezhang.test/r/TS-S01')
  })

  it('highlights a street without segments in the focus colour', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S02.png?dpi=72' })
    expect(response.statusCode).toBe(200)
    const png = PNG.sync.read(response.rawPayload)
    expect(countColour(crop(png, 72, { x: 10, y: 50, width: 262, height: 190 }), '#c8102e')).toBeGreaterThan(300)
  })

  it('prints a grid signboard with the grid chief and the chiefs of the streets through it, on A4 portrait', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-G02.pdf?paper=A4&orientation=portrait' })
    expect(response.statusCode).toBe(200)
    const { pages, sizes } = await pdfText(response.rawPayload)
    const text = pages[0]!.replace(/\n/g, '')
    expect(text).toContain('武林北网格 网格长公示牌')
    expect(text).toContain('天水街道 · 武林社区')
    for (const name of ['孙伟', '13905710012', '王建国', '郑海', '冯涛']) expect(text).toContain(name)
    expect(sizes[0]![2]).toBeCloseTo((210 / 25.4) * 72, 0)
    expect(sizes[0]![3]).toBeCloseTo((297 / 25.4) * 72, 0)
  })

  it('prints a segment signboard with its segment chief and its street chief', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01-2.pdf' })
    expect(response.statusCode).toBe(200)
    const text = (await pdfText(response.rawPayload)).pages[0]!.replace(/\n/g, '')
    expect(text).toContain('体育场路（中山北路—武林路） 段长公示牌')
    for (const name of ['陈晓红', '13805710002', '王建国', '0571-87001234']) expect(text).toContain(name)
  })

  it('prints a community signboard and an SVG with real text', async () => {
    const pdf = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-WL.pdf' })
    expect(pdf.statusCode).toBe(200)
    const text = (await pdfText(pdf.rawPayload)).pages[0]!.replace(/\n/g, '')
    for (const name of ['黄丽', '刘芳', '孙伟']) expect(text).toContain(name)
    const svg = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01.svg' })
    expect(svg.statusCode).toBe(200)
    expect(svg.headers['content-type']).toContain('image/svg+xml')
    expect(svg.body).toMatch(/^<\?xml[^>]*>\s*<svg /)
    expect(svg.body).toContain('>体育场路 街长公示牌</text>')
    expect(svg.body).toContain('>13805710001</text>')
  })

  it('answers bad requests with clear 4xx errors', async () => {
    const cases: [string, number, string][] = [
      ['/api/signboards/NOPE.pdf', 404, 'not_found'],
      ['/api/signboards/TS-S01.gif', 400, 'invalid_format'],
      ['/api/signboards/TS.pdf', 422, 'unsupported_kind'],
      ['/api/signboards/TS-S01.png?dpi=5000', 400, 'invalid_request'],
      ['/api/signboards/TS-S01.png?paper=A1&dpi=600', 400, 'too_large'],
      ['/api/signboards/TS-S01.pdf?paper=B5', 400, 'invalid_request'],
      ['/api/signboards/TS-S01.pdf?orientation=sideways', 400, 'invalid_request'],
    ]
    for (const [url, status, code] of cases) {
      const response = await t.app.inject({ method: 'GET', url })
      expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({ url, status, code })
    }
  })

  it('documents the signboard routes in the OpenAPI description', async () => {
    const paths = Object.keys((await t.app.inject({ method: 'GET', url: '/docs/json' })).json().paths)
    for (const path of ['/api/signboards/{file}', '/api/signboards/duties/{kind}', '/api/signboards/batch', '/api/signboards/jobs/{id}', '/r/{code}']) {
      expect(paths).toContain(path)
    }
  })

  it('keeps editable duties text per zone kind and prints it', async () => {
    const initial = await t.app.inject({ method: 'GET', url: '/api/signboards/duties/grid' })
    expect(initial.statusCode).toBe(200)
    expect(initial.json().text).toContain('网格')
    const put = await t.app.inject({ method: 'PUT', url: '/api/signboards/duties/segment', payload: { text: '段长每日巡查本路段，发现问题两小时内上报。' } })
    expect(put.statusCode).toBe(200)
    expect(put.json()).toEqual({ kind: 'segment', text: '段长每日巡查本路段，发现问题两小时内上报。' })
    const all = (await t.app.inject({ method: 'GET', url: '/api/signboards/duties' })).json()
    expect(all.find((row: { kind: string }) => row.kind === 'segment').text).toBe('段长每日巡查本路段，发现问题两小时内上报。')
    const pdf = await t.app.inject({ method: 'GET', url: '/api/signboards/TS-S01-1.pdf' })
    expect((await pdfText(pdf.rawPayload)).pages[0]!.replace(/\n/g, '')).toContain('发现问题两小时内上报')
    for (const [url, payload] of [['/api/signboards/duties/segment', { text: '   ' }], ['/api/signboards/duties/planet', { text: '职责' }], ['/api/signboards/duties/street', {}], ['/api/signboards/duties/street', { text: '长'.repeat(2001) }]] as const) {
      const response = await t.app.inject({ method: 'PUT', url, payload })
      expect(response.statusCode).toBe(400)
    }
  })

  it('serves the mobile page of a QR code with the owners and call links', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/r/TS-S01' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/html')
    for (const text of ['体育场路 街长公示牌', '王建国', '李明', '陈晓红', '赵志刚', 'href="tel:+8657187001234"', 'href="tel:+8613805710001"', 'send-location', 'tel:12345']) {
      expect(response.body).toContain(text)
    }
    const missing = await t.app.inject({ method: 'GET', url: '/r/NOPE' })
    expect(missing.statusCode).toBe(404)
    expect(missing.body).toContain('未找到')
  })

  it('renders every street of the sub-district as one multi-page PDF through a batch job with progress', async () => {
    const start = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'TS', kind: 'street', format: 'pdf' } })
    expect(start.statusCode).toBe(202)
    expect(start.json()).toMatchObject({ status: 'running', total: fixture.streetCodes.length })
    const job = await waitForJob(t, start.json().id)
    expect(job).toMatchObject({ status: 'done', done: 6, total: 6 })
    const file = await t.app.inject({ method: 'GET', url: job.file! })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('application/pdf')
    const { pages } = await pdfText(file.rawPayload)
    expect(pages).toHaveLength(6)
    for (const name of ['体育场路', '中山北路', '延安路', '凤起路', '武林路', '天水巷']) {
      expect(pages.some((page) => page.replace(/\n/g, '').includes(`${name} 街长公示牌`))).toBe(true)
    }
  })

  it('renders every grid of the sub-district as a zip of files', async () => {
    const start = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'TS', kind: 'grid', format: 'zip' } })
    expect(start.statusCode).toBe(202)
    const job = await waitForJob(t, start.json().id)
    expect(job.status).toBe('done')
    const file = await t.app.inject({ method: 'GET', url: job.file! })
    expect(file.headers['content-type']).toBe('application/zip')
    const entries = unzipSync(new Uint8Array(file.rawPayload))
    expect(Object.keys(entries).sort()).toEqual(['TS-G01-武林南网格.pdf', 'TS-G02-武林北网格.pdf', 'TS-G03-天井南网格.pdf', 'TS-G04-天井北网格.pdf'])
    for (const entry of Object.values(entries)) expect(Buffer.from(entry.subarray(0, 5)).toString()).toBe('%PDF-')
  })

  it('refuses a batch for an unknown zone or kind, and an unknown job', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'NOPE' } })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'TS', kind: 'planet' } })).statusCode).toBe(400)
    // A zip of PNGs too large to render was once accepted and rendered for minutes in gigabytes of memory.
    const huge = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: 'TS', format: 'zip', file_format: 'png', paper: 'A1', dpi: 300 } })
    expect(huge.statusCode).toBe(400)
    // A1 landscape is 841 mm × 594 mm (ISO 216): at 300 dpi, 841 / 25.4 × 300 = 9933.07 and 594 / 25.4 × 300 = 7015.7.
    expect(huge.json().error).toMatchObject({ code: 'too_large', message: expect.stringMatching(/9933×7016 pixels/) })
    expect((await t.app.inject({ method: 'GET', url: '/api/signboards/jobs/nope' })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: '/api/signboards/jobs/nope/file' })).statusCode).toBe(404)
  })
})

describe('signboards of the demo district', () => {
  let t: TestApp
  let subdistrict: string
  let street: { id: number; code: string; name: string }
  let owners: { name: string; phone: string | null }[]
  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    subdistrict = (await db.selectFrom('zone').select('code').where('kind', '=', 'subdistrict').orderBy('code').executeTakeFirstOrThrow()).code
    // The street with the most segments: the richest signboard.
    const streets = await db
      .selectFrom('zone as s')
      .leftJoin('zone as g', (join) => join.onRef('g.parent_id', '=', 's.id').on('g.kind', '=', 'segment'))
      .select(['s.id', 's.code', 's.name', (eb) => eb.fn.count<number>('g.id').as('segments')])
      .where('s.kind', '=', 'street')
      .groupBy(['s.id', 's.code', 's.name'])
      .orderBy('segments', 'desc')
      .orderBy('s.code')
      .execute()
    street = streets[0]!
    owners = await db
      .selectFrom('assignment as a')
      .innerJoin('party as p', 'p.id', 'a.party_id')
      .innerJoin('zone as z', 'z.id', 'a.zone_id')
      .select(['p.name', 'p.phone'])
      .where('a.duty', '=', 'chief')
      .where('a.valid_to', 'is', null)
      .where((eb) => eb.or([eb('z.id', '=', street.id), eb.and([eb('z.parent_id', '=', street.id), eb('z.kind', '=', 'segment')])]))
      .execute()
  })
  afterAll(async () => t?.close())

  it('prints the demo street with the most segments with every chief of the street and its segments', async () => {
    expect(owners.length).toBeGreaterThan(0)
    const response = await t.app.inject({ method: 'GET', url: `/api/signboards/${encodeURIComponent(street.code)}.pdf` })
    expect(response.statusCode).toBe(200)
    const text = (await pdfText(response.rawPayload)).pages[0]!.replace(/\n/g, '')
    expect(text).toContain(`${street.name} 街长公示牌`)
    for (const owner of owners) {
      expect(text).toContain(owner.name)
      if (owner.phone) expect(text).toContain(owner.phone)
    }
  })

  it('puts a decodable QR code to the mobile page on the demo street PNG, and the page shows its owners', async () => {
    const dpi = 100
    const response = await t.app.inject({ method: 'GET', url: `/api/signboards/${encodeURIComponent(street.code)}.png?dpi=${dpi}` })
    expect(response.statusCode).toBe(200)
    const png = PNG.sync.read(response.rawPayload)
    const qr = crop(png, dpi, { x: 278, y: 215, width: 64, height: 64 })
    const url = jsQR(qr.data, qr.width, qr.height)?.data
    expect(url?.startsWith(`http://jiezhang.test/r/${encodeURIComponent(street.code)}`)).toBe(true)
    const page = await t.app.inject({ method: 'GET', url: url!.replace('http://jiezhang.test', '') })
    expect(page.statusCode).toBe(200)
    for (const owner of owners) expect(page.body).toContain(owner.name)
  })

  it('prints every street of the demo sub-district in one batch', async () => {
    const start = await t.app.inject({ method: 'POST', url: '/api/signboards/batch', payload: { zone: subdistrict, kind: 'street' } })
    expect(start.statusCode).toBe(202)
    const job = await waitForJob(t, start.json().id)
    expect(job.status).toBe('done')
    expect(job.total).toBeGreaterThanOrEqual(10)
    const file = await t.app.inject({ method: 'GET', url: job.file! })
    const { pages } = await pdfText(file.rawPayload)
    expect(pages).toHaveLength(job.total)
    expect(pages.every((page) => page.replace(/\n/g, '').includes('街长公示牌'))).toBe(true)
  })
})
