import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { describeError } from '../api/client.js'
import { auditExportUrl, trust, type AuditEvent, type AuditFilters } from '../api/trust.js'
import { useI18n } from '../i18n/i18n.js'
import { useSession } from '../session/session.js'
import { actionLabel } from './action-label.js'
import { changeSummary } from './change-summary.js'

const PAGE = 50

/**
 * The audit administrator's view of the trail (GET /api/audit): filters by user, action, object
 * and time, newest first, older pages on request, and the export of what the filters select.
 */
export function AuditView({ onClose }: { onClose?(): void }) {
  const { t, language } = useI18n()
  const { can } = useSession()
  const locale = language === 'zh' ? 'zh-CN' : 'en-GB'
  const [form, setForm] = useState<AuditFilters>({})
  const [filters, setFilters] = useState<AuditFilters>({})
  const [events, setEvents] = useState<AuditEvent[]>([])
  const [nextBefore, setNextBefore] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)

  const load = useCallback(async (chosen: AuditFilters, before?: number) => {
    setLoading(true)
    setError(null)
    try {
      const page = await trust.audit({ ...chosen, before, limit: PAGE })
      setEvents((shown) => (before === undefined ? page.events : [...shown, ...page.events]))
      setNextBefore(page.next_before ?? null)
    } catch (failure) {
      setError(describeError(failure))
    } finally {
      setLoading(false)
    }
  }, [])

  useEffect(() => void load(filters), [filters, load])

  const search = (event: FormEvent) => {
    event.preventDefault()
    const chosen: AuditFilters = {}
    for (const [key, value] of Object.entries(form) as [keyof AuditFilters, string | undefined][]) {
      if (typeof value === 'string' && value.trim()) (chosen as Record<string, string>)[key] = value.trim()
    }
    setFilters(chosen)
  }
  const field = (key: 'login' | 'action' | 'object_type' | 'object_id', label: string) => (
    <label>
      {label}
      <input data-testid={`audit-filter-${key}`} value={form[key] ?? ''} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </label>
  )

  return (
    <div className="panel audit-view" data-testid="audit-view">
      {onClose && <button className="close" onClick={onClose} aria-label={t('close')}>×</button>}
      <h3>{t('auditView')}</h3>
      <form className="row audit-filters" onSubmit={search}>
        {field('login', t('auditFilterLogin'))}
        {field('action', t('auditFilterAction'))}
        {field('object_type', t('auditFilterObject'))}
        {field('object_id', t('auditFilterObjectId'))}
        <label>
          {t('auditFrom')}
          <input data-testid="audit-filter-from" type="datetime-local" value={form.from ?? ''} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        </label>
        <label>
          {t('auditTo')}
          <input data-testid="audit-filter-to" type="datetime-local" value={form.to ?? ''} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </label>
        <button className="primary" type="submit" data-testid="audit-search">{t('auditApply')}</button>
        {can('audit.export') && (
          <a className="button" data-testid="audit-export" href={auditExportUrl(filters)} download>{t('auditExport')}</a>
        )}
      </form>
      {error && <p className="error" role="alert" data-testid="audit-error">{error}</p>}
      <div className="audit-table">
        <table data-testid="audit-events">
          <thead>
            <tr>
              <th>{t('auditAt')}</th><th>{t('auditWho')}</th><th>{t('auditAddress')}</th><th>{t('auditAction')}</th>
              <th>{t('auditObject')}</th><th>{t('auditOutcome')}</th><th>{t('auditComment')}</th><th>{t('auditChange')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id} data-testid="audit-event" data-action={event.action} data-outcome={event.outcome}>
                <td>{new Date(event.at).toLocaleString(locale)}</td>
                <td>{event.login ?? '—'}{event.via === 'token' ? ' (API)' : ''}</td>
                <td>{event.address ?? ''}</td>
                <td title={event.action}>{actionLabel(event.action, t)}</td>
                <td>{[event.object_type, event.object_code ?? event.object_id].filter((part) => part !== null && part !== undefined).join(' ')}</td>
                <td className={event.outcome === 'ok' ? '' : 'error'}>{event.outcome}{event.status ? ` ${event.status}` : ''}</td>
                <td data-testid="audit-comment">{event.comment ?? ''}</td>
                <td className="small">{changeSummary(event.before, event.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && events.length === 0 && !error && <p className="muted" data-testid="audit-empty">{t('auditEmpty')}</p>}
        {loading && <p className="muted">{t('loading')}</p>}
      </div>
      {nextBefore !== null && !loading && (
        <button data-testid="audit-more" onClick={() => void load(filters, nextBefore)}>{t('auditMore')}</button>
      )}
    </div>
  )
}
