import { useEffect, useState } from 'react'
import { api } from '../api/client.js'
import type { Duty, Party } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'

const TYPES: Duty[] = ['chief', 'department', 'merchant', 'fallback']

/** Chiefs, departments and merchants, searchable, with the zones each one holds. */
export function Directory({ onZone }: { onZone(id: number): void }) {
  const { t } = useI18n()
  const [type, setType] = useState<Duty>('chief')
  const [query, setQuery] = useState('')
  const [parties, setParties] = useState<Party[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    const timer = setTimeout(() => {
      api.listParties({ type, q: query.trim() || undefined })
        .then((list) => !cancelled && (setParties(list), setError(null)))
        .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)))
    }, 200)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [type, query])

  return (
    <div className="panel directory" data-testid="directory">
      <div className="tabs small">
        {TYPES.map((d) => (
          <button key={d} className={type === d ? 'active' : ''} onClick={() => setType(d)}>{t(`duty.${d}`)}</button>
        ))}
      </div>
      <input data-testid="directory-search" placeholder={t('directorySearch')} value={query} onChange={(e) => setQuery(e.target.value)} />
      {error && <p className="error">{error}</p>}
      <ul className="parties">
        {parties?.length === 0 && <li className="muted">{t('noResults')}</li>}
        {parties?.map((party) => (
          <li key={party.id}>
            <strong>{party.name}</strong> {party.title ? <span className="muted">{party.title}</span> : null} {party.phone ? `☎ ${party.phone}` : ''}
            {party.zones.length > 0 && (
              <div className="small">
                {t('holds')}:{' '}
                {party.zones.map((zone) => (
                  <button key={`${zone.id}-${zone.duty}`} className="link chip" onClick={() => onZone(zone.id)}>{zone.name}</button>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}
