import { describe, expect, it } from 'vitest'
import { caseActions, caseStates, possibleActions, step, type CaseAction, type CaseState, type Pending } from './workflow.js'

/**
 * Every (state, action) pair against the issue's workflow, written out by hand from common10's
 * contract (reported → filed | voided | duplicate; filed → dispatched; dispatched → accepted;
 * dispatched/accepted → filed (hand back) | handled; extension and parking requests; handled →
 * closed | dispatched (send back); closed → evaluated), not derived from the table under test.
 */
const allowed: Record<string, CaseState> = {
  'reported file': 'filed',
  'reported void': 'voided',
  'reported mark_duplicate': 'duplicate',
  'filed mark_duplicate': 'duplicate',
  'filed dispatch': 'dispatched',
  'dispatched accept': 'accepted',
  'dispatched hand_back': 'filed',
  'accepted hand_back': 'filed',
  'dispatched handle': 'handled',
  'accepted handle': 'handled',
  'dispatched request_extension': 'dispatched',
  'accepted request_extension': 'accepted',
  'dispatched request_park': 'dispatched',
  'accepted request_park': 'accepted',
  'handled close': 'closed',
  'handled send_back': 'dispatched',
  'closed evaluate': 'evaluated',
  // Back to the state it was parked from; without one recorded, dispatched.
  'parked unpark': 'dispatched',
}

describe('the case workflow table', () => {
  it('allows exactly the listed transitions when nothing is pending, and refuses every other pair', () => {
    const wrong: string[] = []
    for (const state of caseStates) {
      for (const action of caseActions) {
        const key = `${state} ${action}`
        const result = step(state, action)
        const expected = allowed[key]
        if (expected === undefined && result.ok) wrong.push(`${key}: allowed, should be refused`)
        if (expected !== undefined && (!result.ok || result.to !== expected)) wrong.push(`${key}: ${result.ok ? result.to : 'refused'}, expected ${expected}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('answers an extension or a park request only while it is pending, and takes no second request of a kind', () => {
    const extension = new Set<Pending>(['extension'])
    const park = new Set<Pending>(['park'])
    for (const state of ['dispatched', 'accepted'] as const) {
      expect(step(state, 'approve_extension').ok).toBe(false)
      expect(step(state, 'approve_extension', extension)).toMatchObject({ ok: true, to: state })
      expect(step(state, 'refuse_extension', extension)).toMatchObject({ ok: true, to: state })
      expect(step(state, 'request_extension', extension)).toMatchObject({ ok: false, reason: 'pending' })
      expect(step(state, 'approve_park', park)).toMatchObject({ ok: true, to: 'parked' })
      expect(step(state, 'refuse_park', park)).toMatchObject({ ok: true, to: state })
      expect(step(state, 'request_park', park)).toMatchObject({ ok: false, reason: 'pending' })
      expect(step(state, 'approve_park')).toMatchObject({ ok: false, reason: 'not_pending' })
    }
    // No approval outside the working states, pending or not.
    for (const state of caseStates.filter((s) => s !== 'dispatched' && s !== 'accepted')) {
      expect(step(state, 'approve_extension', extension).ok).toBe(false)
      expect(step(state, 'approve_park', park).ok).toBe(false)
    }
  })

  it('unparks a case back to the state it was parked from', () => {
    expect(step('parked', 'unpark', new Set(), 'accepted')).toMatchObject({ ok: true, to: 'accepted' })
    expect(step('parked', 'unpark', new Set(), 'dispatched')).toMatchObject({ ok: true, to: 'dispatched' })
    for (const state of caseStates.filter((s) => s !== 'parked')) expect(step(state, 'unpark').ok).toBe(false)
  })

  it('lists the possible actions of a state, and none after the end', () => {
    expect(possibleActions('reported')).toEqual(['file', 'void', 'mark_duplicate'] satisfies CaseAction[])
    expect(possibleActions('handled')).toEqual(['close', 'send_back'] satisfies CaseAction[])
    for (const end of ['voided', 'duplicate', 'evaluated'] as const) expect(possibleActions(end)).toEqual([])
  })
})
