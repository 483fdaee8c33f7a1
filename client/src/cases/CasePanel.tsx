import { useCallback, useEffect, useState } from 'react'
import { describeError } from '../api/client.js'
import { cases, type Case } from '../api/cases.js'
import { useI18n } from '../i18n/i18n.js'
import { CaseActions } from './CaseActions.js'
import { CaseClock, CaseFlags, CasePhotos, CaseReporter, CaseTimeline, RoutingChain } from './CaseDetails.js'
import { label } from './labels.js'

interface Props {
  id: number
  /** Changes when the desk wants the case read again (opened again, 刷新). */
  reads?: number
  onClose(): void
  /** After a step: the list and the map layer refresh. */
  onChanged(next: Case): void
  onLocate(value: Case): void
}

/** One case on the desk: what, where, whose, the clock, the timeline and the steps the server allows now. */
export function CasePanel({ id, reads = 0, onClose, onChanged, onLocate }: Props) {
  const { t } = useI18n()
  const [value, setValue] = useState<Case | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const load = useCallback(() => {
    cases.get(id).then((next) => {
      setValue(next)
      setError(null)
    }, (e: unknown) => setError(describeError(e)))
  }, [id])
  useEffect(() => {
    setValue(null)
    setNotice(null)
  }, [id])
  useEffect(() => load(), [load, reads])
  useEffect(() => {
    if (value) onLocate(value)
    // Only when another case opens, not after each step.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value?.id])

  return (
    <div className="panel case-panel" data-testid="case-panel">
      <button className="close" onClick={onClose} aria-label={t('caseClose')}>×</button>
      {error && <p className="error" data-testid="case-error">{error}</p>}
      {!value ? !error && <p className="muted">…</p> : (
        <>
          <h3>
            <span data-testid="case-number">{value.number}</span>{' '}
            <span className={`case-state state-${value.state}`} data-testid="case-state">{label(t, 'caseState', value.state)}</span>
          </h3>
          <CaseFlags flags={value.flags} />
          <div className="facts">
            <span className="muted">{t('caseCategory')}</span><span data-testid="case-category">{value.category.name}</span>
            <span className="muted">{t('caseChannel')}</span><span>{label(t, 'caseChannel', value.channel)}</span>
            <span className="muted">{t('caseDescription')}</span><span data-testid="case-description">{value.description}</span>
            {value.address && <><span className="muted">{t('caseAddress')}</span><span>{value.address}</span></>}
            <CaseReporter value={value} />
            <span className="muted">{t('caseOwner')}</span>
            <span data-testid="case-owner">
              {value.owner?.name ?? '—'}
              {value.owner?.duty && <span className="muted small"> {label(t, 'duty', value.owner.duty)}</span>}
              {value.owner?.zone && <span className="muted small"> · {value.owner.zone.name}</span>}
            </span>
            <span className="muted">{t('caseDepartment')}</span><span data-testid="case-department">{value.department?.name ?? '—'}</span>
            <span className="muted">{t('caseAssignee')}</span><span data-testid="case-assignee">{value.assignee?.name ?? '—'}</span>
            <span className="muted">{t('caseDue')}</span><CaseClock value={value} />
          </div>
          <details open>
            <summary>{t('caseChain')}</summary>
            <RoutingChain routing={value.routing} />
          </details>
          <CasePhotos value={value} />
          {notice && <p className="clean" data-testid="case-notice">{notice}</p>}
          <CaseActions
            value={value}
            onError={(text) => {
              setNotice(null)
              setError(text)
            }}
            onChanged={(next, action) => {
              setValue(next)
              setError(null)
              setNotice(action ? `${t('caseDone')}${label(t, 'caseAction', action)}` : null)
              onChanged(next)
            }}
          />
          <CaseTimeline value={value} />
        </>
      )}
    </div>
  )
}
