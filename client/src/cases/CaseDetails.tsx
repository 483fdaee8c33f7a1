import { useEffect, useState } from 'react'
import { describeError } from '../api/client.js'
import { casePhotoUrl, cases, type Case } from '../api/cases.js'
import { useI18n } from '../i18n/i18n.js'
import { useSession } from '../session/session.js'
import { maskPhone } from '../../../server/kernel/phone-mask.js'
import { durationText, label, officeTime } from './labels.js'
import { useOfficeCalendar } from './use-office-calendar.js'
import { workingTimeBetween } from './working-time.js'

/** The flags the dispatcher must confirm before filing, shown prominently. */
export function CaseFlags({ flags }: { flags: string[] }) {
  const { t } = useI18n()
  if (flags.length === 0) return null
  return (
    <div className="case-flags" data-testid="case-flags">
      <strong>⚠ {t('caseFlags')}：</strong>
      {flags.map((flag) => <span key={flag} className="case-flag" data-testid={`case-flag-${flag}`}>{label(t, 'caseFlag', flag)}</span>)}
    </div>
  )
}

/** Due time and the working time left (or past) under the office calendar. */
export function CaseClock({ value, now }: { value: Pick<Case, 'due_at' | 'limit' | 'overdue' | 'state'>; now?: Date }) {
  const { t, language } = useI18n()
  const calendar = useOfficeCalendar()
  if (!value.due_at) return <span className="muted" data-testid="case-due">{value.limit ? `${t('caseLimit')} ${value.limit.value} ${t(`unit_${value.limit.unit}`)}` : t('caseNoLimit')}</span>
  const due = new Date(value.due_at)
  const at = now ?? new Date()
  const left = calendar ? (due > at ? workingTimeBetween(calendar, at, due) : -workingTimeBetween(calendar, due, at)) : null
  return (
    <span data-testid="case-due" className={value.overdue ? 'error' : ''}>
      {officeTime(value.due_at)}
      {left !== null && (
        <span className="muted" data-testid="case-remaining">
          {' · '}{left >= 0 ? t('caseRemaining') : t('caseOverdueBy')} {durationText(left, language)}
        </span>
      )}
    </span>
  )
}

interface ChainLink {
  zone?: { id?: number; code?: string; name?: string; kind?: string }
  [duty: string]: unknown
}

/** The owner's name from the stored chain: the holder of the owner's duty on the owner's zone. */
export function ownerNameOf(routing: unknown, owner: { party_id?: number | null; duty?: string | null; zone?: { id: number } | null; name?: string | null } | null): string | null {
  if (!owner) return null
  if (owner.name) return owner.name
  const chain = (routing as { chain?: ChainLink[] } | null)?.chain ?? []
  for (const link of chain) {
    const holders = (link.holders as Record<string, { id?: number; name?: string } | null> | undefined) ?? {}
    const holder = owner.duty ? holders[owner.duty] : null
    if (holder?.name && (link.zone?.id === owner.zone?.id || holder.id === owner.party_id)) return holder.name
  }
  return null
}

/** The routing chain stored at intake: each zone, most specific first, with who held it then. */
export function RoutingChain({ routing }: { routing: unknown }) {
  const { t } = useI18n()
  const chain = ((routing as { chain?: ChainLink[] } | null)?.chain ?? (Array.isArray(routing) ? (routing as ChainLink[]) : [])).filter((l) => l?.zone)
  if (chain.length === 0) return null
  return (
    <ol className="case-chain" data-testid="case-chain">
      {chain.map((link, index) => {
        const holders = (['merchant', 'chief', 'department', 'fallback'] as const)
          .map((duty) => [duty, ((link.holders as Record<string, unknown> | undefined) ?? link)[duty] as { name?: string } | null | undefined] as const)
          .filter(([, holder]) => holder?.name)
        return (
          <li key={`${link.zone?.id ?? index}`}>
            <span className="muted">{link.zone?.kind ? label(t, 'kind', link.zone.kind) : ''}</span> {link.zone?.name}{' '}
            <span className="muted small">{link.zone?.code}</span>
            {holders.map(([duty, holder]) => <span key={duty} className="small"> · {label(t, 'duty', duty)} {holder?.name}</span>)}
          </li>
        )
      })}
    </ol>
  )
}

export function CasePhotos({ value }: { value: Case }) {
  const { t } = useI18n()
  if (value.photos.length === 0) return null
  return (
    <div className="case-photos" data-testid="case-photos">
      <h4>{t('casePhotos')}</h4>
      {value.photos.map((photo) => (
        <a key={photo.id} href={casePhotoUrl(value.id, photo.id)} target="_blank" rel="noreferrer">
          <img src={casePhotoUrl(value.id, photo.id)} alt={photo.purpose} data-testid="case-photo" />
        </a>
      ))}
    </div>
  )
}

export function CaseTimeline({ value }: { value: Case }) {
  const { t } = useI18n()
  return (
    <div data-testid="case-timeline">
      <h4>{t('caseTimeline')}</h4>
      <ol className="case-timeline">
        {[...value.events].reverse().map((event) => (
          <li key={event.id} data-testid="case-event">
            <span className="muted small">{officeTime(event.at)}</span>{' '}
            <strong>{label(t, 'caseEvent', event.action)}</strong>{' '}
            <span className="small">{event.by_system ? t('bySystem') : event.display_name ?? event.login ?? ''}</span>
            {event.note && <div className="small">{event.note}</div>}
            {event.public_note && <div className="small muted">「{event.public_note}」</div>}
          </li>
        ))}
      </ol>
    </div>
  )
}

/**
 * The reporter: the phone masked — the server masks it for those without cases.contact, and the
 * desk masks it too for those with it until they press 查看号码, which asks
 * GET /api/cases/:id/reporter, the unmasking the audit records.
 */
export function CaseReporter({ value }: { value: Case }) {
  const { t } = useI18n()
  const { can } = useSession()
  const [shown, setShown] = useState<{ name: string | null; phone: string | null } | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setShown(null), [value.id])
  if (!value.reporter.name && !value.reporter.phone) return null
  const reporter = shown ?? { name: value.reporter.name, phone: value.reporter.phone && !value.reporter.phone.includes('*') ? maskPhone(value.reporter.phone) : value.reporter.phone }
  return (
    <>
      <span className="muted">{t('caseReporter')}</span>
      <span data-testid="case-reporter">
        {reporter.name ?? ''} <span data-testid="case-reporter-phone">{reporter.phone ?? ''}</span>
        {!shown && value.reporter.phone && can('cases.contact') && (
          <button
            className="link"
            data-testid="case-show-phone"
            onClick={() => cases.reporter(value.id).then(setShown, (e: unknown) => setError(describeError(e)))}
          >
            {t('caseShowPhone')}
          </button>
        )}
        {error && <span className="error small"> {error}</span>}
      </span>
    </>
  )
}
