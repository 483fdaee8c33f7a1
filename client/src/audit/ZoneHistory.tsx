import { useEffect, useState } from 'react'
import { describeError } from '../api/client.js'
import { trust, type ZoneHistoryEvent } from '../api/trust.js'
import { useI18n } from '../i18n/i18n.js'
import { actionLabel } from './action-label.js'
import { changeSummary } from './change-summary.js'

interface Props {
  zoneId: number
  /** Read again when the zone changes (a new version, an undo). */
  refresh: unknown
}

/** Who changed this zone and when, with their comment (GET /api/zones/:id/history), newest first. */
export function ZoneHistory({ zoneId, refresh }: Props) {
  const { t, language } = useI18n()
  const [events, setEvents] = useState<ZoneHistoryEvent[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    trust.zoneHistory(zoneId).then(
      (answer) => !cancelled && (setEvents(answer.events), setError(null)),
      (failure: unknown) => !cancelled && setError(describeError(failure)),
    )
    return () => {
      cancelled = true
    }
  }, [zoneId, refresh])
  const locale = language === 'zh' ? 'zh-CN' : 'en-GB'
  return (
    <section>
      <h4>{t('zoneHistory')}</h4>
      {error && <p className="error small">{error}</p>}
      {events && events.length === 0 && <p className="muted small">{t('zoneHistoryEmpty')}</p>}
      <ul className="history" data-testid="zone-changes">
        {(events ?? []).map((event, index) => (
          <li key={index} data-testid="zone-change">
            <span className="muted">{new Date(event.at).toLocaleString(locale)}</span>{' '}
            <strong>{event.display_name ?? event.login ?? '—'}</strong> · {actionLabel(event.action, t)}
            {event.outcome !== 'ok' ? <span className="error"> ({event.outcome})</span> : null}
            {event.comment && <div className="comment">「{event.comment}」</div>}
            {changeSummary(event.before, event.after) && <div className="small muted">{changeSummary(event.before, event.after)}</div>}
          </li>
        ))}
      </ul>
    </section>
  )
}
