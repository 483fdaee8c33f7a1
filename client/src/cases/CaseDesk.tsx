import { useCallback, useEffect, useRef, useState } from 'react'
import { api, describeError } from '../api/client.js'
import { CASE_STATES, cases, type Case, type CaseFilters, type CaseSummary } from '../api/cases.js'
import type { Party } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'
import type { MapController } from '../map/MapController.js'
import { useSession } from '../session/session.js'
import { attachCaseLayer, URGENCY_COLOURS } from './case-layer.js'
import { CasePanel } from './CasePanel.js'
import { IntakeForm } from './IntakeForm.js'
import { label, officeTime } from './labels.js'
import './cases.css'

const PAGE = 30

const byDue = (a: CaseSummary, b: CaseSummary) => {
  const due = (c: CaseSummary) => (c.due_at ? new Date(c.due_at).getTime() : Number.POSITIVE_INFINITY)
  return due(a) - due(b) || b.id - a.id
}

function urgencyOf(c: CaseSummary): keyof typeof URGENCY_COLOURS {
  if (c.urgency) return c.urgency
  if (!c.due_at) return 'none'
  if (c.overdue) return 'overdue'
  return c.warn_at && new Date(c.warn_at) <= new Date() ? 'warning' : 'normal'
}

/**
 * The dispatcher's desk (案件台): the list of cases with filters and paging (sorted by due time,
 * as the server sends it), the layer of open cases on the map coloured by urgency, one case's
 * panel, and the hotline intake. Shown over the map for those with cases.read; a notification's
 * link (`/?case=<id>`) opens it with that case's panel (`initialCase`).
 */
