import { describe, expect, it } from 'vitest'
import {
  describeAuditEffect, netAuditEffect, type AuditFindingKeys as AuditFindings, type AuditWords, type JurisdictionAuditKeys as JurisdictionAudit,
} from './audit-summary.js'

const none = (): AuditFindings => ({ gaps: [], overlaps: [], spills: [], uncovered_streets: [], unassigned: [] })
const jurisdiction = (added: Partial<AuditFindings>, resolved: Partial<AuditFindings>, code = '330105003'): JurisdictionAudit => ({
  code, name: code === '330105003' ? '天水街道' : '武林街道', ok_before: true, ok_after: false,
  added: { ...none(), ...added }, resolved: { ...none(), ...resolved },
})
const zhWords: AuditWords = {
  prefix: '覆盖审计：', added: '新增', resolved: '解决', unchanged: '无变化', listSeparator: '、', partSeparator: '；',
  item: (kind, n) => `${n} ${{ gaps: '处缺口', overlaps: '处重叠', spills: '处越界', uncovered_streets: '条未分段街巷', unassigned: '项未指定' }[kind]}`,
}

describe('the effect of an edit on the coverage audit', () => {
  it('says what one write added and resolved', () => {
    const effect = netAuditEffect([{ jurisdictions: [jurisdiction({ overlaps: [{ key: 'a|b' }] }, { unassigned: [{ key: 'grid:1:chief' }] })] }])
    expect(describeAuditEffect(effect, zhWords)).toBe('覆盖审计：新增 1 处重叠；解决 1 项未指定')
  })

  it('nets out a finding that one step added and a later step resolved', () => {
    const effect = netAuditEffect([
      { jurisdictions: [jurisdiction({ gaps: [{ key: 'g1' }], unassigned: [{ key: 'u1' }] }, {})] },
      { jurisdictions: [jurisdiction({ unassigned: [{ key: 'u2' }] }, { gaps: [{ key: 'g1' }] })] },
    ])
    expect(effect[0]!.added).toEqual({ gaps: 0, overlaps: 0, spills: 0, uncovered_streets: 0, unassigned: 2 })
    expect(effect[0]!.resolved.gaps).toBe(0)
    expect(describeAuditEffect(effect, zhWords)).toBe('覆盖审计：新增 2 项未指定')
  })

  it('says nothing changed, and names jurisdictions when an edit touched several', () => {
    expect(describeAuditEffect(netAuditEffect([{ jurisdictions: [jurisdiction({}, {})] }]), zhWords)).toBe('覆盖审计：无变化')
    const two = netAuditEffect([{ jurisdictions: [jurisdiction({ spills: [{ key: 's' }] }, {}), jurisdiction({}, { gaps: [{ key: 'g' }] }, '330105004')] }])
    expect(describeAuditEffect(two, zhWords)).toBe('覆盖审计：天水街道 新增 1 处越界；武林街道 解决 1 处缺口')
  })

  it('tolerates findings lists the server left out', () => {
    const partial = { code: 'x', ok_before: null, ok_after: true, added: {} as AuditFindings, resolved: {} as AuditFindings }
    expect(describeAuditEffect(netAuditEffect([{ jurisdictions: [partial] }]), zhWords)).toBe('覆盖审计：无变化')
  })
})
