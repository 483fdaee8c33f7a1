import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { readBatchBody, readPointQuery } from './resolve.input.js'

function problemOf(run: () => unknown): DomainError {
  try {
    run()
  } catch (error) {
    if (error instanceof DomainError) return error
    throw error
  }
  throw new Error('expected a DomainError')
}

describe('readPointQuery', () => {
  it('reads numbers from text and converts GCJ-02 to WGS-84', () => {
    const query = readPointQuery({ lon: '120.1551', lat: '30.2741', crs: 'GCJ02', accuracy: '15' })
    expect(query.crs).toBe('gcj02')
    expect(query.accuracyM).toBe(15)
    expect(query.point.lon).toBeLessThan(120.1551)
    expect(query.point.lon).toBeGreaterThan(120.14)
  })

  it('lists every bad field at once', () => {
    const error = problemOf(() => readPointQuery({ lon: 'x', lat: '95', crs: 'utm', at: 'soon' }))
    expect(error.status).toBe(400)
    expect((error.details as { field: string }[]).map((d) => d.field)).toEqual(['lon', 'lat', 'crs', 'at'])
  })
})

describe('readBatchBody', () => {
  it('keeps ids and order, and refuses text coordinates in JSON', () => {
    const batch = readBatchBody({ points: [{ id: 'a', lon: 120.1, lat: 30.2 }, { id: 2, lon: -0.1, lat: 51.5 }] })
    expect(batch.ids).toEqual(['a', 2])
    expect([...batch.lons]).toEqual([120.1, -0.1])
    const error = problemOf(() => readBatchBody({ points: [{ id: 'a', lon: '120.1', lat: 30.2 }] }))
    expect(error.details).toEqual([{ index: 0, field: 'points.0.lon', reason: expect.stringMatching(/number/) }])
  })

  it('lists at most 1000 problems for a batch that is wrong everywhere, and counts them all', () => {
    const points = Array.from({ length: 5000 }, (_, id) => ({ id, lon: 500, lat: 30 }))
    const error = problemOf(() => readBatchBody({ points }))
    expect((error.details as unknown[]).length).toBe(1000)
    expect(error.message).toContain('5000 bad point(s)')
  })

  it('refuses more than 200,000 points', () => {
    const points = Array.from({ length: 200_001 }, (_, id) => ({ id, lon: 120, lat: 30 }))
    expect(problemOf(() => readBatchBody({ points })).message).toMatch(/1 to 200000/)
  })
})
