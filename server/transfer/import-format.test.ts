import { describe, expect, it } from 'vitest'
import { parseFeatureCollection } from './import-format.js'

const square = { type: 'Polygon', coordinates: [[[120.15, 30.26], [120.16, 30.26], [120.16, 30.27], [120.15, 30.26]]] }
const centreLine = { type: 'LineString', coordinates: [[120.15, 30.26], [120.16, 30.26]] }
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features })
const feature = (properties: Record<string, unknown>, geometry: unknown = square) => ({ type: 'Feature', properties, geometry })

describe('parseFeatureCollection', () => {
  it('reads a feature with its parties, categories and history, defaulting roles by kind', () => {
    const parsed = parseFeatureCollection({
      ...collection(
        feature(
          {
            kind: 'street', code: ' S1 ', name: '延安路', parent: '330106001',
            chief: { name: '张三', phone: '13800000000', since: '2024-03-01' },
            department: '市政所',
            categories: { 路灯损坏: '市政所' },
            history: [{ duty: 'chief', name: '李四', from: '2020-01-01', to: '2024-03-01' }],
          },
          centreLine,
        ),
      ),
      departments: [{ name: '市政所', phone: '0571-87001234' }],
    })
    expect(parsed.problems).toEqual([])
    const [street] = parsed.features
    // Bare dates are midnight China Standard Time (kernel/time.ts): 2024-03-01 is 2024-02-29T16:00Z.
    expect(street).toMatchObject({
      index: 0, kind: 'street', code: 'S1', parent: '330106001', widthM: null,
      chief: { name: '张三', phone: '138-0000-0000', role: '街长', since: '2024-02-29T16:00:00.000Z' },
      department: { name: '市政所' },
      categories: [['路灯损坏', '市政所']],
      history: [{ duty: 'chief', name: '李四', role: '街长', from: '2019-12-31T16:00:00.000Z', to: '2024-02-29T16:00:00.000Z' }],
    })
    // Phones are read into their normal form (kernel/phone.ts).
    expect(parsed.departmentPhones.get('市政所')).toBe('0571-8700-1234')
  })

  it('names a frontage after its merchant when it has no name', () => {
    const parsed = parseFeatureCollection(collection(feature({ kind: 'frontage', code: 'F1', merchant: { name: '老王面馆' } })))
    expect(parsed.problems).toEqual([])
    expect(parsed.features[0]?.name).toBe('老王面馆')
  })

  it('collects every problem with its feature index and field', () => {
    const parsed = parseFeatureCollection(
      collection(
        feature({ kind: 'grid', code: 'G1', name: 'a', parent: 'C1', width_m: 10 }),
        feature({ kind: 'segment', code: 'G2', name: 'b', parent: 'S1', width_m: 'wide' }, centreLine),
        feature({ kind: 'block', code: 'X', name: 'c' }),
        feature({ kind: 'grid', code: 'G1', name: 'd', parent: 'C1' }),
        feature({ kind: 'grid', code: 'G3', name: 'e', parent: 'C1', merchant: { name: 'shop' }, chief: 'nobody' }),
        feature({ kind: 'street', code: 'S2', name: 'f', history: [{ duty: 'chief', name: 'x', from: '2024-01-01', to: '2023-01-01' }] }, centreLine),
        feature({ kind: 'grid', code: 'G4', name: null, parent: null }),
      ),
    )
    const at = parsed.problems.map((problem) => [problem.index, problem.field])
    expect(at).toEqual([
      [0, 'properties.width_m'],
      [1, 'properties.width_m'],
      [2, 'properties.kind'],
      [3, 'properties.code'],
      [4, 'properties.chief'],
      [4, 'properties.merchant'],
      [5, 'properties.history[0].to'],
      [6, 'properties.name'],
      [6, 'properties.parent'],
    ])
    expect(parsed.problems.find((problem) => problem.index === 3)?.reason).toMatch(/duplicate code "G1" for kind grid \(also feature #0\)/)
  })

  it('refuses a history that runs into the current holder', () => {
    const parsed = parseFeatureCollection(
      collection(
        feature({
          kind: 'grid', code: 'G1', name: 'a', parent: 'C1',
          chief: { name: '新', since: '2024-01-01' },
          history: [{ duty: 'chief', name: '旧', from: '2020-01-01', to: '2024-06-01' }],
        }),
      ),
    )
    expect(parsed.problems).toEqual([expect.objectContaining({ index: 0, field: 'properties.history[0].to', reason: expect.stringMatching(/after the current chief started/) })])
  })

  it('stops at a body that is not a usable FeatureCollection', () => {
    for (const body of [null, [], { type: 'Feature' }, { type: 'FeatureCollection' }, collection()]) {
      const parsed = parseFeatureCollection(body)
      expect(parsed.unreadable).toBe(true)
      expect(parsed.problems).toHaveLength(1)
    }
  })
})
