import { describe, expect, it } from 'vitest'
import { changeSummary } from './change-summary.js'

describe('changeSummary', () => {
  it('names only the fields that changed, old value then new', () => {
    expect(changeSummary({ name: '天水第3网格', version: 2, code: '330105003002003' }, { name: '天水第三网格', version: 3, code: '330105003002003' }))
      .toBe('name: 天水第3网格 → 天水第三网格; version: 2 → 3')
  })

  it('lists what a creation made, and a geometry by its type, not its coordinates', () => {
    const ring = Array.from({ length: 20 }, (_, i) => [120.16 + i / 1000, 30.28])
    expect(changeSummary(null, { name: '新网格', geometry: { type: 'Polygon', coordinates: [ring] } })).toBe('name: 新网格; geometry: ⟨Polygon⟩')
  })

  it('says a removed value is gone, and stops after the limit with a count of the rest', () => {
    expect(changeSummary({ a: 1, b: 2, c: 3 }, { a: null, b: 3, c: 4 }, 2)).toBe('a: 1 → ∅; b: 2 → 3; … (+1)')
  })

  it('compares a zone feature by its properties, and leaves out the audit effect a write answers with', () => {
    const zone = (name: string, version: number) => ({ type: 'Feature', id: 7, geometry: { type: 'Polygon', bbox: [120.16, 30.28, 120.17, 30.29] }, properties: { id: 7, name, version } })
    expect(changeSummary(zone('天水社区单元网格01', 3), { ...zone('天水第3网格', 4), audit: { jurisdictions: [] } })).toBe('name: 天水社区单元网格01 → 天水第3网格; version: 3 → 4')
  })

  it('is empty when there is nothing on either side', () => {
    expect(changeSummary(null, undefined)).toBe('')
  })
})
