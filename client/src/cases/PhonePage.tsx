import { useCallback, useEffect, useState } from 'react'
import { describeError } from '../api/client.js'
import { cases, type Case, type CaseSummary } from '../api/cases.js'
import { useI18n } from '../i18n/i18n.js'
import { useSession } from '../session/session.js'
import { CaseActions } from './CaseActions.js'
import { CaseClock, CaseFlags, CasePhotos } from './CaseDetails.js'
import { label } from './labels.js'
import { linkedCaseId, MAP_HASH } from './route.js'
import { PATROL_HASH } from '../patrols/route.js'
import { SmallMap } from './SmallMap.js'
import './cases.css'

const OPEN = new Set(['filed', 'dispatched', 'accepted', 'handled', 'parked'])

/** Overdue first, then by due time (no due time last), then the oldest. */
export function phoneOrder(a: Pick<CaseSummary, 'due_at' | 'overdue' | 'id'>, b: Pick<CaseSummary, 'due_at' | 'overdue' | 'id'>): number {
  const overdue = Number(Boolean(b.overdue)) - Number(Boolean(a.overdue))
  if (overdue) return overdue
  const due = (c: typeof a) => (c.due_at ? new Date(c.due_at).getTime() : Number.POSITIVE_INFINITY)
  return due(a) - due(b) || a.id - b.id
}

/**
 * The handler's phone page (`/#/m`): a chief's, a department handler's or a grid worker's open
 * cases (the server's `mine`: assigned to their party; for a verifier also the handled cases in their scope),
 * overdue first and then by due time, each with a small map and the steps the server lists.
 */
export function PhonePage() {
  const { t, language, setLanguage } = useI18n()
  const session = useSession()
  const [list, setList] = useState<CaseSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  // A notification's link (/?case=<id>) opens that case, even when it is no longer in the list.
  const [linked] = useState(() => linkedCaseId())
  const [open, setOpen] = useState<number | null>(linked)
  const verifies = session.can('cases.verify')

  const load = useCallback(async () => {
    try {
      const page = await cases.list({ mine: true, limit: 100 })
      // A verifier (a grid worker) also checks the handled cases of their grid: the list is scoped by the server.
      const toVerify = verifies ? (await cases.list({ state: 'handled', limit: 100 })).cases : []
      const byId = new Map([...page.cases, ...toVerify].map((c) => [c.id, c]))
      const sorted = [...byId.values()].filter((c) => OPEN.has(c.state)).sort(phoneOrder)
      if (linked !== null && !sorted.some((c) => c.id === linked)) {
        const value = await cases.get(linked).catch(() => null)
        if (value) sorted.unshift(value)
      }
      setList(sorted)
      setOpen((current) => current ?? sorted[0]?.id ?? null)
      setError(null)
    } catch (e) {
      setError(describeError(e))
    }
  }, [verifies, linked])
  useEffect(() => void load(), [load])

  return (
    <div className="phone-page" data-testid="phone-page">
      <div className="phone-bar">
        <strong>{t('phoneTitle')}</strong>
        <span className="muted small">{session.info.account.display_name}</span>
        <span className="grow" />
        <button onClick={() => void load()} data-testid="phone-refresh">{t('caseRefresh')}</button>
        <button data-testid="language" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>{t('language')}</button>
        {session.info.permissions.includes('patrols.record') && <a href={PATROL_HASH} data-testid="phone-open-patrol">{t('patrolOpen')}</a>}
        {session.info.permissions.includes('zones.read') && <a href={MAP_HASH} data-testid="phone-open-map">{t('phoneOpenMap')}</a>}
        <button data-testid="sign-out" onClick={() => void session.signOut()}>{t('signOut')}</button>
      </div>
      {error && <p className="error" data-testid="phone-error">{error}</p>}
      <ul className="phone-list" data-testid="phone-list">
        {list?.length === 0 && <li className="muted" data-testid="phone-empty">{t('phoneEmpty')}</li>}
        {list?.map((c) => (
          <PhoneCard key={c.id} summary={c} expanded={open === c.id} onToggle={() => setOpen(open === c.id ? null : c.id)} onChanged={() => void load()} />
        ))}
      </ul>
    </div>
  )
}

function PhoneCard({ summary, expanded, onToggle, onChanged }: { summary: CaseSummary; expanded: boolean; onToggle(): void; onChanged(): void }) {
  const { t } = useI18n()
  const [value, setValue] = useState<Case | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  useEffect(() => {
    if (!expanded) return
    cases.get(summary.id).then(setValue, (e: unknown) => setError(describeError(e)))
  }, [expanded, summary.id, summary.updated_at])
  const urgency = summary.urgency ?? (summary.overdue ? 'overdue' : summary.due_at ? 'normal' : 'none')
  return (
    <li className={`phone-card ${urgency}`} data-testid={`phone-case-${summary.number}`} data-expanded={expanded}>
      <button className="link" onClick={onToggle} data-testid="phone-case-toggle" style={{ width: '100%', textAlign: 'left' }}>
        <strong>{summary.number}</strong>{' '}
        <span className={`case-state state-${summary.state}`} data-testid="phone-case-state">{label(t, 'caseState', summary.state)}</span>{' '}
        {summary.category.name}
        <div className="small muted">{summary.address ?? ''} {summary.description}</div>
      </button>
      {expanded && value && (
        <>
          <CaseFlags flags={value.flags} />
          <div className="small"><span className="muted">{t('caseDue')}</span> <CaseClock value={value} /></div>
          <SmallMap lon={value.location.lon} lat={value.location.lat} />
          <CasePhotos value={value} />
          {notice && <p className="clean" data-testid="phone-notice">{notice}</p>}
          {error && <p className="error" data-testid="phone-case-error">{error}</p>}
          <CaseActions
            compact
            value={value}
            onError={(text) => {
              setNotice(null)
              setError(text)
            }}
            onChanged={(next, action) => {
              setValue(next)
              setError(null)
              setNotice(action ? `${t('caseDone')}${label(t, 'caseAction', action)}` : null)
              onChanged()
            }}
          />
        </>
      )}
      {expanded && !value && error && <p className="error">{error}</p>}
    </li>
  )
}