export function CaseDesk({ controller, initialCase = null, onClose }: { controller: MapController | null; initialCase?: number | null; onClose(): void }) {
  const { t } = useI18n()
  const { can } = useSession()
  const [tab, setTab] = useState<'list' | 'intake'>('list')
  const [filters, setFilters] = useState<CaseFilters>({})
  const [list, setList] = useState<CaseSummary[]>([])
  const [nextBefore, setNextBefore] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  // Opened from a notification's link: that case's panel first.
  const [selected, setSelectedId] = useState<number | null>(initialCase)
  // Opening a case (again) or 刷新 reads it afresh.
  const [reads, setReads] = useState(0)
  const setSelected = (id: number | null) => {
    setSelectedId(id)
    setReads((n) => n + 1)
  }
  const [categories, setCategories] = useState<{ id: number; name: string }[]>([])
  const [departments, setDepartments] = useState<Party[]>([])
  const layer = useRef<ReturnType<typeof attachCaseLayer> | null>(null)

  useEffect(() => {
    api.listCategories().then(setCategories, () => setCategories([]))
    api.listParties({ type: 'department' }).then(setDepartments, () => setDepartments([]))
  }, [])

  useEffect(() => {
    if (!controller) return
    const attached = attachCaseLayer(controller, (id) => setSelected(id), (text) => setError(text))
    layer.current = attached
    return () => {
      attached.detach()
      layer.current = null
    }
  }, [controller])

  const load = useCallback(async (more: boolean) => {
    try {
      const page = await cases.list({ ...filters, limit: PAGE, before: more ? nextBefore ?? undefined : undefined })
      // The server pages newest first; the desk shows what it has by due time (none last), then newest.
      setList((current) => [...(more ? [...current, ...page.cases] : page.cases)].sort(byDue))
      setNextBefore(page.next_before)
      setError(null)
    } catch (e) {
      setError(describeError(e))
    }
    // nextBefore is read only for "more"; a filter change starts again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filters])
  useEffect(() => void load(false), [load])

  const changed = (_next: Case) => {
    void load(false)
    layer.current?.refresh()
  }
  const set = (patch: Partial<CaseFilters>) => setFilters((current) => ({ ...current, ...patch }))

  return (
    <div className="case-desk" data-testid="case-desk">
      <div className="panel case-desk-list">
        <button className="close" onClick={onClose} aria-label={t('caseClose')}>×</button>
        <h3>{t('caseDesk')}</h3>
        <div className="tabs">
          <button data-testid="case-tab-list" className={tab === 'list' ? 'active' : ''} onClick={() => setTab('list')}>{t('caseList')}</button>
          {can('cases.report') && (
            <button data-testid="case-tab-intake" className={tab === 'intake' ? 'active' : ''} onClick={() => setTab('intake')}>{t('caseNewHotline')}</button>
          )}
        </div>
        {tab === 'intake' ? (
          <IntakeForm
            controller={controller}
            categories={categories}
            onOpenCase={(id) => setSelected(id)}
            onCreated={(created) => {
              setTab('list')
              setSelected(created.id)
              changed(created)
            }}
          />
        ) : (
          <>
            <div className="case-filters" data-testid="case-filters">
              <select data-testid="filter-state" value={filters.state ?? ''} onChange={(e) => set({ state: e.target.value || undefined })} title={t('caseFilterState')}>
                <option value="">{t('caseFilterState')}：{t('caseAny')}</option>
                {CASE_STATES.map((s) => <option key={s} value={s}>{label(t, 'caseState', s)}</option>)}
              </select>
              <select data-testid="filter-category" value={filters.category_id ?? ''} onChange={(e) => set({ category_id: e.target.value ? Number(e.target.value) : undefined })} title={t('caseFilterCategory')}>
                <option value="">{t('caseFilterCategory')}：{t('caseAny')}</option>
                {categories.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>
              <select data-testid="filter-department" value={filters.department_id ?? ''} onChange={(e) => set({ department_id: e.target.value ? Number(e.target.value) : undefined })} title={t('caseFilterDepartment')}>
                <option value="">{t('caseFilterDepartment')}：{t('caseAny')}</option>
                {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
              </select>
              <input data-testid="filter-zone" placeholder={t('caseFilterZone')} defaultValue={filters.zone ?? ''} onKeyDown={(e) => e.key === 'Enter' && set({ zone: e.currentTarget.value.trim() || undefined })} />
              <input data-testid="filter-q" placeholder={t('caseFilterSearch')} defaultValue={filters.q ?? ''} onKeyDown={(e) => e.key === 'Enter' && set({ q: e.currentTarget.value.trim() || undefined })} />
              <label><input type="checkbox" data-testid="filter-overdue" checked={filters.overdue ?? false} onChange={(e) => set({ overdue: e.target.checked || undefined })} />{t('caseFilterOverdue')}</label>
              <label><input type="checkbox" data-testid="filter-mine" checked={filters.mine ?? false} onChange={(e) => set({ mine: e.target.checked || undefined })} />{t('caseFilterMine')}</label>
              <button data-testid="case-refresh" onClick={() => {
                void load(false)
                setReads((n) => n + 1)
              }}>{t('caseRefresh')}</button>
            </div>
            {error && <p className="error" data-testid="case-list-error">{error}</p>}
            <ul className="case-list" data-testid="case-list">
              {list.length === 0 && <li className="muted">{t('caseNone')}</li>}
              {list.map((c) => (
                <li key={c.id}>
                  <button className={`link case-row${selected === c.id ? ' active' : ''}`} data-testid={`case-row-${c.number}`} onClick={() => setSelected(c.id)}>
                    <span className="dot" style={{ background: URGENCY_COLOURS[urgencyOf(c)] }} title={label(t, 'urgency', urgencyOf(c))} />
                    <strong>{c.number}</strong>{' '}
                    <span className={`case-state state-${c.state}`} data-testid="case-row-state">{label(t, 'caseState', c.state)}</span>{' '}
                    {c.category.name}
                    <span className="muted small"> {c.due_at ? officeTime(c.due_at) : ''}</span>
                    {(c.flags?.length ?? 0) > 0 && <span className="case-flag small"> ⚠</span>}
                  </button>
                </li>
              ))}
            </ul>
            {nextBefore !== null && <button data-testid="case-more" onClick={() => void load(true)}>{t('caseMore')}</button>}
          </>
        )}
      </div>
      {selected !== null && (
        <CasePanel
          id={selected}
          reads={reads}
          onClose={() => setSelected(null)}
          onChanged={changed}
          onLocate={(value) => {
            controller?.setMarker([value.location.lon, value.location.lat])
            controller?.map.easeTo({ center: [value.location.lon, value.location.lat], zoom: Math.max(controller.map.getZoom(), 16), duration: 300 })
          }}
        />
      )}
    </div>
  )
}
