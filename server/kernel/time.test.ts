import { describe, expect, it } from 'vitest'
import { parseInstant } from './time.js'

describe('parseInstant', () => {
  it.each([
    ['2024-03-03T01:30:00Z', '2024-03-03T01:30:00.000Z'],
    ['2024-03-03T09:30:00+08:00', '2024-03-03T01:30:00.000Z'],
    ['2024-03-03T09:30:00+0800', '2024-03-03T01:30:00.000Z'],
    ['2024-03-03T09:30', '2024-03-03T01:30:00.000Z'],
    ['2024-03-03 09:30:15.25', '2024-03-03T01:30:15.250Z'],
    ['2024-03-03', '2024-03-02T16:00:00.000Z'],
    ['2024-02-29', '2024-02-28T16:00:00.000Z'],
  ])('reads %s as %s (China Standard Time when no offset is given)', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso)
  })

  it.each(['yesterday', '2024-02-30', '2023-02-29', '2024-13-01', '2024-03-03T24:00', '03/03/2024', '2024-3-3', '', '0000-01-01', '1899-12-31T12:00Z'])(
    'refuses %j',
    (text) => {
      expect(parseInstant(text)).toBeNull()
    },
  )
})
