import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { emptyTheDatabase, rectangle, seedZone } from '../helpers/seed.js'

// A small coded tree near Hangzhou's Tianshui sub-district: a community of 0.02° × 0.02°,
// its first unit grid in the south-west quarter, and a street along the community's middle.
const community = rectangle(120.15, 30.27, 120.17, 30.29)
const streetLine = { type: 'LineString', coordinates: [[120.15, 30.28], [120.17, 30.28]] }

describe('zones API', () => {
  let t: TestApp
  const ids: Record<string, number> = {}

  async function post(body: object) {
    return t.app.inject({ method: 'POST', url: '/api/zones', payload: body })
  }
  async function get(url: string) {
    return t.app.inject({ method: 'GET', url })
  }

  /** The zones the tests below create; a test that needs one makes it first, so each runs alone and in any order. */
  const gridBody = {
    kind: 'grid', code: '33010500300101', name: '武林1号网格', parent: '330105003001', geometry: rectangle(120.15, 30.27, 120.16, 30.28),
  }
  const streetBody = { kind: 'street', code: 'S-TYC', name: '体育场路', parent: '330105003', street_class: 'primary', geometry: streetLine }
  const segmentBody = {
    kind: 'segment', code: 'S-TYC-1', name: '体育场路西段', parent: 'S-TYC',
    geometry: { type: 'LineString', coordinates: [[120.15, 30.28], [120.16, 30.28001]] },
  }
  async function given(...bodies: { code: string }[]) {
    for (const body of bodies) {
      const response = await post(body)
      expect(response.statusCode, response.body).toBe(201)
      ids[body.code === gridBody.code ? 'grid' : body.code === streetBody.code ? 'street' : 'segment'] = response.json().id
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ demo: false })
  })
  beforeEach(async () => {
    await emptyTheDatabase(t.handle.db)
    for (const key of Object.keys(ids)) delete ids[key]
    // The tree above the grids, written straight into the tables (the API's own writes are tested below).
    const db = t.handle.db
    ids['330105'] = await seedZone(db, { kind: 'district', code: '330105', name: '拱墅区', geometry: rectangle(120.1, 30.2, 120.3, 30.4) })
    ids['330105003'] = await seedZone(db, {
      kind: 'subdistrict', code: '330105003', name: '天水街道', parent: ids['330105'], geometry: rectangle(120.14, 30.26, 120.2, 30.3),
    })
    ids['330105003001'] = await seedZone(db, { kind: 'community', code: '330105003001', name: '武林社区', parent: ids['330105003'], geometry: community })
  })
  afterAll(async () => t?.close())

  describe('creating and reading', () => {
    it('creates a grid under its community and answers the feature with version 1 and its area on the ground', async () => {
      const response = await post(gridBody)
      expect(response.statusCode, response.body).toBe(201)
      const feature = response.json()
      expect(feature).toMatchObject({
        type: 'Feature',
        id: expect.any(Number),
        geometry: { type: 'Polygon' },
        properties: {
          kind: 'grid',
          code: '33010500300101',
          name: '武林1号网格',
          parent_id: ids['330105003001'],
          parent_code: '330105003001',
          version: 1,
          width_m: null,
          length_m: null,
          chief: null,
          department: null,
          merchant: null,
          fallback: null,
        },
      })
      // 0.01° × 0.01° at 30.275° N: about 962 m × 1109 m.
      expect(feature.properties.area_m2).toBeGreaterThan(1.05e6)
      expect(feature.properties.area_m2).toBeLessThan(1.09e6)
      // The write answers with its effect on the audit of the sub-district above it (a foreign member).
      expect(feature.audit.jurisdictions).toEqual([
        expect.objectContaining({ code: '330105003', kind: 'subdistrict', ok_before: false, ok_after: false }),
      ])
      expect(feature.audit.jurisdictions[0].added.unassigned).toEqual([
        expect.objectContaining({ code: '33010500300101', kind: 'grid', missing: 'chief', key: 'grid:33010500300101:chief' }),
      ])
    })

    it('gives a street the width of its class and owns the area within half of it', async () => {
      const response = await post(streetBody)
      expect(response.statusCode, response.body).toBe(201)
      const street = response.json()
      expect(street.geometry).toEqual(streetLine)
      expect(street.properties).toMatchObject({ width_m: 40, street_class: 'primary' })
      expect(street.properties.length_m).toBeCloseTo(1923, -1)
      expect(street.properties.area_m2).toBeCloseTo(1923 * 40, -3)
      const area = await get(`/api/zones/${street.id}?geometry=area`)
      expect(area.json().geometry.type).toBe('Polygon')
    })

    it('creates a segment on its street, taking the street width when none is given', async () => {
      await given(streetBody)
      const response = await post(segmentBody)
      expect(response.statusCode, response.body).toBe(201)
      expect(response.json().properties).toMatchObject({ width_m: 40, street_class: 'primary', parent_code: 'S-TYC' })
    })

    it('reads a zone by id with its number of children, and by kind and code', async () => {
      await given(gridBody, streetBody, segmentBody)
      const byId = await get(`/api/zones/${ids['330105003001']}`)
      expect(byId.statusCode).toBe(200)
      expect(byId.json().properties).toMatchObject({ code: '330105003001', children_count: 1 })
      const byCode = await get('/api/zones/by-code/street/S-TYC')
      expect(byCode.json()).toMatchObject({ id: ids.street, properties: { name: '体育场路', children_count: 1 } })
      expect((await get('/api/zones/by-code/grid/nope')).statusCode).toBe(404)
      expect((await get('/api/zones/999999')).statusCode).toBe(404)
      const badKind = await get('/api/zones/by-code/gird/x')
      expect(badKind.statusCode).toBe(400)
      expect(badKind.json().error.code).toBe('unknown_kind')
    })

    it('lists zones by kind, parent, text and bounding box, least specific first', async () => {
      await given(gridBody, streetBody, segmentBody)
      const all = (await get('/api/zones')).json()
      expect(all.type).toBe('FeatureCollection')
      expect(all.features.map((f: { properties: { kind: string } }) => f.properties.kind)).toEqual([
        'district', 'subdistrict', 'community', 'grid', 'street', 'segment',
      ])
      const lines = (await get('/api/zones?kind=street,segment')).json()
      expect(lines.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['S-TYC', 'S-TYC-1'])
      const children = (await get('/api/zones?parent=330105003')).json()
      expect(children.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['330105003001', 'S-TYC'])
      const found = (await get(`/api/zones?q=${encodeURIComponent('西段')}`)).json()
      expect(found.features.map((f: { id: number }) => f.id)).toEqual([ids.segment])
      // A box in the community's north-east quarter, clear of the grid and north of the street's 20 m half-width.
      const northEast = (await get('/api/zones?bbox=120.165,30.285,120.169,30.289')).json()
      expect(northEast.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual([
        '330105', '330105003', '330105003001',
      ])
      const southWest = (await get('/api/zones?kind=grid&bbox=120.151,30.271,120.152,30.272')).json()
      expect(southWest.features).toHaveLength(1)
      const limited = (await get('/api/zones?limit=2')).json()
      expect(limited.features).toHaveLength(2)
      expect(limited.truncated).toBe(true)
      expect(all.truncated).toBe(false)
    })

    it('refuses a malformed bbox and an unknown kind in the list filter', async () => {
      const swapped = await get('/api/zones?bbox=30.27,120.15,30.28,120.16')
      expect(swapped.statusCode).toBe(400)
      expect(swapped.json().error).toMatchObject({ code: 'invalid_bbox', details: [{ field: 'bbox' }] })
      expect((await get('/api/zones?bbox=1,2,3')).json().error.code).toBe('invalid_bbox')
      const kind = await get('/api/zones?kind=grid,gird')
      expect(kind.statusCode).toBe(400)
      expect(kind.json().error.message).toMatch(/gird/)
    })
  })

  it('describes its endpoints in the OpenAPI document', async () => {
    const response = await get('/docs/json')
    expect(response.statusCode).toBe(200)
    const paths = Object.keys(response.json().paths)
    expect(paths).toEqual(expect.arrayContaining(['/api/zones', '/api/zones/{id}', '/api/zones/by-code/{kind}/{code}', '/api/zones/{id}/assignments']))
  })

  describe('bad input', () => {
    async function expectProblem(body: object, status: number, code: string, field: string, reason?: RegExp) {
      const response = await post(body)
      expect(response.statusCode, response.body).toBe(status)
      const error = response.json().error
      expect(error.code).toBe(code)
      expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(reason ? { reason: expect.stringMatching(reason) } : {}) })]))
      return error
    }
    const grid = (geometry: object, extra: object = {}) => ({
      kind: 'grid', code: '33010500300199', name: '测试网格', parent: '330105003001', geometry, ...extra,
    })

    it('refuses a self-intersecting polygon, naming the place', async () => {
      const bowTie = { type: 'Polygon', coordinates: [[[120.15, 30.27], [120.16, 30.28], [120.16, 30.27], [120.15, 30.28], [120.15, 30.27]]] }
      const error = await expectProblem(grid(bowTie), 400, 'invalid_geometry', 'geometry', /Self-intersection at \[120\.155, 30\.275\]/)
      expect(error.message).toMatch(/Self-intersection/)
    })

    it('refuses an unclosed ring', async () => {
      const open = { type: 'Polygon', coordinates: [[[120.15, 30.27], [120.16, 30.27], [120.16, 30.28], [120.15, 30.28]]] }
      await expectProblem(grid(open), 400, 'invalid_geometry', 'geometry.coordinates[0]', /not closed/)
    })

    it('points out swapped longitude and latitude', async () => {
      const swapped = { type: 'Polygon', coordinates: [[[30.27, 120.15], [30.27, 120.16], [30.28, 120.16], [30.27, 120.15]]] }
      await expectProblem(grid(swapped), 400, 'invalid_geometry', 'geometry.coordinates[0][0]', /look swapped/)
    })

    it('refuses coordinates out of range', async () => {
      const far = { type: 'LineString', coordinates: [[181, 30.28], [120.17, 30.28]] }
      await expectProblem({ kind: 'street', code: 'S-X', name: '远路', geometry: far }, 400, 'invalid_geometry', 'geometry.coordinates[0]', /longitude 181/)
    })

    it('refuses a line where an area belongs', async () => {
      await expectProblem(grid(streetLine), 400, 'invalid_geometry', 'geometry.type', /LineString is not allowed/)
    })

    it('refuses text where the width belongs, and a width out of range', async () => {
      const text = await post({ kind: 'street', code: 'S-W', name: '宽路', geometry: streetLine, width_m: 'wide' })
      expect(text.statusCode).toBe(400)
      expect(text.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.width_m' })]))
      // A JSON body has types: a number sent as text is refused too, not quietly converted.
      const numberAsText = await post({ kind: 'street', code: 'S-W', name: '宽路', geometry: streetLine, width_m: '12' })
      expect(numberAsText.statusCode).toBe(400)
      expect(numberAsText.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.width_m' })]))
      const wide = await post({ kind: 'street', code: 'S-W', name: '宽路', geometry: streetLine, width_m: 500 })
      expect(wide.statusCode).toBe(400)
      expect(wide.json().error.details[0].field).toBe('body.width_m')
      await expectProblem(grid(rectangle(120.15, 30.27, 120.16, 30.28), { width_m: 10 }), 400, 'invalid_field', 'width_m')
    })

    it('refuses an unknown kind, naming the kinds there are', async () => {
      await expectProblem({ kind: 'plaza', code: 'P1', name: '广场', geometry: community }, 400, 'unknown_kind', 'kind', /district, subdistrict/)
    })

    it('refuses a code with spaces, a duplicate code and a grid code that does not extend its community code', async () => {
      await given(gridBody)
      await expectProblem(grid(rectangle(120.15, 30.27, 120.16, 30.28), { code: 'G 1' }), 400, 'invalid_code', 'code')
      await expectProblem(grid(rectangle(120.15, 30.27, 120.16, 30.28), { code: '33010500300101' }), 409, 'duplicate_code', 'code')
      await expectProblem(grid(rectangle(120.15, 30.27, 120.16, 30.28), { code: '33010500399901' }), 422, 'code_not_under_parent', 'code', /330105003001 followed by 2 digits/)
    })

    it('refuses a missing parent, an unknown parent and a parent of the wrong kind', async () => {
      await expectProblem({ ...grid(rectangle(120.15, 30.27, 120.16, 30.28)), parent: undefined }, 422, 'invalid_parent', 'parent', /needs a parent community/)
      await expectProblem(grid(rectangle(120.15, 30.27, 120.16, 30.28), { parent: '999' }), 422, 'unknown_parent', 'parent')
      await expectProblem(grid(rectangle(120.15, 30.27, 120.16, 30.28), { parent: undefined, parent_id: ids['330105003'] }), 422, 'invalid_parent', 'parent_id', /must be a community, not a subdistrict/)
    })

    it('refuses a segment that is not on its street', async () => {
      await given(streetBody)
      const parallel = { type: 'LineString', coordinates: [[120.15, 30.2805], [120.16, 30.2805]] }
      await expectProblem(
        { kind: 'segment', code: 'S-TYC-9', name: '偏离段', parent: 'S-TYC', geometry: parallel },
        422, 'segment_off_street', 'geometry', /outside street S-TYC/,
      )
      expect((await get('/api/zones/by-code/segment/S-TYC-9')).statusCode).toBe(404)
    })

    it('refuses a street that lies entirely outside the sub-district it is put under', async () => {
      const elsewhere = { type: 'LineString', coordinates: [[120.4, 30.4], [120.41, 30.4]] }
      await expectProblem(
        { kind: 'street', code: 'S-FAR', name: '远处路', parent: '330105003', geometry: elsewhere },
        422, 'outside_parent', 'geometry', /does not reach into subdistrict 330105003/,
      )
      expect((await get('/api/zones/by-code/street/S-FAR')).statusCode).toBe(404)
    })

    it('refuses a grid mostly outside its community', async () => {
      await expectProblem(grid(rectangle(120.165, 30.27, 120.18, 30.28)), 422, 'grid_outside_parent', 'geometry', /67 % of grid/)
      expect((await get('/api/zones/by-code/grid/33010500300199')).statusCode).toBe(404)
    })

    it('refuses unknown fields and a body over 1 MiB', async () => {
      const typo = await post({ ...grid(rectangle(120.15, 30.27, 120.16, 30.28)), nmae: 'x' })
      expect(typo.statusCode).toBe(400)
      const ring = Array.from({ length: 60_000 }, (_, i) => [120.15 + i * 1e-7, 30.27 + (i % 2) * 1e-7])
      const huge = await post(grid({ type: 'Polygon', coordinates: [[...ring, ring[0]]] }))
      expect(huge.statusCode).toBe(413)
      expect(huge.json().error.code).toBe('payload_too_large')
      expect(huge.json().error.message).toMatch(/at most 1 MiB/)
    })

    it('refuses a whole-world polygon and a line across the antimeridian, which once answered 500 or owned a whole latitude', async () => {
      const world = { type: 'Polygon', coordinates: [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]] }
      await expectProblem({ kind: 'district', code: 'WORLD', name: '全世界', geometry: world }, 400, 'invalid_geometry', 'geometry.coordinates[0][1]', /antimeridian/)
      const across = { type: 'LineString', coordinates: [[179.99, 30.28], [-179.99, 30.28]] }
      await expectProblem({ kind: 'street', code: 'S-AM', name: '跨日界线路', geometry: across }, 400, 'invalid_geometry', 'geometry.coordinates[1]', /spans half the globe/)
      const long = { type: 'LineString', coordinates: [[100, 30.28], [120.17, 30.28]] }
      await expectProblem({ kind: 'street', code: 'S-AM', name: '万里路', geometry: long }, 400, 'invalid_geometry', 'geometry.coordinates', /at most 5°/)
      expect((await get('/api/zones?kind=district,street')).statusCode).toBe(200)
      expect((await get('/api/zones/by-code/street/S-AM')).statusCode).toBe(404)
    })

    it('refuses a width too small to own any area with a 400 naming width_m, not a database constraint', async () => {
      const tiny = await post({ kind: 'street', code: 'S-TINY', name: '细路', geometry: streetLine, width_m: 1e-300 })
      expect(tiny.statusCode).toBe(400)
      expect(tiny.json().error).toMatchObject({ code: 'invalid_request', details: [{ field: 'body.width_m', reason: expect.stringMatching(/>= 0\.1/) }] })
      expect((await get('/api/zones/by-code/street/S-TINY')).statusCode).toBe(404)
    })

    it('names the field of an id beyond the database integer range, and lists allowed values of a union', async () => {
      const huge = await get('/api/zones/99999999999999999999')
      expect(huge.statusCode).toBe(400)
      expect(huge.json().error.details).toEqual([{ field: 'params.id', reason: 'must be <= 2147483647' }])
      const parent = await post(grid(rectangle(120.15, 30.27, 120.16, 30.28), { parent: undefined, parent_id: 2 ** 31 }))
      expect(parent.statusCode).toBe(400)
      expect(parent.json().error.details[0].field).toBe('body.parent_id')
      const geometry = await get('/api/zones?geometry=shape')
      expect(geometry.json().error.details).toEqual([{ field: 'querystring.geometry', reason: 'must be one of native, area' }])
    })

    it('refuses a year PostgreSQL cannot store in at with 400, not 500', async () => {
      const response = await get('/api/zones?at=0000-01-01')
      expect(response.statusCode).toBe(400)
      expect(response.json().error).toMatchObject({ code: 'invalid_time', details: [{ field: 'at', reason: expect.stringMatching(/1900 to 9999/) }] })
    })

    it('answers a JSON body sent as text/plain with 415, naming the content type', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/zones',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(grid(rectangle(120.15, 30.27, 120.16, 30.28))),
      })
      expect(response.statusCode).toBe(415)
      expect(response.json().error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringMatching(/text\/plain.*application\/json/) })
    })
  })

  describe('editing with versions', () => {
    it('updates a zone and bumps its version; ?audit=0 leaves the audit out', async () => {
      await given(gridBody)
      const response = await t.app.inject({ method: 'PATCH', url: `/api/zones/${ids.grid}?audit=0`, payload: { version: 1, name: '武林一号网格' } })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.json().properties).toMatchObject({ name: '武林一号网格', version: 2 })
      expect(response.json()).not.toHaveProperty('audit')
    })

    it('answers a stale version with 409, the current version and feature, and writes nothing', async () => {
      await given(gridBody)
      const renamed = await t.app.inject({ method: 'PATCH', url: `/api/zones/${ids.grid}`, payload: { version: 1, name: '武林一号网格' } })
      expect(renamed.json().properties.version).toBe(2)
      const response = await t.app.inject({
        method: 'PATCH', url: `/api/zones/${ids.grid}`, payload: { version: 1, name: '覆盖者', geometry: rectangle(120.15, 30.27, 120.155, 30.275) },
      })
      expect(response.statusCode).toBe(409)
      const error = response.json().error
      expect(error.code).toBe('version_conflict')
      expect(error.details.current_version).toBe(2)
      expect(error.details.current.properties.name).toBe('武林一号网格')
      const now = (await get(`/api/zones/${ids.grid}`)).json()
      expect(now.properties).toMatchObject({ name: '武林一号网格', version: 2 })
      expect(now.geometry).toEqual(rectangle(120.15, 30.27, 120.16, 30.28))
    })

    it('answers a PATCH that changes nothing with the zone as it is, without a new version', async () => {
      await given(gridBody)
      const response = await t.app.inject({ method: 'PATCH', url: `/api/zones/${ids.grid}`, payload: { version: 1 } })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.json().properties).toMatchObject({ name: '武林1号网格', version: 1 })
      expect((await get(`/api/zones/${ids.grid}`)).json().properties.version).toBe(1)
    })

    it('moves a grid within its community and refuses to move it out', async () => {
      await given(gridBody)
      const moved = await t.app.inject({
        method: 'PATCH', url: `/api/zones/${ids.grid}`, payload: { version: 1, geometry: rectangle(120.155, 30.275, 120.165, 30.285) },
      })
      expect(moved.statusCode, moved.body).toBe(200)
      expect(moved.json().properties.version).toBe(2)
      const out = await t.app.inject({
        method: 'PATCH', url: `/api/zones/${ids.grid}`, payload: { version: 2, geometry: rectangle(120.18, 30.27, 120.19, 30.28) },
      })
      expect(out.statusCode).toBe(422)
      expect(out.json().error.code).toBe('grid_outside_parent')
      expect((await get(`/api/zones/${ids.grid}`)).json()).toMatchObject({ properties: { version: 2 }, geometry: rectangle(120.155, 30.275, 120.165, 30.285) })
    })

    it('refuses to move a street away from its segments', async () => {
      await given(streetBody, segmentBody)
      const away = { type: 'LineString', coordinates: [[120.15, 30.285], [120.17, 30.285]] }
      const response = await t.app.inject({ method: 'PATCH', url: `/api/zones/${ids.street}`, payload: { version: 1, geometry: away } })
      expect(response.statusCode).toBe(422)
      expect(response.json().error).toMatchObject({ code: 'segment_off_street', details: [{ field: 'segments.S-TYC-1' }] })
      expect((await get(`/api/zones/${ids.street}`)).json().geometry).toEqual(streetLine)
    })

    it('narrows a street, which narrows the area it owns', async () => {
      await given(streetBody)
      const response = await t.app.inject({ method: 'PATCH', url: `/api/zones/${ids.street}`, payload: { version: 1, width_m: 20 } })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.json().properties.area_m2).toBeCloseTo(1923 * 20, -3)
    })
  })

  describe('deleting', () => {
    it('refuses to delete a street with segments, listing them, and cascades when asked', async () => {
      await given(streetBody, segmentBody)
      const narrowed = await t.app.inject({ method: 'PATCH', url: `/api/zones/${ids.street}`, payload: { version: 1, width_m: 20 } })
      expect(narrowed.json().properties.version).toBe(2)
      const refused = await t.app.inject({ method: 'DELETE', url: `/api/zones/${ids.street}?version=2` })
      expect(refused.statusCode).toBe(409)
      expect(refused.json().error).toMatchObject({ code: 'has_dependents', details: { count: 1, children: [{ code: 'S-TYC-1', kind: 'segment' }] } })
      const stale = await t.app.inject({ method: 'DELETE', url: `/api/zones/${ids.street}?version=1&cascade=true` })
      expect(stale.statusCode).toBe(409)
      expect(stale.json().error.code).toBe('version_conflict')
      expect((await get(`/api/zones/${ids.segment}`)).statusCode).toBe(200)
      const cascaded = await t.app.inject({ method: 'DELETE', url: `/api/zones/${ids.street}?version=2&cascade=true` })
      expect(cascaded.statusCode, cascaded.body).toBe(200)
      expect(cascaded.json()).toMatchObject({ deleted: true, audit: { jurisdictions: [{ code: '330105003' }] } })
      // The street and its segment no longer need a chief.
      expect(cascaded.json().audit.jurisdictions[0].resolved.unassigned.map((item: { key: string }) => item.key)).toEqual(
        expect.arrayContaining(['street:S-TYC:chief', 'segment:S-TYC-1:chief']),
      )
      expect((await get(`/api/zones/${ids.street}`)).statusCode).toBe(404)
      expect((await get(`/api/zones/${ids.segment}`)).statusCode).toBe(404)
    })

    it('cascades through several levels in one go', async () => {
      await given(gridBody, streetBody, segmentBody)
      const response = await t.app.inject({ method: 'DELETE', url: `/api/zones/${ids['330105']}?version=1&cascade=true` })
      expect(response.statusCode, response.body).toBe(200)
      // A deleted jurisdiction has no audit after: everything it reported is gone with it.
      expect(response.json()).toMatchObject({
        deleted: true,
        audit: { jurisdictions: [{ code: '330105', kind: 'district', ok_before: false, ok_after: null, after: null }] },
      })
      expect((await get('/api/zones')).json().features).toEqual([])
    })

    it('needs the version to delete', async () => {
      await given(gridBody)
      const response = await t.app.inject({ method: 'DELETE', url: `/api/zones/${ids.grid}` })
      expect(response.statusCode).toBe(400)
      expect((await get(`/api/zones/${ids.grid}`)).statusCode).toBe(200)
    })
  })
})
