import { describe, expect, it } from 'vitest'
import { badRequest, conflict, DomainError, notFound, unprocessable } from '../errors.js'
import { errorCodes, errorStatus, isErrorCode } from './error-codes.js'

describe('the error-code table', () => {
  it('gives every code a 4xx or 5xx status', () => {
    expect(errorCodes.length).toBeGreaterThan(0)
    for (const code of errorCodes) {
      expect(errorStatus[code], code).toBeGreaterThanOrEqual(400)
      expect(errorStatus[code], code).toBeLessThan(600)
    }
  })

  it('names codes in snake_case, as the API writes them', () => {
    for (const code of errorCodes) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/)
  })

  it('has one code for a bad time and one for an unknown category, both the caller’s input (400)', () => {
    // DESIGN §8: an unknown name in a query or body is bad input, whichever route it reaches.
    expect(errorStatus.invalid_time).toBe(400)
    expect(errorStatus.unknown_category).toBe(400)
    expect(errorStatus.not_found).toBe(404)
    expect(errorStatus.version_conflict).toBe(409)
    expect(errorStatus.internal).toBe(500)
  })

  it('tells codes from other strings', () => {
    expect(isErrorCode('version_conflict')).toBe(true)
    expect(isErrorCode('request_error')).toBe(false)
    expect(isErrorCode('toString')).toBe(false)
  })
})

describe('DomainError', () => {
  it('derives its status from its code', () => {
    expect(new DomainError('version_conflict', 'stale').status).toBe(409)
    expect(new DomainError('unknown_category', 'no such category').status).toBe(400)
    expect(new DomainError('segment_off_street', 'off').status).toBe(422)
  })

  it('keeps the code, message and details the handler sends', () => {
    const error = new DomainError('invalid_time', 'at: "soon" is not an ISO 8601 time', [{ field: 'at', reason: 'must be ISO 8601' }])
    expect(error).toMatchObject({ code: 'invalid_time', status: 400, message: 'at: "soon" is not an ISO 8601 time', details: [{ field: 'at' }] })
    expect(error).toBeInstanceOf(Error)
  })

  it('builds the same errors through the helpers named for their status', () => {
    expect(badRequest('invalid_bbox', 'bbox').status).toBe(400)
    expect(notFound('Zone 7')).toMatchObject({ code: 'not_found', status: 404, message: 'Zone 7 not found' })
    expect(conflict('has_dependents', 'children').status).toBe(409)
    expect(unprocessable('invalid_parent', 'no parent').status).toBe(422)
    // @ts-expect-error a 409 code is not a bad request: the helpers accept only codes of their status
    badRequest('version_conflict', 'stale')
  })
})
