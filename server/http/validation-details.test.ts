import { describe, expect, it } from 'vitest'
import { validationDetails, validationMessage } from './validation-details.js'

describe('validationDetails', () => {
  it('lists the allowed values of a union of literals instead of one error per branch', () => {
    const details = validationDetails(
      [
        { instancePath: '/kind', keyword: 'const', params: { allowedValue: 'district' }, message: 'must be equal to constant' },
        { instancePath: '/kind', keyword: 'const', params: { allowedValue: 'subdistrict' }, message: 'must be equal to constant' },
        { instancePath: '/kind', keyword: 'anyOf', params: {}, message: 'must match a schema in anyOf' },
      ],
      'querystring',
    )
    expect(details).toEqual([{ field: 'querystring.kind', reason: 'must be one of district, subdistrict' }])
  })

  it('names the values of an enum', () => {
    const details = validationDetails(
      [{ instancePath: '/paper', keyword: 'enum', params: { allowedValues: ['A4', 'A3'] }, message: 'must be equal to one of the allowed values' }],
      'querystring',
    )
    expect(details).toEqual([{ field: 'querystring.paper', reason: 'must be one of A4, A3' }])
  })

  it('keeps the real reason of a nullable number and drops the branch noise', () => {
    const details = validationDetails(
      [
        { instancePath: '/width_m', keyword: 'minimum', params: { limit: 0.1 }, message: 'must be >= 0.1' },
        { instancePath: '/width_m', keyword: 'type', params: { type: 'null' }, message: 'must be null' },
        { instancePath: '/width_m', keyword: 'anyOf', params: {}, message: 'must match a schema in anyOf' },
      ],
      'body',
    )
    expect(details).toEqual([{ field: 'body.width_m', reason: 'must be >= 0.1 (or null)' }])
  })

  it('names each missing property in its field and builds a message from the details', () => {
    const details = validationDetails(
      [
        { instancePath: '', keyword: 'required', params: { missingProperty: 'kind' }, message: "must have required property 'kind'" },
        { instancePath: '', keyword: 'required', params: { missingProperty: 'code' }, message: "must have required property 'code'" },
        { instancePath: '/points/0/lon', keyword: 'type', params: { type: 'number' }, message: 'must be number' },
      ],
      'body',
    )
    expect(details).toEqual([
      { field: 'body.kind', reason: 'is required' },
      { field: 'body.code', reason: 'is required' },
      { field: 'body.points.0.lon', reason: 'must be number' },
    ])
    expect(validationMessage(details)).toBe('Invalid request: body.kind is required; body.code is required; body.points.0.lon must be number')
  })
})
