import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { createHash } from 'node:crypto'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import pg from 'pg'
import { LARGE_BODY_LIMIT } from '../../server/kernel/body-limits.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { emptyTheDatabase, rectangle } from '../helpers/seed.js'
import { osmRoads, richDistrict, richDistrictCounts, type Feature } from './transfer.fixture.js'

const tables = ['zone', 'zone_part', 'party', 'assignment', 'category', 'category_route'] as const

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ demo: false })
})
afterAll(async () => t?.close())

const importFile = (body: unknown, query = '') =>
  t.app.inject({ method: 'POST', url: `/api/import${query}`, payload: body as object })
const exportAll = async (query = '') => {
  const response = await t.app.inject({ method: 'GET', url: `/api/export${query}` })
  expect(response.statusCode).toBe(200)
  return response.json()
}

async function emptyDatabase(): Promise<void> {
  await emptyTheDatabase(t.handle.db)
}

async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of tables) {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.handle.db)
    counts[table] = Number(rows[0]!.n)
  }
  return counts
}

/** Every row that an import could touch, as counts plus a hash of the ordered export. */
async function snapshot() {
  const document = JSON.stringify(await exportAll())
  return { counts: await tableCounts(), md5: createHash('md5').update(document).digest('hex') }
}

function problemsOf(response: { statusCode: number; json(): { error: { details: unknown } } }) {
  return response.json().error.details as { index?: number; field: string; reason: string }[]
}

describe('POST /api/import', () => {
  it('imports a whole district and answers with the counts it created', async () => {
    await emptyDatabase()
    const response = await importFile(richDistrict())
    expect(response.statusCode, response.body).toBe(201)
    expect(response.json()).toEqual({ created: richDistrictCounts })
    expect(await tableCounts()).toMatchObject({ zone: 13, party: 17, assignment: 18, category: 4, category_route: 4 })

    const { rows: zones } = await sql<{ code: string; name: string; width_m: number | null; parent: string | null }>`
      SELECT z.code, z.name, z.width_m, p.code AS parent FROM zone z LEFT JOIN zone p ON p.id = z.parent_id ORDER BY z.code`.execute(t.handle.db)
    const byCode = Object.fromEntries(zones.map((zone) => [zone.code, zone]))
    // secondary → 30 m by class; a segment without a width or class takes its street's.
    expect(byCode.S1).toMatchObject({ width_m: 30, parent: '330106001' })
    expect(byCode['S1-1']).toMatchObject({ width_m: 30, parent: 'S1' })
    expect(byCode['S1-2']).toMatchObject({ width_m: 20 })
    expect(byCode.S2).toMatchObject({ width_m: 18, parent: null })
    expect(byCode.F1).toMatchObject({ name: '老王面馆(测试)', parent: 'S1-1' })

    const { rows: chiefs } = await sql<{ code: string; role: string; open: boolean }>`
      SELECT z.code, p.role, a.valid_to IS NULL AS open FROM assignment a
      JOIN zone z ON z.id = a.zone_id JOIN party p ON p.id = a.party_id
      WHERE a.duty = 'chief' ORDER BY z.code, a.valid_from`.execute(t.handle.db)
    expect(chiefs.filter((row) => row.code === 'S1')).toEqual([
      { code: 'S1', role: '街长', open: false },
      { code: 'S1', role: '街长', open: true },
    ])
    expect(chiefs.find((row) => row.code === 'S1-1')?.role).toBe('段长')
    expect(chiefs.find((row) => row.code === 'S1-2')?.role).toBe('路段长')
    expect(chiefs.filter((row) => row.code === '33010600100101').map((row) => row.open)).toEqual([false, false, true])
  })

  it('validates and counts on a dry run without writing anything', async () => {
    await emptyDatabase()
    const response = await importFile(richDistrict(), '?dry_run=1')
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json()).toEqual({ created: richDistrictCounts, dry_run: true })
    expect(Object.values(await tableCounts()).every((count) => count === 0)).toBe(true)
  })

  it('takes application/geo+json', async () => {
    await emptyDatabase()
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/import',
      headers: { 'content-type': 'application/geo+json' },
      payload: JSON.stringify(richDistrict()),
    })
    expect(response.statusCode, response.body).toBe(201)
  })
})

