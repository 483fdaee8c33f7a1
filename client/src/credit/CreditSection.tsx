import { useCallback, useEffect, useState } from 'react'
import { describeError } from '../api/client.js'
import { useI18n } from '../i18n/i18n.js'
import { useSession } from '../session/session.js'
import { creditApi, type CardView, type FrontageCredit } from './credit-api.js'
import './credit.css'

/**
 * The zone panel's 「门前三包信用」 section for a frontage: the merchant's cards in force as red and
 * yellow badges, the points balance, recent cases on the strip, inspections; and for credit.edit
 * the forms to give a card, add points and record an inspection. The server decides the scope and
 * says why when it refuses.
 */
export function CreditSection({ zoneId }: { zoneId: number }) {
  const { t } = useI18n()
  const { can } = useSession()
  const [credit, setCredit] = useState<FrontageCredit | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [form, setForm] = useState<'card' | 'points' | 'inspection' | null>(null)

  const reload = useCallback(async () => {
    try {
      setCredit(await creditApi.frontage(zoneId))
    } catch (e) {
      setError(describeError(e))
    }
  }, [zoneId])
  useEffect(() => {
    setCredit(null)
    setError(null)
    setForm(null)
    void reload()
  }, [reload])

  const submit = async (write: () => Promise<unknown>) => {
    setError(null)
    try {
      await write()
      setForm(null)
      await reload()
    } catch (e) {
      setError(describeError(e))
    }
  }

  const merchant = credit?.merchant ?? null
  const target = merchant ? { party_id: merchant.party.id, zone_id: zoneId } : null
  return (
    <section className="credit" data-testid="credit-section">
      <h4>{t('creditTitle')}</h4>
      {error && <p className="error" data-testid="credit-error">{error}</p>}
      {credit && !merchant && <p className="muted">{t('creditNoMerchant')}</p>}
      {merchant && (
        <>
          <p>
            {t('creditMerchant')}: <strong>{merchant.party.name}</strong> · {t('creditPoints')}{' '}
            <strong data-testid="credit-points">{merchant.points.balance}</strong>
          </p>
          <p className="credit-badges" data-testid="credit-cards">
            {merchant.cards.in_force.length === 0 && <span className="muted">{t('creditNoCards')}</span>}
            {merchant.cards.in_force.map((card) => (
              <CardBadge key={card.id} card={card} canRevoke={can('credit.edit')} onRevoke={(reason) => submit(() => creditApi.revokeCard(card.id, { version: card.version, reason }))} />
            ))}
          </p>
          {can('credit.edit') && target && (
            <div className="row">
              <button data-testid="credit-give-card" onClick={() => setForm(form === 'card' ? null : 'card')}>{t('creditGiveCard')}</button>
              <button data-testid="credit-add-points" onClick={() => setForm(form === 'points' ? null : 'points')}>{t('creditAddPoints')}</button>
              <button data-testid="credit-record-inspection" onClick={() => setForm(form === 'inspection' ? null : 'inspection')}>{t('creditRecordInspection')}</button>
            </div>
          )}
          {form === 'card' && target && <CardForm onSubmit={(colour, reason) => submit(() => creditApi.giveCard({ ...target, colour, reason }))} />}
          {form === 'points' && target && <PointsForm onSubmit={(delta, reason) => submit(() => creditApi.addPoints({ ...target, delta, reason }))} />}
          {form === 'inspection' && target && (
            <InspectionForm onSubmit={(passed, findings) => submit(() => creditApi.recordInspection({ zone_id: zoneId, party_id: target.party_id, passed, ...(findings ? { findings } : {}) }))} />
          )}

          <h5>{t('creditRecentCases')}</h5>
          <ul className="credit-list" data-testid="credit-cases">
            {merchant.cases.length === 0 && <li className="muted">{t('creditNoCases')}</li>}
            {merchant.cases.slice(0, 5).map((c) => (
              <li key={c.id}>
                {c.created_at?.slice(0, 10)} · {c.number} · {c.category} · {t(`creditResolution.${c.resolution}`)}
                {c.on_time === true && <> · {t('creditOnTime')}</>}
                {c.on_time === false && <strong className="late"> · {t('creditLate')}</strong>}
              </li>
            ))}
          </ul>
          <h5>{t('creditInspections')}</h5>
          <ul className="credit-list" data-testid="credit-inspections">
            {merchant.inspections.length === 0 && <li className="muted">{t('creditNoInspections')}</li>}
            {merchant.inspections.slice(0, 5).map((i) => (
              <li key={i.id}>{i.at?.slice(0, 10)} · {i.passed ? t('creditPassed') : t('creditFailed')}{i.findings ? ` · ${i.findings}` : ''}</li>
            ))}
          </ul>
          <h5>{t('creditPointsHistory')}</h5>
          <ul className="credit-list" data-testid="credit-points-history">
            {merchant.points.history.length === 0 && <li className="muted">{t('creditNoPoints')}</li>}
            {merchant.points.history.slice(0, 5).map((p) => (
              <li key={p.id}>{p.at?.slice(0, 10)} · {p.delta > 0 ? `+${p.delta}` : p.delta} → {p.balance_after} · {p.reason}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

function CardBadge({ card, canRevoke, onRevoke }: { card: CardView; canRevoke: boolean; onRevoke(reason: string): void }) {
  const { t } = useI18n()
  const [revoking, setRevoking] = useState(false)
  const [reason, setReason] = useState('')
  const title = `${card.reason} · ${t('creditBy')} ${card.source === 'rule' ? `${t('creditByRule')} ${card.rule_key}` : card.given_by}` +
    (card.expires_at ? ` · ${t('creditExpires')} ${card.expires_at.slice(0, 10)}` : '')
  return (
    <span className={`credit-card credit-card-${card.colour}`} data-testid={`credit-badge-${card.colour}`} title={title}>
      {t(`creditCard.${card.colour}`)} {card.given_at.slice(0, 10)}
      {canRevoke && !revoking && <button className="link" onClick={() => setRevoking(true)}>{t('creditRevoke')}</button>}
      {revoking && (
        <>
          <input placeholder={t('creditRevokeReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
          <button disabled={!reason.trim()} onClick={() => onRevoke(reason.trim())}>{t('creditSubmit')}</button>
        </>
      )}
    </span>
  )
}

function CardForm({ onSubmit }: { onSubmit(colour: 'yellow' | 'red', reason: string): void }) {
  const { t } = useI18n()
  const [colour, setColour] = useState<'yellow' | 'red'>('yellow')
  const [reason, setReason] = useState('')
  return (
    <div className="row" data-testid="credit-card-form">
      <select data-testid="credit-card-colour" value={colour} onChange={(e) => setColour(e.target.value as 'yellow' | 'red')}>
        <option value="yellow">{t('creditCard.yellow')}</option>
        <option value="red">{t('creditCard.red')}</option>
      </select>
      <input data-testid="credit-card-reason" placeholder={t('creditReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button data-testid="credit-card-submit" disabled={!reason.trim()} onClick={() => onSubmit(colour, reason.trim())}>{t('creditSubmit')}</button>
    </div>
  )
}

function PointsForm({ onSubmit }: { onSubmit(delta: number, reason: string): void }) {
  const { t } = useI18n()
  const [delta, setDelta] = useState('')
  const [reason, setReason] = useState('')
  const value = Number(delta)
  const valid = delta.trim() !== '' && Number.isInteger(value) && value !== 0 && Math.abs(value) <= 1000 && reason.trim() !== ''
  return (
    <div className="row" data-testid="credit-points-form">
      <input data-testid="credit-points-delta" type="number" step={1} placeholder={t('creditDelta')} value={delta} onChange={(e) => setDelta(e.target.value)} />
      <input data-testid="credit-points-reason" placeholder={t('creditReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button data-testid="credit-points-submit" disabled={!valid} onClick={() => onSubmit(value, reason.trim())}>{t('creditSubmit')}</button>
    </div>
  )
}

function InspectionForm({ onSubmit }: { onSubmit(passed: boolean, findings: string): void }) {
  const { t } = useI18n()
  const [passed, setPassed] = useState(true)
  const [findings, setFindings] = useState('')
  return (
    <div className="row" data-testid="credit-inspection-form">
      <select data-testid="credit-inspection-passed" value={passed ? 'passed' : 'failed'} onChange={(e) => setPassed(e.target.value === 'passed')}>
        <option value="passed">{t('creditPassed')}</option>
        <option value="failed">{t('creditFailed')}</option>
      </select>
      <input data-testid="credit-inspection-findings" placeholder={t('creditFindings')} value={findings} onChange={(e) => setFindings(e.target.value)} />
      <button data-testid="credit-inspection-submit" disabled={!passed && !findings.trim()} onClick={() => onSubmit(passed, findings.trim())}>{t('creditSubmit')}</button>
    </div>
  )
}
