import type { Contact, Link, ResolveResult } from '../api/types.js'
import { useI18n } from '../i18n/i18n.js'
import { telHref } from '../../../server/kernel/phone.js'

function ContactLine({ label, contact, testId }: { label: string; contact: Contact | null; testId?: string }) {
  if (!contact) return null
  // The link dials exactly what the number means (extension after a pause); a stored phone that
  // does not parse is shown as text, with no link that would dial something else.
  const href = telHref(contact.phone)
  return (
    <div className="contact" data-testid={testId}>
      <span className="muted">{label}</span> <strong>{contact.name}</strong>
      {contact.title ? <span className="muted"> {contact.title}</span> : null}
      {contact.phone ? href ? <a href={href} data-testid="call"> ☎ {contact.phone}</a> : <span> ☎ {contact.phone}</span> : null}
    </div>
  )
}

function LinkRow({ link, onZone }: { link: Link; onZone(id: number): void }) {
  const { t } = useI18n()
  return (
    <li>
      <button className="link" onClick={() => onZone(link.zone.id)}>
        <span className="muted">{t(`kind.${link.zone.kind}`)}</span> {link.zone.name} <span className="muted">{link.zone.code}</span>
      </button>
      <ContactLine label={t('duty.merchant')} contact={link.merchant} />
      <ContactLine label={link.chief?.role ?? t('chief')} contact={link.chief} />
      <ContactLine label={t('department')} contact={link.department} />
      {!link.chief && <ContactLine label={t('duty.fallback')} contact={link.fallback} />}
    </li>
  )
}

/** The dispatcher's answer: who owns the clicked point, the whole chain and the department. */
export function OwnerCard({ result, error, onClose, onZone }: { result: ResolveResult | null; error: string | null; onClose(): void; onZone(id: number): void }) {
  const { t } = useI18n()
  return (
    <div className="panel owner-card" data-testid="owner-card">
      <button className="close" onClick={onClose} aria-label={t('close')}>×</button>
      <h3>{t('ownerCard')}</h3>
      {error && <p className="error">{error}</p>}
      {result && (
        <>
          <p className={`status-${result.status}`}>
            {t(`ownerStatus_${result.status}`)} · <span className="muted">{result.point.lon.toFixed(6)}, {result.point.lat.toFixed(6)}</span>
          </p>
          {result.primary && (
            <div className="primary" data-testid="owner-primary">
              <div className="muted">{t('primaryOwner')}</div>
              <button className="link big" onClick={() => onZone(result.primary!.zone.id)}>
                {result.primary.zone.name} <span className="muted">{t(`kind.${result.primary.zone.kind}`)} {result.primary.zone.code}</span>
              </button>
              {/* A frontage answers through its merchant first (门前三包), then its chief. */}
              <ContactLine label={t('duty.merchant')} contact={result.primary.merchant} testId="owner-merchant" />
              <ContactLine label={result.primary.chief?.role ?? t('chief')} contact={result.primary.chief} />
              <ContactLine label={t('duty.fallback')} contact={result.primary.chief ? null : result.primary.fallback} />
            </div>
          )}
          {result.department && <ContactLine label={t('department')} contact={result.department} />}
          {result.nearest && (
            <p>
              {t('nearest')}: {result.nearest.zone.name} · {t('distance')} {Math.round(result.nearest.distance_m)} {t('metres')}
            </p>
          )}
          {result.chain.length > 1 && (
            <>
              <h4>{t('chain')}</h4>
              <ol className="chain">{result.chain.map((link) => <LinkRow key={link.zone.id} link={link} onZone={onZone} />)}</ol>
            </>
          )}
          {result.alternatives.length > 0 && (
            <>
              <h4>{t('alternatives')}</h4>
              <ul className="chain">{result.alternatives.map((link) => <LinkRow key={link.zone.id} link={link} onZone={onZone} />)}</ul>
            </>
          )}
        </>
      )}
    </div>
  )
}
