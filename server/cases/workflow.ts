import type { Permission } from '../kernel/permissions.js'

/**
 * The case workflow (docs/cases.md "States"): one table of every action, the states it may start
 * from, the state it leads to, the permission it needs and the event it appends. Pure data and
 * functions: no database, no HTTP, so that the unit test can walk every pair.
 */

export const caseStates = ['reported', 'filed', 'voided', 'dispatched', 'accepted', 'handled', 'closed', 'evaluated', 'parked', 'duplicate'] as const
export type CaseState = (typeof caseStates)[number]

/** States in which a case is still being worked on (the map, the duplicate search). */
export const openStates: readonly CaseState[] = ['reported', 'filed', 'dispatched', 'accepted', 'handled', 'parked']

export const caseActions = [
  'file', 'void', 'mark_duplicate', 'dispatch', 'accept', 'hand_back', 'request_extension', 'approve_extension',
  'refuse_extension', 'request_park', 'approve_park', 'refuse_park', 'unpark', 'handle', 'close', 'send_back', 'evaluate',
] as const
export type CaseAction = (typeof caseActions)[number]

export const isCaseAction = (value: unknown): value is CaseAction => typeof value === 'string' && (caseActions as readonly string[]).includes(value)

/** What a request waiting for a dispatcher's answer is. */
export type Pending = 'extension' | 'park'

/** `same`: the state stays; `parked_from`: back to the state the case was parked from. */
export type Target = CaseState | 'same' | 'parked_from'

export interface ActionRule {
  from: readonly CaseState[]
  to: Target
  /** The permission, checked in the case's scope; `handle` actions also need the caller to be the assignee. */
  permission: Permission
  /** The event appended to the timeline. */
  event: string
  /** Shown on the citizen's follow-up page. */
  public: boolean
  /** The action needs this pending request (an approval), or needs none pending (a request). */
  needsPending?: Pending
  refusesPending?: Pending
  /** The body must carry a reason. */
  needsReason?: boolean
}

const working = ['dispatched', 'accepted'] as const

export const workflow: Record<CaseAction, ActionRule> = {
  file: { from: ['reported'], to: 'filed', permission: 'cases.dispatch', event: 'filed', public: true },
  void: { from: ['reported'], to: 'voided', permission: 'cases.dispatch', event: 'voided', public: true, needsReason: true },
  mark_duplicate: { from: ['reported', 'filed'], to: 'duplicate', permission: 'cases.dispatch', event: 'marked_duplicate', public: true },
  dispatch: { from: ['filed'], to: 'dispatched', permission: 'cases.dispatch', event: 'dispatched', public: true },
  accept: { from: ['dispatched'], to: 'accepted', permission: 'cases.handle', event: 'accepted', public: false },
  hand_back: { from: working, to: 'filed', permission: 'cases.handle', event: 'handed_back', public: false, needsReason: true },
  request_extension: {
    from: working, to: 'same', permission: 'cases.handle', event: 'extension_requested', public: false, needsReason: true, refusesPending: 'extension',
  },
  approve_extension: { from: working, to: 'same', permission: 'cases.dispatch', event: 'extension_approved', public: false, needsPending: 'extension' },
  refuse_extension: { from: working, to: 'same', permission: 'cases.dispatch', event: 'extension_refused', public: false, needsPending: 'extension' },
  request_park: { from: working, to: 'same', permission: 'cases.handle', event: 'park_requested', public: false, needsReason: true, refusesPending: 'park' },
  approve_park: { from: working, to: 'parked', permission: 'cases.dispatch', event: 'parked', public: false, needsPending: 'park' },
  refuse_park: { from: working, to: 'same', permission: 'cases.dispatch', event: 'park_refused', public: false, needsPending: 'park' },
  unpark: { from: ['parked'], to: 'parked_from', permission: 'cases.dispatch', event: 'unparked', public: false },
  handle: { from: working, to: 'handled', permission: 'cases.handle', event: 'handled', public: true },
  close: { from: ['handled'], to: 'closed', permission: 'cases.verify', event: 'closed', public: true },
  send_back: { from: ['handled'], to: 'dispatched', permission: 'cases.verify', event: 'sent_back', public: false, needsReason: true },
  evaluate: { from: ['closed'], to: 'evaluated', permission: 'cases.dispatch', event: 'evaluated', public: true },
}

export type Step = { ok: true; to: CaseState; rule: ActionRule } | { ok: false; reason: 'state' | 'pending' | 'not_pending'; rule: ActionRule }

/**
 * Where `action` leads from `state`, given the requests pending and the state a parked case came
 * from; or why it may not be taken now.
 */
export function step(state: CaseState, action: CaseAction, pending: ReadonlySet<Pending> = new Set(), parkedFrom: CaseState | null = null): Step {
  const rule = workflow[action]
  if (!rule.from.includes(state)) return { ok: false, reason: 'state', rule }
  if (rule.needsPending && !pending.has(rule.needsPending)) return { ok: false, reason: 'not_pending', rule }
  if (rule.refusesPending && pending.has(rule.refusesPending)) return { ok: false, reason: 'pending', rule }
  const to = rule.to === 'same' ? state : rule.to === 'parked_from' ? (parkedFrom ?? 'dispatched') : rule.to
  return { ok: true, to, rule }
}

/** The actions that may be taken from `state` now, whoever asks (the caller's rights narrow this further). */
export function possibleActions(state: CaseState, pending: ReadonlySet<Pending> = new Set()): CaseAction[] {
  return caseActions.filter((action) => step(state, action, pending).ok)
}
