import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { richDistrict } from './transfer.fixture.js'
import { emptyTheDatabase } from '../helpers/seed.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ demo: false })
})
afterAll(async () => t?.close())

const importFile = () => t.app.inject({ method: 'POST', url: '/api/import', payload: richDistrict() as object })

describe('a duplicate import', () => {
  it('gets 422 import_rejected naming each code that exists, whether it comes after the first or races it', async () => {
    await emptyTheDatabase(t.handle.db)
    // Three at once: on PostgreSQL they pass the existence check side by side and the losers meet
    // the unique index (this was 409 duplicate there, 422 on the embedded backend).
    const racing = await Promise.all([importFile(), importFile(), importFile()])
    expect(racing.map((response) => response.statusCode).sort()).toEqual([201, 422, 422])
    const after = await importFile()
    expect(after.statusCode).toBe(422)
    const features = richDistrict().features.length
    for (const response of [...racing.filter((r) => r.statusCode !== 201), after]) {
      const { error } = response.json()
      expect(error.code).toBe('import_rejected')
      expect(error.details).toHaveLength(features)
      expect(error.details[0]).toEqual({ index: 0, field: 'properties.code', reason: 'district "330106" already exists in the database' })
      expect(error).toEqual(after.json().error)
    }
  })
})
