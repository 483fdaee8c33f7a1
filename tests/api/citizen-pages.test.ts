import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The citizen's pages of issue 10 (server/citizen/): the report form behind a signboard's page
 * and the follow-up page of one report. Cases are written straight into the tables of migration
 * 009 here, so these tests see only what the pages make of them.
 */

const anonymous = { authorization: undefined }

/** The page's inline scripts, each as its CSP hash source. */
function scriptHashes(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`)
}

function directives(header: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) map.set(name, values)
  }
  return map
}

const HOSTILE_ZONE = '<script>alert("zone")</script>环城北路'
const HOSTILE_CATEGORY = '<img src=x onerror=alert(1)>乱堆放'
const HOSTILE_NOTE = '已清理 </li><script>alert("note")</script>'

describe('the citizen pages', () => {
  let t: TestApp
  let street: { id: number; code: string }
  let categoryId: number
  let nextCase = 1

  /** A case as the intake would have stored it, with a token of our own. */
  async function insertCase(state: string, extra: { rating?: number; rating_comment?: string } = {}): Promise<{ id: number; token: string; number: string }> {
    const n = nextCase++
    const token = `citizen-page-token-${n}-${'x'.repeat(20)}`
    const number = `20261202-${String(n).padStart(4, '0')}`
    const { rows } = await sql<{ id: number }>`
      INSERT INTO case_file (number, public_token, channel, state, category_id, description, location, routing, reporter_name, reporter_phone, rating, rating_comment, created_at)
      VALUES (${number}, ${token}, 'qr', ${state}, ${categoryId}, '门口堆了很多建筑垃圾', ST_SetSRID(ST_MakePoint(120.17, 30.28), 4326), '{}'::jsonb,
              '王秘密', '13900001111', ${extra.rating ?? null}, ${extra.rating_comment ?? null}, '2026-12-02T06:05:00Z')
      RETURNING id`.execute(t.handle.db)
    return { id: Number(rows[0]!.id), token, number }
  }

  async function insertEvent(caseId: number, at: string, action: string, isPublic: boolean, note: string | null, publicNote: string | null) {
    await sql`INSERT INTO case_event (case_id, at, action, public, note, public_note, login, display_name)
      VALUES (${caseId}, ${at}, ${action}, ${isPublic}, ${note}, ${publicNote}, 'dispatcher', '调度员内部姓名')`.execute(t.handle.db)
  }

  beforeAll(async () => {
    t = await createTestApp()
    const zone = await t.handle.db.selectFrom('zone').select(['id', 'code']).where('kind', '=', 'street').orderBy('id').executeTakeFirstOrThrow()
    street = { id: zone.id, code: zone.code }
    await sql`UPDATE zone SET name = ${HOSTILE_ZONE} WHERE id = ${street.id}`.execute(t.handle.db)
    const category = await sql<{ id: number }>`INSERT INTO category (name) VALUES (${HOSTILE_CATEGORY}) RETURNING id`.execute(t.handle.db)
    categoryId = Number(category.rows[0]!.id)
  })
  afterAll(async () => t?.close())

  it("puts a 我要反映问题 button on the signboard's page, leading to the report form", async () => {
    const response = await t.app.inject({ method: 'GET', url: `/r/${street.code}`, headers: anonymous })
    expect(response.statusCode).toBe(200)
    expect(response.body).toMatch(new RegExp(`<a class="report" href="/r/${street.code}/report\\?kind=street" data-testid="report">我要反映问题</a>`))
  })

  it('serves the report form to anyone, with the zone named but escaped, under a policy that allows exactly its script', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/r/${street.code}/report`, headers: anonymous })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    const html = response.body
    expect(html).toContain('<html lang="zh-CN">')
    expect(html).toContain('&lt;script&gt;alert(&quot;zone&quot;)&lt;/script&gt;环城北路')
    expect(html).not.toContain('<script>alert')
    // The form's parts the issue asks for.
    expect(html).toContain('accept="image/*" capture="environment"')
    expect(html).toContain('maxlength="500"')
    expect(html).toContain('只有办理此问题的工作人员能看到您的电话')
    expect(html).toMatch(new RegExp(`data-code="${street.code}" data-kind="street"`))
    // The signboard zone's point, for the categories when the phone gives no position: in Hangzhou.
    const lon = Number(/data-lon="([-\d.]+)"/.exec(html)![1]), lat = Number(/data-lat="([-\d.]+)"/.exec(html)![1])
    expect(lon).toBeGreaterThan(119.5)
    expect(lon).toBeLessThan(121)
    expect(lat).toBeGreaterThan(29.5)
    expect(lat).toBeLessThan(31)

    const csp = directives(response.headers['content-security-policy'])
    const hashes = scriptHashes(html)
    expect(hashes).toHaveLength(1)
    expect(csp.get('script-src')).toContain(hashes[0])
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'")
    expect(csp.get('default-src')).toEqual(["'none'"])
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(response.headers['x-frame-options']).toBe('DENY')
  })

  it('answers 404 pages for an unknown signboard code and an unknown or malformed follow-up token', async () => {
    const unknownCode = await t.app.inject({ method: 'GET', url: '/r/NO-SUCH-ZONE-999/report', headers: anonymous })
    expect(unknownCode.statusCode).toBe(404)
    expect(unknownCode.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(unknownCode.body).toContain('未找到该责任区')
    for (const token of ['no-such-token-0000000000000000', 'short', '%3Cscript%3E', 'a'.repeat(99)]) {
      const response = await t.app.inject({ method: 'GET', url: `/c/${token}`, headers: anonymous })
      expect(response.statusCode, token).toBe(404)
      expect(response.body, token).toContain('未找到这条反映')
      expect(response.body).not.toContain('<script>')
    }
  })

  it('shows a new report as 已上报 with its public timeline in Beijing time, escaped, and nothing internal', async () => {
    const report = await insertCase('reported')
    await insertEvent(report.id, '2026-12-02T06:05:00Z', 'reported', true, null, null)
    await insertEvent(report.id, '2026-12-02T06:30:00Z', 'note', false, '内部备注：与商户有纠纷', null)
    await insertEvent(report.id, '2026-12-02T16:10:00Z', 'note', true, '内部备注二', HOSTILE_NOTE)
    const response = await t.app.inject({ method: 'GET', url: `/c/${report.token}`, headers: anonymous })
    expect(response.statusCode).toBe(200)
    const html = response.body
    expect(html).toContain(`<span data-testid="case-number">${report.number}</span>`)
    expect(html).toContain('<span class="state" data-testid="state">已上报</span>')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;乱堆放')
    expect(html).toContain('已清理 &lt;/li&gt;&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<script>alert')
    // 06:05 UTC is 14:05 in Beijing; 16:10 UTC is 00:10 the next day.
    expect(html).toContain('<time>2026-12-02 14:05</time><strong>市民上报</strong>')
    expect(html).toContain('<time>2026-12-03 00:10</time><strong>进展说明</strong>')
    expect(html.match(/data-testid="event"/g)).toHaveLength(2)
    // Never the reporter, an internal note or who did it.
    for (const secret of ['王秘密', '13900001111', '内部备注', '调度员内部姓名', 'dispatcher']) expect(html).not.toContain(secret)
    expect(html).not.toContain('data-testid="rating-form"')

    const csp = directives(response.headers['content-security-policy'])
    const hashes = scriptHashes(html)
    expect(hashes).toHaveLength(1)
    expect(csp.get('script-src')).toContain(hashes[0])
    expect(csp.get('img-src')).toContain("'self'")
    expect(response.headers['cache-control']).toBe('no-store')
  })

  it('shows the public photos of a case, and not the others', async () => {
    const report = await insertCase('handled')
    const bytes = Buffer.from('not really a jpeg')
    const insert = (isPublic: boolean) => sql<{ id: number }>`
      INSERT INTO case_photo (case_id, purpose, content_type, bytes, byte_size, sha256, public)
      VALUES (${report.id}, 'feedback', 'image/jpeg', ${bytes}, ${bytes.length}, 'x', ${isPublic}) RETURNING id`.execute(t.handle.db)
    const shown = Number((await insert(true)).rows[0]!.id)
    const hidden = Number((await insert(false)).rows[0]!.id)
    const html = (await t.app.inject({ method: 'GET', url: `/c/${report.token}`, headers: anonymous })).body
    expect(html).toContain(`src="/api/public/cases/${report.token}/photos/${shown}"`)
    expect(html).not.toContain(`/photos/${hidden}"`)
    expect(html).toContain('已处置，待核查')
  })

  it('offers the 1–5 star rating once a case is closed, and shows the rating instead once given', async () => {
    const closed = await insertCase('closed')
    const open = (await t.app.inject({ method: 'GET', url: `/c/${closed.token}`, headers: anonymous })).body
    expect(open).toContain('已结案')
    expect(open).toContain('data-testid="rating-form"')
    for (const n of [1, 2, 3, 4, 5]) expect(open).toContain(`data-testid="star-${n}"`)
    expect(open).not.toContain('data-testid="star-6"')

    const rated = await insertCase('evaluated', { rating: 4, rating_comment: '<b>很快</b>' })
    const done = (await t.app.inject({ method: 'GET', url: `/c/${rated.token}`, headers: anonymous })).body
    expect(done).toContain('已评价')
    expect(done).not.toContain('data-testid="rating-form"')
    expect(done).toContain('★★★★☆')
    expect(done).toContain('&lt;b&gt;很快&lt;/b&gt;')
  })
})