describe('GET /api/export', () => {
  it('gives the same document after export → import into an empty database → export', async () => {
    await emptyDatabase()
    expect((await importFile(richDistrict())).statusCode).toBe(201)
    const first = await exportAll()
    expect(first.features.map((f: Feature) => f.properties.code)).toEqual([
      '330106', '330106001', '330106001001', '330106001002', '33010600100101', '33010600100102', '33010600100201',
      'S1', 'S2', 'S1-1', 'S1-2', 'F1', 'F2',
    ])
    expect(first.departments).toContainEqual({ name: '备用科(测试)', phone: '0571-0000-0009' })
    expect(first.categories).toEqual(['占道经营', '垃圾堆放', '未分派类别', '路灯损坏'])
    const s1 = first.features.find((f: Feature) => f.properties.code === 'S1').properties
    // The fixture's bare dates (2024-01-01, 2019-01-01) are midnight China Standard Time, as everywhere in the API.
    expect(s1).toMatchObject({
      parent: '330106001',
      width_m: 30,
      street_class: 'secondary',
      chief: { name: '街长丁(测试)', phone: '139-0000-0004', title: '副区长', role: '街长', since: '2023-12-31T16:00:00.000Z' },
      department: { name: '市政所', phone: '0571-0000-0001' },
      categories: { 路灯损坏: '环卫所' },
    })
    expect(s1.history).toEqual([
      { duty: 'chief', name: '街长旧(测试)', phone: '139-0000-0014', title: '原副区长', role: '街长', from: '2018-12-31T16:00:00.000Z', to: '2023-12-31T16:00:00.000Z' },
      { duty: 'department', name: '环卫所', phone: '0571-0000-0002', from: '2018-12-31T16:00:00.000Z', to: '2019-12-31T16:00:00.000Z' },
    ])
    expect(first.features.find((f: Feature) => f.properties.code === '330106001002').geometry.type).toBe('MultiPolygon')
    expect(first.features.find((f: Feature) => f.properties.code === 'S2').geometry.type).toBe('MultiLineString')

    await emptyDatabase()
    const again = await importFile(first)
    expect(again.statusCode, again.body).toBe(201)
    expect(again.json().created).toEqual(richDistrictCounts)
    expect(await exportAll()).toEqual(first)
  })

  it('exports one zone and the zones below it with only the departments and categories they use', async () => {
    await emptyDatabase()
    expect((await importFile(richDistrict())).statusCode).toBe(201)
    const part = await exportAll('?root=330106001001')
    expect(part.features.map((f: Feature) => f.properties.code)).toEqual(['330106001001', '33010600100101', '33010600100102'])
    expect(part.features[0].properties.parent).toBe('330106001')
    expect(part.departments).toEqual([])
    expect(part.categories).toEqual([])
    const missing = await t.app.inject({ method: 'GET', url: '/api/export?root=NOPE' })
    expect(missing.statusCode).toBe(404)
  })
})

