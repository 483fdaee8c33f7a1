import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { accountIdByLogin, createApiToken } from '../../server/auth/accounts.js'

/**
 * Private phones (issue 9): the chief of 环城北路 (330105003J01) marks the phone private; then
 * `GET /api/parties?limit=10000`, `/api/export`, zones, assignments, resolve, signboards and /r/
 * no longer give it to a caller without parties.contact in scope. The masked form is the issue's
 * (138-0000-0053 → 138****0053: first three, last four); the demo uses 138-0000-00xx itself, so
 * the test takes a number no other party has.
 */
const PHONE = '139-1234-0077'
const MASKED = '139****0077'

describe('a phone marked private', () => {
  let t: TestApp
  let chief: { id: number; version: number }
  let street: { id: number; code: string }
  const bearer = (name: string) => ({ authorization: `Bearer jz-private-phone-token-${name}-0000` })

  beforeAll(async () => {
    t = await createTestApp()
    const db = t.handle.db
    for (const login of ['viewer', 'dispatcher', 'gridworker']) {
      await createApiToken(db, (await accountIdByLogin(db, login))!, bearer(login).authorization.slice(7), 'phones test')
    }
    const admin = await db.selectFrom('account_grant').select('account_id').where('role', '=', 'administrator').executeTakeFirstOrThrow()
    await createApiToken(db, admin.account_id, bearer('exporter').authorization.slice(7), 'export only', { permissions: ['transfer.export', 'zones.read'] })
    street = await db.selectFrom('zone').select(['id', 'code']).where('code', '=', '330105003J01').executeTakeFirstOrThrow()
    const holder = await db.selectFrom('assignment').innerJoin('party', 'party.id', 'assignment.party_id')
      .select(['party.id', 'party.version']).where('assignment.zone_id', '=', street.id).where('assignment.duty', '=', 'chief')
      .where('assignment.valid_to', 'is', null).executeTakeFirstOrThrow()
    const marked = await t.app.inject({ method: 'PATCH', url: `/api/parties/${holder.id}`, payload: { version: holder.version, phone: '13912340077', phone_private: true } })
    expect(marked.statusCode, marked.body).toBe(200)
    expect(marked.json()).toMatchObject({ phone: PHONE, phone_private: true })
    chief = { id: holder.id, version: marked.json().version }
  })
  afterAll(async () => t?.close())

  it('is stored as private (migration 006) and other parties stay public by default', async () => {
    const { rows } = await sql<{ private: number; all: number }>`
      SELECT count(*) FILTER (WHERE phone_private)::int AS private, count(*)::int AS all FROM party`.execute(t.handle.db)
    expect(rows[0]!.private).toBe(1)
    expect(rows[0]!.all).toBeGreaterThan(1)
  })

  it('comes out masked from GET /api/parties?limit=10000 and /api/parties/:id for a viewer, nowhere in full', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/parties?limit=10000', headers: bearer('viewer') })
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain(PHONE)
    expect(list.json().find((party: { id: number }) => party.id === chief.id)).toMatchObject({ phone: MASKED, phone_private: true })
    // Public phones stay as they are.
    expect(list.json().filter((party: { phone: string | null }) => party.phone && !party.phone.includes('*')).length).toBeGreaterThan(0)
    const one = await t.app.inject({ method: 'GET', url: `/api/parties/${chief.id}`, headers: bearer('viewer') })
    expect(one.json().phone).toBe(MASKED)
  })

  it('is shown in full to the dispatcher, whose parties.contact covers the district', async () => {
    const one = await t.app.inject({ method: 'GET', url: `/api/parties/${chief.id}`, headers: bearer('dispatcher') })
    expect(one.json().phone).toBe(PHONE)
  })

  it('is masked in the zone, its assignments and resolution for a viewer', async () => {
    for (const url of [`/api/zones/${street.id}`, `/api/zones/${street.id}/assignments`, `/api/zones?limit=10000`]) {
      const response = await t.app.inject({ method: 'GET', url, headers: bearer('viewer') })
      expect(response.statusCode, url).toBe(200)
      expect(response.body, url).not.toContain(PHONE)
      expect(response.body, url).toContain(MASKED)
    }
    const { rows } = await sql<{ lon: number; lat: number }>`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(area) AS p FROM zone WHERE id = ${street.id}) s`.execute(t.handle.db)
    const resolved = await t.app.inject({ method: 'GET', url: `/api/resolve?lon=${rows[0]!.lon}&lat=${rows[0]!.lat}`, headers: bearer('viewer') })
    expect(resolved.statusCode).toBe(200)
    expect(resolved.body).not.toContain(PHONE)
    expect(resolved.body).toContain(MASKED)
  })

  it('is masked in an export without parties.contact, and in full (marked x-personal-data) with it', async () => {
    const masked = await t.app.inject({ method: 'GET', url: '/api/export', headers: bearer('exporter') })
    expect(masked.statusCode).toBe(200)
    expect(masked.body).not.toContain(PHONE)
    expect(masked.body).toContain(MASKED)
    expect(masked.headers['x-personal-data']).toBeUndefined()
    const full = await t.app.inject({ method: 'GET', url: '/api/export' })
    expect(full.body).toContain(PHONE)
    expect(full.headers['x-personal-data']).toBe('1')
  })

  it('is printed masked on the public /r/ page, even to nobody signed in', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/r/${street.code}`, headers: { authorization: undefined } })
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain(PHONE)
    expect(page.body).not.toContain('13912340077')
    expect(page.body).toContain(MASKED)
  })

  it('can be made public again', async () => {
    const back = await t.app.inject({ method: 'PATCH', url: `/api/parties/${chief.id}`, payload: { version: chief.version, phone_private: false } })
    expect(back.statusCode).toBe(200)
    const one = await t.app.inject({ method: 'GET', url: `/api/parties/${chief.id}`, headers: bearer('viewer') })
    expect(one.json()).toMatchObject({ phone: PHONE, phone_private: false })
  })
})
