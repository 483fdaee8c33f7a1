import { describe, expect, it } from 'vitest'
import { translator } from '../i18n/i18n.js'
import { unassignedDescription } from './coverage-labels.js'

describe('an unassigned finding in the coverage panel', () => {
  it('names a category without a department as a problem category, not by its translation key', () => {
    // The server reports a category nobody handles as {kind: 'category', code: its name, missing: 'department'}.
    const finding = { kind: 'category', code: '路灯损坏', missing: 'department' } as const
    expect(unassignedDescription(translator('zh'), finding)).toBe('问题类别 路灯损坏 · 职能部门')
    expect(unassignedDescription(translator('en'), finding)).toBe('Problem category 路灯损坏 · Department')
  })

  it('names a zone by its kind and the duty nobody holds', () => {
    expect(unassignedDescription(translator('zh'), { kind: 'frontage', code: 'F1', missing: 'merchant' })).toBe('门前三包 F1 · 商户')
  })
})
