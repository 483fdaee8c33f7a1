import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { rectangle, seedAssignment, seedParty, seedZone } from '../helpers/seed.js'
import { accountIdByLogin, createAccount, createApiToken } from '../../server/auth/accounts.js'

/**
 * Reads are scoped (issue 9, docs/permissions.md "Reads are scoped"): a viewer of 天水街道
 * (330105003, an account made here), the demo planner (天水街道), planner.wulinmen (武林门社区),
 * dispatcher (拱墅区), chief (party scope) and the demo viewer (scope all), against the demo and a
 * second sub-district 测试街道 (330105099) seeded here, away from the demo's streets. Expected sets
 * are walked here in JavaScript from the parent links, not by the server's SQL.
 */
describe('reads stay within the scope of the grant', () => {
  let t: TestApp
  const bearer = (login: string) => ({ authorization: `Bearer jz-scoped-reads-token-${login}-000000` })
  let other: { subdistrict: number; community: number; street: number; chief: number }
  let tianshui: { id: number; grid: number; privateParty: number }
  let parentOf: Map<number, number | null>
  let codeOf: Map<number, string>

  const get = (login: string, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(login) })
  const idOfCode = async (code: string) => (await t.handle.db.selectFrom('zone').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id

  /** The zone and every zone under it, from the parent links. */
  function subtree(root: number): Set<number> {
    const out = new Set([root])
    let grew = true
    while (grew) {
      grew = false
      for (const [id, parent] of parentOf) if (parent !== null && out.has(parent) && !out.has(id)) { out.add(id); grew = true }
    }
    return out
  }
  function ancestors(id: number): number[] {
    const up: number[] = []
    for (let parent = parentOf.get(id) ?? null; parent !== null; parent = parentOf.get(parent) ?? null) up.push(parent)
    return up
  }
  const codes = (ids: Iterable<number>) => [...ids].map((id) => codeOf.get(id)!).sort()

  /** A point inside a zone's area, as the database computes it. */
  async function pointIn(zoneId: number): Promise<{ lon: number; lat: number }> {
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE id = ${zoneId}) s`.execute(t.handle.db)
    return { lon: Number(rows[0]!.lon), lat: Number(rows[0]!.lat) }
  }

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    const district = await idOfCode('330105')
    const subdistrict = await seedZone(db, { kind: 'subdistrict', code: '330105099', name: '测试街道', parent: district, geometry: rectangle(120.4, 30.4, 120.42, 30.42) })
    const community = await seedZone(db, { kind: 'community', code: '330105099001', name: '测试社区', parent: subdistrict, geometry: rectangle(120.4, 30.4, 120.42, 30.42) })
    const street = await seedZone(db, {
      kind: 'street', code: '330105099J01', name: '测试路', parent: community,
      geometry: { type: 'LineString', coordinates: [[120.401, 30.41], [120.419, 30.41]] },
    })
    const chief = await seedParty(db, { type: 'chief', name: '测试街长', phone: '13900000099' })
    await db.updateTable('party').set({ phone_private: true }).where('id', '=', chief).execute()
    await seedAssignment(db, { zone: street, party: chief, duty: 'chief' })
    other = { subdistrict, community, street, chief }

    const tianshuiId = await idOfCode('330105003')
    const tianshuiCommunity = await idOfCode('330105003002')
    const grid = (await db.selectFrom('zone').select('id').where('parent_id', '=', tianshuiCommunity).where('kind', '=', 'grid').orderBy('id').executeTakeFirstOrThrow()).id
    const privateParty = await seedParty(db, { type: 'chief', name: '天水网格私密员', phone: '13900000088' })
    await db.updateTable('party').set({ phone_private: true }).where('id', '=', privateParty).execute()
    await seedAssignment(db, { zone: grid, party: privateParty, duty: 'fallback' })
    tianshui = { id: tianshuiId, grid, privateParty }

    const viewerId = await createAccount(db, { login: 'viewer.tianshui', displayName: '天水只读' }, [{ role: 'viewer', scopeZoneId: tianshuiId }])
    await createApiToken(db, viewerId, bearer('viewer.tianshui').authorization.slice(7), 'scoped reads test')
    for (const login of ['planner', 'planner.wulinmen', 'dispatcher', 'chief', 'viewer']) {
      await createApiToken(db, (await accountIdByLogin(db, login))!, bearer(login).authorization.slice(7), 'scoped reads test')
    }
    const zones = await db.selectFrom('zone').select(['id', 'parent_id', 'code']).execute()
    parentOf = new Map(zones.map((zone) => [zone.id, zone.parent_id]))
    codeOf = new Map(zones.map((zone) => [zone.id, zone.code]))
  })
  afterAll(async () => t?.close())

  it('lists to the viewer of 天水街道 its zones and the zones above it, nothing of another sub-district; total and pages agree', async () => {
    const expected = new Set([...subtree(tianshui.id), ...ancestors(tianshui.id)])
    const response = await get('viewer.tianshui', '/api/zones?total=true&geometry=area')
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json()
    expect(codes(body.features.map((feature: { id: number }) => feature.id))).toEqual(codes(expected))
    expect(body.total).toBe(expected.size)
    expect(body.features.some((feature: { properties: { code: string } }) => feature.properties.code.startsWith('330105099'))).toBe(false)
    // Keyset pages of 7 give the same zones, each once.
    const paged: number[] = []
    let after = 0
    for (;;) {
      const page = (await get('viewer.tianshui', `/api/zones?limit=7&after=${after}`)).json()
      paged.push(...page.features.map((feature: { id: number }) => feature.id))
      if (!page.truncated) break
      after = page.next_after
    }
    expect(paged.length).toBe(expected.size)
    expect(codes(paged)).toEqual(codes(expected))
    // The administrator (scope all) still sees everything.
    const all = (await t.app.inject({ method: 'GET', url: '/api/zones?total=true' })).json()
    expect(all.total).toBe(parentOf.size)
  })

  it('answers a bbox over 测试街道 with the context zones only', async () => {
    const bbox = 'bbox=120.405,30.405,120.415,30.415'
    const scoped = (await get('viewer.tianshui', `/api/zones?${bbox}`)).json()
    const seen = codes(scoped.features.map((feature: { id: number }) => feature.id))
    expect(seen.filter((code) => code.startsWith('330105099'))).toEqual([])
    for (const code of seen) expect(ancestors(tianshui.id).map((id) => codeOf.get(id))).toContain(code)
    const all = (await t.app.inject({ method: 'GET', url: `/api/zones?${bbox}` })).json()
    expect(all.features.map((feature: { properties: { code: string } }) => feature.properties.code)).toContain('330105099J01')
  })

  it('refuses one zone outside, by id, code, assignments, categories and coverage, naming the zone and the scope', async () => {
    for (const url of [
      `/api/zones/${other.street}`,
      '/api/zones/by-code/street/330105099J01',
      `/api/zones/${other.street}/assignments`,
      `/api/zones/${other.street}/categories`,
      '/api/coverage/330105099',
    ]) {
      const response = await get('viewer.tianshui', url)
      expect(response.statusCode, url).toBe(403)
      expect(response.json().error.code).toBe('out_of_scope')
      expect(response.json().error.message).toContain('viewer scope (天水街道 330105003)')
    }
    expect((await get('viewer.tianshui', `/api/zones/${other.street}`)).json().error.message).toContain('zone 330105099J01')
    // Inside: answered; the district above: its outline (the feature) yes, its assignments no.
    expect((await get('viewer.tianshui', `/api/zones/${tianshui.grid}`)).statusCode).toBe(200)
    expect((await get('viewer.tianshui', `/api/zones/${tianshui.grid}/assignments`)).statusCode).toBe(200)
    expect((await get('viewer.tianshui', '/api/coverage/330105003')).statusCode).toBe(200)
    const district = await idOfCode('330105')
    expect((await get('viewer.tianshui', `/api/zones/${district}`)).statusCode).toBe(200)
    expect((await get('viewer.tianshui', `/api/zones/${district}/assignments`)).statusCode).toBe(403)
    // A zone that does not exist is still a 404.
    expect((await get('viewer.tianshui', '/api/zones/99999999')).statusCode).toBe(404)
    // Jurisdictions for pickers: none of 测试街道.
    const jurisdictions = (await get('viewer.tianshui', '/api/jurisdictions')).json() as { code: string }[]
    expect(jurisdictions.map((zone) => zone.code)).toContain('330105003')
    expect(jurisdictions.map((zone) => zone.code)).not.toContain('330105099')
  })

  it('lets the dispatcher of 拱墅区 read 测试街道, and the chief only the zones it holds', async () => {
    expect((await get('dispatcher', `/api/zones/${other.street}`)).statusCode).toBe(200)
    const chief = (await get('chief', '/api/zones')).json()
    const held = await t.handle.db
      .selectFrom('assignment').innerJoin('account', 'account.party_id', 'assignment.party_id')
      .select('assignment.zone_id').where('account.login', '=', 'chief').where('assignment.valid_to', 'is', null).execute()
    expect(held.length).toBeGreaterThan(0)
    const expected = new Set(held.flatMap((row) => [...subtree(row.zone_id), ...ancestors(row.zone_id)]))
    expect(codes(chief.features.map((feature: { id: number }) => feature.id))).toEqual(codes(expected))
    const response = await get('chief', `/api/zones/${tianshui.grid}`)
    expect(expected.has(tianshui.grid) ? 200 : 403).toBe(response.statusCode)
  })

  it('lists only the parties answering inside the scope; one outside is 403', async () => {
    const scoped = (await get('viewer.tianshui', '/api/parties?limit=10000')).json() as { id: number; name: string }[]
    expect(scoped.map((party) => party.name)).not.toContain('测试街长')
    expect(scoped.map((party) => party.name)).toContain('天水网格私密员')
    // Each listed party answers (held or routed) for a zone of 天水街道.
    const inScope = subtree(tianshui.id)
    const answering = await sql<{ party_id: number; zone_id: number }>`
      SELECT party_id, zone_id FROM assignment WHERE valid_from <= now() AND (valid_to IS NULL OR valid_to > now())
      UNION SELECT department_id, zone_id FROM category_route`.execute(t.handle.db)
    for (const party of scoped) {
      expect(answering.rows.some((row) => row.party_id === party.id && inScope.has(row.zone_id)), party.name).toBe(true)
    }
    const admin = (await t.app.inject({ method: 'GET', url: '/api/parties?limit=10000' })).json() as { name: string }[]
    expect(admin.map((party) => party.name)).toContain('测试街长')
    expect(admin.length).toBeGreaterThan(scoped.length)
    const one = await get('viewer.tianshui', `/api/parties/${other.chief}`)
    expect(one.statusCode).toBe(403)
    expect(one.json().error.code).toBe('out_of_scope')
    expect((await get('viewer.tianshui', `/api/parties/${tianshui.privateParty}`)).statusCode).toBe(200)
    expect((await get('dispatcher', `/api/parties/${other.chief}`)).statusCode).toBe(200)
  })

  it('no longer matches the digits of a private phone for a caller who sees it masked', async () => {
    // The viewer has no parties.contact: the name finds the party (phone masked), the digits find nothing.
    expect((await get('viewer.tianshui', '/api/parties?q=13900000088')).json()).toEqual([])
    expect((await get('viewer', '/api/parties?q=13900000088')).json()).toEqual([])
    const byName = (await get('viewer.tianshui', `/api/parties?q=${encodeURIComponent('天水网格私密员')}`)).json()
    expect(byName.map((party: { phone: string }) => party.phone)).toEqual(['139****0088'])
    // The planner of 天水街道 has parties.contact there: it sees the phone, so the digits match.
    const planner = (await get('planner', '/api/parties?q=13900000088')).json()
    expect(planner.map((party: { phone: string }) => party.phone)).toEqual(['13900000088'])
    // The dispatcher of 拱墅区 sees 测试街长's phone; the planner of 天水街道 does not find it at all.
    expect((await get('dispatcher', '/api/parties?q=13900000099')).json().map((party: { name: string }) => party.name)).toEqual(['测试街长'])
    expect((await get('planner', '/api/parties?q=13900000099')).json()).toEqual([])
    // A phone that is not private matches for anyone who sees the party.
    const open = await t.handle.db.selectFrom('party').innerJoin('assignment', 'assignment.party_id', 'party.id')
      .select(['party.name', 'party.phone']).where('party.phone_private', '=', false).where('party.phone', 'is not', null)
      .where('assignment.zone_id', 'in', [...subtree(tianshui.id)]).where('assignment.valid_to', 'is', null).executeTakeFirstOrThrow()
    const found = (await get('viewer.tianshui', `/api/parties?q=${encodeURIComponent(open.phone!)}`)).json()
    expect(found.map((party: { name: string }) => party.name)).toContain(open.name)
  })

  it('resolves inside the scope, refuses a point outside, and marks such points in a batch', async () => {
    const inside = await pointIn(tianshui.grid)
    const outside = { lon: 120.41, lat: 30.41 }
    const ok = await get('viewer.tianshui', `/api/resolve?lon=${inside.lon}&lat=${inside.lat}`)
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json().chain.map((link: { zone: { id: number } }) => link.zone.id)).toContain(tianshui.grid)
    const refused = await get('viewer.tianshui', `/api/resolve?lon=${outside.lon}&lat=${outside.lat}`)
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error.code).toBe('out_of_scope')
    expect(refused.json().error.message).toContain('330105099')
    expect((await get('dispatcher', `/api/resolve?lon=${outside.lon}&lat=${outside.lat}`)).statusCode).toBe(200)

    const points = { points: [{ id: 'in', ...inside }, { id: 'out', ...outside }] }
    const batch = await t.app.inject({ method: 'POST', url: '/api/resolve/batch', headers: bearer('planner'), payload: points })
    expect(batch.statusCode, batch.body).toBe(200)
    const [first, second] = batch.json().results
    expect(first.id).toBe('in')
    expect(first.status).not.toBe('out_of_scope')
    expect(first.primary).not.toBeNull()
    expect(second).toEqual({ id: 'out', status: 'out_of_scope', primary: null })
    const admin = (await t.app.inject({ method: 'POST', url: '/api/resolve/batch', payload: points })).json().results
    expect(admin[1].primary.zone.code).toBe('330105099J01')
  })

  it('exports to the planner of 天水街道 its jurisdiction only; a root outside is 403', async () => {
    const response = await get('planner', '/api/export')
    expect(response.statusCode, response.body).toBe(200)
    const exported = response.json().features.map((feature: { properties: { code: string } }) => feature.properties.code).sort()
    expect(exported).toEqual(codes(subtree(tianshui.id)))
    const names = JSON.stringify(response.json())
    expect(names).not.toContain('测试街长')
    expect(names).not.toContain('13900000099')
    const root = await get('planner', '/api/export?root=330105099')
    expect(root.statusCode).toBe(403)
    expect(root.json().error.code).toBe('out_of_scope')
    const all = (await t.app.inject({ method: 'GET', url: '/api/export' })).json()
    expect(all.features.length).toBe(parentOf.size)
  })

  it('renders a signboard only of a zone in the scope of signboards.print', async () => {
    const refused = await get('planner', '/api/signboards/330105099J01.svg')
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error.code).toBe('out_of_scope')
    const own = await t.handle.db.selectFrom('zone').select('code').where('kind', '=', 'street')
      .where('id', 'in', [...subtree(tianshui.id)]).orderBy('code').executeTakeFirstOrThrow()
    expect((await get('planner', `/api/signboards/${own.code}.svg`)).statusCode).toBe(200)
    // The public page stays public.
    expect((await t.app.inject({ method: 'GET', url: '/r/330105099J01', headers: { authorization: undefined } })).statusCode).toBe(200)
  })
})