describe('bad input', () => {
  const withFeature = (properties: Record<string, unknown>, geometry: unknown) => ({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties, geometry }],
  })
  const grid = (properties: Record<string, unknown> = {}, geometry: unknown = rectangle(120.151, 30.261, 120.152, 30.262)) =>
    withFeature({ kind: 'grid', code: '33010600100199', name: '新网格', parent: '330106001001', ...properties }, geometry)
  // The cases that name existing zones (a duplicate code, a parent of the wrong kind) need the district in.
  beforeEach(async () => {
    await emptyDatabase()
    expect((await importFile(richDistrict())).statusCode).toBe(201)
  })

  // [what, body, status, index, field, reason]
  const cases: [string, unknown, number, number | undefined, string, RegExp][] = [
    ['not a FeatureCollection', { type: 'Feature', properties: {}, geometry: null }, 400, undefined, 'type', /FeatureCollection/],
    ['no features', { type: 'FeatureCollection', features: [] }, 400, undefined, 'features', /empty/],
    ['more than 200,000 features', { type: 'FeatureCollection', features: Array.from({ length: 200_001 }, () => ({ type: 'Feature' })) }, 400, undefined, 'features', /at most 200000/],
    ['a feature that is not a Feature', { type: 'FeatureCollection', features: [[1, 2]] }, 400, 0, 'type', /Feature/],
    ['an unknown kind', grid({ kind: 'block' }), 400, 0, 'properties.kind', /unknown kind/],
    ['a missing code', grid({ code: undefined }), 400, 0, 'properties.code', /missing/],
    ['text where a number belongs', withFeature({ kind: 'street', code: 'S9', name: '某路', width_m: '20' }, { type: 'LineString', coordinates: [[120.151, 30.261], [120.152, 30.261]] }), 400, 0, 'properties.width_m', /must be a number/],
    ['a width out of range', withFeature({ kind: 'street', code: 'S9', name: '某路', width_m: 500 }, { type: 'LineString', coordinates: [[120.151, 30.261], [120.152, 30.261]] }), 400, 0, 'properties.width_m', /at most 200/],
    ['text in the coordinates', grid({}, { type: 'Polygon', coordinates: [[[120.151, '30.261'], [120.152, 30.261], [120.152, 30.262], [120.151, 30.261]]] }), 400, 0, 'geometry.coordinates[0][0]', /numbers/],
    ['an unclosed ring', grid({}, { type: 'Polygon', coordinates: [[[120.151, 30.261], [120.152, 30.261], [120.152, 30.262], [120.151, 30.262]]] }), 400, 0, 'geometry.coordinates[0]', /not closed/],
    ['swapped longitude and latitude', grid({}, rectangle(30.261, 120.151, 30.262, 120.152)), 400, 0, 'geometry.coordinates[0][0]', /swapped/],
    ['coordinates out of range', grid({}, rectangle(190, 30.261, 191, 30.262)), 400, 0, 'geometry.coordinates[0][0]', /out of range/],
    ['the wrong geometry for the kind', grid({}, { type: 'LineString', coordinates: [[120.151, 30.261], [120.152, 30.262]] }), 400, 0, 'geometry.type', /Polygon/],
    ['a chief without a name', grid({ chief: { phone: '123' } }), 400, 0, 'properties.chief.name', /missing/],
    ['categories that are not an object', grid({ categories: ['路灯损坏'] }), 400, 0, 'properties.categories', /object/],
    ['a self-intersecting ring', grid({}, { type: 'Polygon', coordinates: [[[120.151, 30.261], [120.152, 30.262], [120.152, 30.261], [120.151, 30.262], [120.151, 30.261]]] }), 422, 0, 'geometry', /Self-intersection/i],
    ['a code already in the database', grid({ code: '33010600100101' }), 422, 0, 'properties.code', /already exists/],
    ['a grid without its community', grid({ parent: undefined }), 422, 0, 'properties.parent', /needs the code of its community/],
    ['a parent of the wrong kind', grid({ parent: '330106001' }), 422, 0, 'properties.parent', /is a subdistrict/],
    ['a grid outside its community', grid({}, rectangle(120.161, 30.261, 120.162, 30.262)), 422, 0, 'geometry', /outside its community 330106001001/],
    ['a street entirely outside its sub-district', withFeature({ kind: 'street', code: 'S-FAR', name: '远处路', parent: '330106001' }, { type: 'LineString', coordinates: [[120.4, 30.4], [120.41, 30.4]] }), 422, 0, 'geometry', /entirely outside its parent subdistrict 330106001/],
    ['a segment not on its street', withFeature({ kind: 'segment', code: 'S1-9', name: '歪段', parent: 'S1' }, { type: 'LineString', coordinates: [[120.155, 30.265], [120.157, 30.266]] }), 422, 0, 'geometry', /not on its street S1/],
  ]

  it.each(cases)('refuses %s with a 4xx naming the feature and field', async (_what, body, status, index, field, reason) => {
    const response = await importFile(body)
    expect(response.statusCode, response.body).toBe(status)
    const error = response.json().error
    expect(error.code).toBe(status === 400 ? 'invalid_import' : 'import_rejected')
    expect(problemsOf(response)).toContainEqual(expect.objectContaining({ ...(index === undefined ? {} : { index }), field, reason: expect.stringMatching(reason) }))
  })

  it('lists every problem of a file, not just the first', async () => {
    const body = richDistrict()
    body.features = body.features.slice(0, 4)
    body.features[0]!.properties.chief = '区长甲'
    body.features[2]!.properties.width_m = 'wide'
    body.features[3]!.geometry = rectangle(30.26, 120.16, 30.275, 120.17)
    await emptyDatabase()
    const response = await importFile(body)
    expect(response.statusCode).toBe(400)
    const indexes = new Set(problemsOf(response).map((problem) => problem.index))
    expect([...indexes].sort()).toEqual([0, 2, 3])
    expect(response.json().error.message).toMatch(/^3 features are invalid/)
  })

  it('answers an empty body, a non-JSON body and an oversized body with 400, 415 and 413', async () => {
    const empty = await t.app.inject({ method: 'POST', url: '/api/import', headers: { 'content-type': 'application/json' }, payload: '' })
    expect(empty.statusCode).toBe(400)
    const text = await t.app.inject({ method: 'POST', url: '/api/import', headers: { 'content-type': 'text/csv' }, payload: 'kind,code\ngrid,G1' })
    expect(text.statusCode).toBe(415)
    expect(text.json().error.code).toBe('unsupported_media_type')
    // text/plain was once parsed as a string and answered "not a FeatureCollection"; the docs say 415.
    const plain = await t.app.inject({ method: 'POST', url: '/api/import', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(richDistrict()) })
    expect(plain.statusCode).toBe(415)
    expect(plain.json().error.message).toMatch(/text\/plain/)
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/import',
      headers: { 'content-type': 'application/json', 'content-length': String(LARGE_BODY_LIMIT + 1) },
      payload: Readable.from(['{"type":"FeatureCollection","features":[]}']),
    })
    expect(huge.statusCode).toBe(413)
    expect(huge.json().error.code).toBe('payload_too_large')
    expect(huge.json().error.message).toMatch(/at most 128 MiB/)
  })
})

