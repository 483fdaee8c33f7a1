import { describe, expect, it } from 'vitest'
import { maskPhone, shownPhone } from './phone-mask.js'

describe('maskPhone', () => {
  it('keeps the first three and last four digits of a mobile (as the issue shows)', () => {
    expect(maskPhone('138-0000-0053')).toBe('138****0053')
    expect(maskPhone('+86 139 1234 5678')).toBe('139****5678')
  })
  it('keeps the area code and the last four digits of a landline, dropping the extension', () => {
    expect(maskPhone('0571-8700-1234')).toBe('0571-****1234')
    expect(maskPhone('0571-8700-1234 转2')).toBe('0571-****1234')
    expect(maskPhone('010-1234-5678')).toBe('010-****5678')
    expect(maskPhone('0311-123-4567')).toBe('0311-***4567')
  })
  it('leaves public service numbers as they are', () => {
    expect(maskPhone('12345')).toBe('12345')
    expect(maskPhone('400-123-4567')).toBe('400-123-4567')
  })
  it('keeps only the last two digits of what it cannot read', () => {
    expect(maskPhone('87-001-234')).toBe('******34')
  })
})

describe('shownPhone', () => {
  it('masks only a private phone, and only for a caller who may not see it', () => {
    expect(shownPhone('138-0000-0053', true, false)).toBe('138****0053')
    expect(shownPhone('138-0000-0053', true, true)).toBe('138-0000-0053')
    expect(shownPhone('138-0000-0053', false, false)).toBe('138-0000-0053')
    expect(shownPhone(null, true, false)).toBeNull()
  })
})
