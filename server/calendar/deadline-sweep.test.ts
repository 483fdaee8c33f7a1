import { describe, expect, it } from 'vitest'
import { escalationTargets } from './deadline-sweep.js'

const link = (zoneId: number, chief: { id: number; name: string } | null) => ({ zone: { id: zoneId }, holders: { chief } })

describe('escalationTargets', () => {
  const routing = {
    chain: [
      link(10, { id: 1, name: '段长' }),
      link(20, { id: 2, name: '街长' }),
      link(30, null),
      link(40, { id: 2, name: '街长' }),
      link(50, { id: 3, name: '区街长' }),
    ],
  }

  it('lists the chiefs above the owner zone, most specific first, each once, without the owner or assignee', () => {
    expect(escalationTargets(routing, 10, [1, 1])).toEqual([
      { id: 2, name: '街长' },
      { id: 3, name: '区街长' },
    ])
    // Owner at the street: only the district chief is above.
    expect(escalationTargets(routing, 20, [2])).toEqual([{ id: 3, name: '区街长' }])
    // An assignee chosen by the dispatcher who is up the chain is skipped.
    expect(escalationTargets(routing, 10, [1, 2])).toEqual([{ id: 3, name: '区街长' }])
  })

  it('answers nothing for a chain it cannot read', () => {
    expect(escalationTargets(null, 10, [])).toEqual([])
    expect(escalationTargets({ chain: 'x' }, 10, [])).toEqual([])
    expect(escalationTargets({ chain: [link(10, { id: 1, name: 'a' })] }, 10, [1])).toEqual([])
  })
})