describe('all or nothing', () => {
  /** New zones that are fine on their own, and one bad feature last, so a half-write would show. */
  function goodThenBad(bad: Feature) {
    return {
      type: 'FeatureCollection',
      categories: ['新类别'],
      features: [
        { type: 'Feature', properties: { kind: 'street', code: 'S3', name: '新路', parent: '330106001002', chief: { name: '新街长(测试)', phone: '139-0000-0099' }, categories: { 新类别: '新部门' } }, geometry: { type: 'LineString', coordinates: [[120.162, 30.261], [120.162, 30.274]] } },
        { type: 'Feature', properties: { kind: 'segment', code: 'S3-1', name: '新路南段', parent: 'S3' }, geometry: { type: 'LineString', coordinates: [[120.162, 30.261], [120.162, 30.268]] } },
        { type: 'Feature', properties: { kind: 'grid', code: '33010600100202', name: '东二网格', parent: '330106001002' }, geometry: rectangle(120.161, 30.276, 120.169, 30.279) },
        bad,
      ],
    }
  }

  it.each([
    ['a grid outside its community (found after the rows are written)', { type: 'Feature', properties: { kind: 'grid', code: '33010600100203', name: '飞地网格', parent: '330106001002' }, geometry: rectangle(120.151, 30.261, 120.152, 30.262) }, 422],
    ['a segment off its street (found after the rows are written)', { type: 'Feature', properties: { kind: 'segment', code: 'S3-2', name: '新路歪段', parent: 'S3' }, geometry: { type: 'LineString', coordinates: [[120.162, 30.268], [120.165, 30.274]] } }, 422],
    ['text where a number belongs', { type: 'Feature', properties: { kind: 'segment', code: 'S3-2', name: '新路北段', parent: 'S3', width_m: '十米' }, geometry: { type: 'LineString', coordinates: [[120.162, 30.268], [120.162, 30.274]] } }, 400],
    // These three once reached the database: a constraint error without index, a 500 on year 0, and
    // a street across the antimeridian that owned every point of its latitude.
    ['a width too small to own any area', { type: 'Feature', properties: { kind: 'segment', code: 'S3-2', name: '新路北段', parent: 'S3', width_m: 1e-300 }, geometry: { type: 'LineString', coordinates: [[120.162, 30.268], [120.162, 30.274]] } }, 400],
    ['a year PostgreSQL cannot store', { type: 'Feature', properties: { kind: 'segment', code: 'S3-2', name: '新路北段', parent: 'S3', chief: { name: '段长(测试)', since: '0000-01-01' } }, geometry: { type: 'LineString', coordinates: [[120.162, 30.268], [120.162, 30.274]] } }, 400],
    ['a street across the antimeridian', { type: 'Feature', properties: { kind: 'street', code: 'S9', name: '跨日界线路' }, geometry: { type: 'LineString', coordinates: [[179.9, 30.27], [-179.9, 30.27]] } }, 400],
  ] as [string, Feature, number][])('leaves the database exactly as it was after %s', async (_what, bad, status) => {
    await emptyDatabase()
    expect((await importFile(richDistrict())).statusCode).toBe(201)
    const before = await snapshot()
    const response = await importFile(goodThenBad(bad))
    expect(response.statusCode, response.body).toBe(status)
    expect(problemsOf(response)).toEqual([expect.objectContaining({ index: 3 })])
    expect(await snapshot()).toEqual(before)
    // The good part on its own goes in: nothing of it was left behind by the failed attempt.
    const good = goodThenBad(bad)
    good.features.pop()
    const retry = await importFile(good)
    expect(retry.statusCode, retry.body).toBe(201)
    expect(retry.json().created).toEqual({ zones: 3, parties: 2, assignments: 1, categories: 1, routes: 1 })
  })
})

describe('POST /api/import/osm-roads', () => {
  it('joins the ways of one name into one street and leaves footways out unless asked', async () => {
    await emptyDatabase()
    expect((await importFile(richDistrict())).statusCode).toBe(201)
    const post = (query: string) => t.app.inject({ method: 'POST', url: `/api/import/osm-roads${query}`, payload: osmRoads() })
    const withFootways = await post('?include=footway&dry_run=1')
    expect(withFootways.statusCode, withFootways.body).toBe(200)
    expect(withFootways.json().created.zones).toBe(2)
    expect(await tableCounts()).toMatchObject({ zone: 13 })

    const response = await post('?parent=330106001')
    expect(response.statusCode, response.body).toBe(201)
    expect(response.json().created.zones).toBe(1)
    const streets = (await exportAll()).features.filter((f: Feature) => f.properties.name === '延安路' && f.properties.code !== 'S1')
    expect(streets).toHaveLength(1)
    expect(streets[0].properties).toMatchObject({ kind: 'street', parent: '330106001', street_class: 'secondary', width_m: 30 })
    expect(streets[0].geometry).toEqual({ type: 'LineString', coordinates: [[120.158, 30.26], [120.158, 30.27], [120.158, 30.28]] })
  })

  it('puts under the jurisdiction only the streets of the extract that reach into it', async () => {
    await emptyDatabase()
    expect((await importFile(richDistrict())).statusCode).toBe(201)
    const extract = osmRoads() as { type: string; features: unknown[] }
    // A road of the extract far outside the sub-district.
    extract.features.push({
      type: 'Feature',
      properties: { highway: 'secondary', name: '远郊路' },
      geometry: { type: 'LineString', coordinates: [[120.4, 30.4], [120.41, 30.4]] },
    })
    const response = await t.app.inject({ method: 'POST', url: '/api/import/osm-roads?parent=330106001', payload: extract })
    expect(response.statusCode, response.body).toBe(201)
    const imported = (await exportAll()).features.filter((f: Feature) => ['延安路', '远郊路'].includes(String(f.properties.name)) && f.properties.code !== 'S1')
    expect(Object.fromEntries(imported.map((f: Feature) => [f.properties.name, f.properties.parent ?? null]))).toEqual({ 延安路: '330106001', 远郊路: null })
  })

  it('names an unknown jurisdiction as a bad parent instead of importing without it', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/import/osm-roads?parent=999999999', payload: osmRoads() })
    expect(response.statusCode).toBe(422)
    expect(JSON.stringify(response.json().error.details)).toContain('999999999')
  })
})

describe('npm run import', () => {
  it('lists each problem and exits 1, and imports a good file printing the counts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jz-import-'))
    const good = path.join(dir, 'district.geojson')
    writeFileSync(good, JSON.stringify(richDistrict()))
    const badDistrict = richDistrict()
    badDistrict.features[2]!.properties.kind = 'block'
    badDistrict.features[8]!.properties.width_m = '18米'
    const bad = path.join(dir, 'bad.geojson')
    writeFileSync(bad, JSON.stringify(badDistrict))
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: path.join(dir, 'pglite') }
    delete env.DATABASE_URL
    let dropDatabase = async () => {}
    if (t.backend === 'pglite') {
      // Unpack the migrated empty template: creating an embedded database from nothing takes a minute on a busy machine.
      mkdirSync(env.DATA_DIR!)
      await promisify(execFile)('tar', ['-xf', inject('pgliteTemplates').empty, '-C', env.DATA_DIR!])
    } else {
      const adminUrl = inject('postgresAdminUrl')
      const name = `jz_cli_${process.pid}_${Date.now()}`
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      await admin.query(`CREATE DATABASE ${name} TEMPLATE jz_template_empty`)
      await admin.end()
      env.DATABASE_URL = adminUrl.replace(/\/postgres$/, `/${name}`)
      dropDatabase = async () => {
        const dropper = new pg.Client({ connectionString: adminUrl })
        await dropper.connect()
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await dropper.end()
      }
    }
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], { env, timeout: 120_000 }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      )
    try {
      // The format problems are found before the database is opened, so this run is cheap.
      const refused = await run(bad)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/2 features are invalid; nothing was imported/)
      expect(refused.stderr).toMatch(/#2 properties\.kind: unknown kind text "block"/)
      expect(refused.stderr).toMatch(/#8 properties\.width_m: must be a number of metres/)
      const imported = await run(good)
      expect(imported.code, imported.stderr).toBe(0)
      expect(imported.stdout).toMatch(/13 zones, 17 parties, 18 assignments, 4 categories, 4 category routes/)
    } finally {
      await dropDatabase()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
